"""The web app's dependencies: the database, who is asking (bearer token or session cookie) and signed forms.

The JSON API knows a person by a bearer token (``ApiUser``); the pages by the session cookie
(``Who``, ``SignedIn``), and a form they post is checked for its CSRF token (``SignedInForm``,
``VisitorForm``). A page that needs a signed-in person raises ``LoginRequired``, which sends the
browser to the sign-in page and back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request

from twitchcheck.accounts import service as accounts
from twitchcheck.diary import models as m
from twitchcheck.diary.db import Database, get_database
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web import security


def database(request: Request) -> Database:
    """The diary database of this app (``app.state.diary_db``, else the configured one)."""
    db: Database | None = getattr(request.app.state, "diary_db", None)
    if db is None:
        db = request.app.state.diary_db = get_database()
    return db


Db = Annotated[Database, Depends(database)]


def bearer_token(request: Request) -> str:
    """The token of ``Authorization: Bearer <token>`` (unauthorized without one)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TwitchcheckError(
            "unauthorized",
            "unauthorized",
            "sign in first: send 'Authorization: Bearer <token>' (POST /api/v1/auth/login)",
        )
    return token.strip()


def api_user(request: Request, db: Db) -> m.User:
    """The person a bearer token belongs to (401 otherwise)."""
    token = bearer_token(request)
    with db.read() as session:
        user = accounts.user_for_token(session, token=token)
    if user is None:
        raise TwitchcheckError(
            "unauthorized", "invalid_token", "this token is not valid (expired or signed out); sign in again"
        )
    return user


ApiUser = Annotated[m.User, Depends(api_user)]


class LoginRequired(Exception):
    """A page needs a signed-in person: send them to the sign-in page and back."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


@dataclass(frozen=True)
class Visitor:
    """Who is looking at a page: the signed-in person (or None) and the CSRF token for its forms."""

    user: m.User | None
    csrf: str


def visitor(request: Request, db: Db) -> Visitor:
    """The signed-in person from the session cookie, if any (a session idle too long has ended)."""
    cookie = request.cookies.get(security.SESSION_COOKIE)
    if cookie:
        with db.read() as session:
            found = accounts.session_for_cookie(session, cookie=cookie)
        if found is not None:
            if accounts.needs_touch(found[1]):
                with db.write() as session:
                    accounts.touch_session(session, session_id=found[1].id)
            return Visitor(found[0], found[1].csrf_token)
    return Visitor(None, security.anonymous_csrf(request))


@dataclass(frozen=True)
class Member(Visitor):
    """A signed-in visitor: ``user`` is always set."""

    user: m.User


def page_user(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Member:
    """A signed-in visitor, or off to the sign-in page."""
    if who.user is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return Member(who.user, who.csrf)


Who = Annotated[Visitor, Depends(visitor)]
SignedIn = Annotated[Member, Depends(page_user)]
FormText = Annotated[str, Form(max_length=400)]


def form_user(request: Request, who: SignedIn, csrf_token: FormText = "") -> Member:
    """A signed-in visitor submitting a form, once its CSRF token has been checked."""
    security.check_csrf(request, csrf_token, who.csrf)
    return who


SignedInForm = Annotated[Member, Depends(form_user)]


def form_visitor(request: Request, who: Who, csrf_token: FormText = "") -> Visitor:
    """Anyone submitting a form (sign-in, register, recover), once its CSRF token has been checked."""
    security.check_csrf(request, csrf_token, who.csrf)
    return who


VisitorForm = Annotated[Visitor, Depends(form_visitor)]
