"""Signing in: the JSON API's bearer tokens and the pages' session cookie, and the account API.

API: ``POST /api/v1/auth/register`` (201, with ten one-time ``recovery_codes``), ``POST
/api/v1/auth/login`` (``{"access_token"}``), ``POST /api/v1/auth/logout``, ``POST
/api/v1/auth/logout-all`` (every session and token), ``POST /api/v1/auth/password`` (change it),
``POST /api/v1/auth/recover`` (a new password with a recovery code), ``POST
/api/v1/auth/recovery-codes`` (ten new codes), ``GET|PATCH /api/v1/auth/me`` and ``DELETE
/api/v1/auth/account`` with ``{"password"}`` (deletes the person and everything they stored).
The pages are in ``web.account_pages``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from twitchcheck.accounts import recovery
from twitchcheck.accounts import service as accounts
from twitchcheck.diary import models as m
from twitchcheck.diary.db import Database, get_database
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web import security
from twitchcheck.web.api_models import ErrorOut
from twitchcheck.web.jsonresp import JSONResponse

AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (400, "Malformed request (for example invalid JSON)"),
        (401, "Not signed in, or the token is not valid"),
        (404, "Not found (or not yours)"),
        (405, "Method not allowed"),
        (403, "Refused (wrong password for a grave change, or a form from another site)"),
        (409, "Conflict (cannot register with these details, entry already stored)"),
        (413, "Body too large"),
        (422, "The request is not valid"),
        (429, "Too many failed sign-ins"),
        (500, "Internal error"),
        (503, "The database is busy or unavailable"),
    )
}


def database(request: Request) -> Database:
    """The diary database of this app (``app.state.diary_db``, else the configured one)."""
    db: Database | None = getattr(request.app.state, "diary_db", None)
    if db is None:
        db = request.app.state.diary_db = get_database()
    return db


Db = Annotated[Database, Depends(database)]


def _bearer(request: Request) -> str:
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
    token = _bearer(request)
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


# --- JSON API -------------------------------------------------------------------------------------

auth_api = APIRouter(prefix="/api/v1/auth", tags=["accounts"], responses=AUTH_ERRORS)


class Credentials(BaseModel):
    """An email address and a password."""

    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(max_length=320, examples=["alex@example.com"])]
    password: Annotated[str, Field(max_length=accounts.MAX_PASSWORD, examples=["a long passphrase"])]


class RegisterIn(Credentials):
    """A new account (the time zone reads times sent without an offset; default UTC)."""

    timezone: Annotated[str, Field(max_length=64)] = "UTC"


class AccountOut(BaseModel):
    """An account."""

    id: str
    email: str | None
    timezone: str
    created_at: str


class RegisteredOut(AccountOut):
    """A new account with its ten one-time recovery codes (shown only now: keep them safe)."""

    recovery_codes: list[str]


Password = Annotated[str, Field(max_length=accounts.MAX_PASSWORD)]


class PasswordIn(BaseModel):
    """The account's password, to confirm a grave change."""

    model_config = ConfigDict(extra="forbid")
    password: Password


class PasswordChangeIn(BaseModel):
    """The current password and the new one."""

    model_config = ConfigDict(extra="forbid")
    current_password: Password
    new_password: Password


class RecoverIn(BaseModel):
    """An email, one of its recovery codes and a new password."""

    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(max_length=320)]
    recovery_code: Annotated[str, Field(max_length=64, examples=["7K3M-9QXD-2HPW-R4TB"])]
    new_password: Password


class CodesOut(BaseModel):
    """Ten new one-time recovery codes (the old ones no longer work)."""

    recovery_codes: list[str]


class TokenOut(BaseModel):
    """A bearer token for the JSON API."""

    access_token: str
    token_type: str = "bearer"
    expires_at: str


class SettingsIn(BaseModel):
    """Account settings that can be changed."""

    model_config = ConfigDict(extra="forbid")
    timezone: Annotated[str, Field(max_length=64, examples=["Europe/London"])]


def account_dict(user: m.User) -> dict[str, Any]:
    """An account as the API shows it (never the password hash)."""
    return {
        "id": user.uid,
        "email": user.email,
        "timezone": user.timezone,
        "created_at": user.created_at.isoformat() + "Z",
    }


@auth_api.post("/register", status_code=201, response_model=RegisteredOut)
def register(body: RegisterIn, db: Db) -> JSONResponse:
    """Create an account (201) with ten one-time recovery codes, shown only now.

    422 for a bad email or a weak password (under 12 characters, common or breached); 409, in
    words that confirm nothing, when an account cannot be made with these details.
    """
    with db.write() as session:
        made = accounts.register(session, email=body.email, password=body.password, timezone=body.timezone)
        out = account_dict(made.user) | {"recovery_codes": made.recovery_codes}
    return JSONResponse(out, status_code=201)


def _login(db: Database, email: str, password: str, client: str) -> m.User:
    with db.write() as session:
        result = accounts.login(session, email=email, password=password, client=client)
    if result.error is not None:
        raise result.error
    assert result.user is not None
    return result.user


@auth_api.post("/login", response_model=TokenOut)
def login(body: Credentials, request: Request, db: Db) -> JSONResponse:
    """Sign in: ``{"access_token"}`` for ``Authorization: Bearer``. 401 wrong details, 429 too many tries."""
    user = _login(db, body.email, body.password, security.client_address(request))
    with db.write() as session:
        token, expires = accounts.issue_token(session, user_id=user.id)
    return JSONResponse({"access_token": token, "token_type": "bearer", "expires_at": expires.isoformat() + "Z"})


@auth_api.post("/logout", status_code=204)
def logout(request: Request, user: ApiUser, db: Db) -> Response:
    """Sign this token out."""
    with db.write() as session:
        accounts.revoke_token(session, token=_bearer(request))
    return Response(status_code=204)


@auth_api.get("/me", response_model=AccountOut)
def me(user: ApiUser) -> JSONResponse:
    """The signed-in account."""
    return JSONResponse(account_dict(user))


@auth_api.patch("/me", response_model=AccountOut)
def update_me(body: SettingsIn, user: ApiUser, db: Db) -> JSONResponse:
    """Change settings (the time zone)."""
    with db.write() as session:
        accounts.set_timezone(session, user_id=user.id, timezone=body.timezone)
        fresh = session.get(m.User, user.id)
        assert fresh is not None
        out = account_dict(fresh)
    return JSONResponse(out)


def confirm(db: Database, request: Request, user: m.User, password: str) -> None:
    """Raise 403 (or 429) unless ``password`` is the person's (failures count as failed sign-ins)."""
    with db.write() as session:
        error = accounts.confirm_password(
            session, user=user, password=password, client=security.client_address(request)
        )
    if error is not None:
        raise error


@auth_api.post("/logout-all", status_code=204)
def logout_all(user: ApiUser, db: Db) -> Response:
    """Sign out everywhere: every browser session and every token of this account, this one included."""
    with db.write() as session:
        accounts.sign_out_everywhere(session, user_id=user.id)
    return Response(status_code=204)


@auth_api.post("/password", status_code=204)
def change_password(body: PasswordChangeIn, request: Request, user: ApiUser, db: Db) -> Response:
    """Change the password (403 if the current one is wrong); every other session and token is signed out."""
    confirm(db, request, user, body.current_password)
    with db.write() as session:
        accounts.set_password(session, user=user, new_password=body.new_password, keep_token=_bearer(request))
    return Response(status_code=204)


@auth_api.post("/recover", status_code=204)
def recover(body: RecoverIn, request: Request, db: Db) -> Response:
    """Set a new password with a one-time recovery code (401 if wrong; throttled like sign-in); signs out all."""
    with db.write() as session:
        error = accounts.recover(
            session,
            email=body.email,
            code=body.recovery_code,
            new_password=body.new_password,
            client=security.client_address(request),
        )
    if error is not None:
        raise error
    return Response(status_code=204)


@auth_api.post("/recovery-codes", response_model=CodesOut)
def new_recovery_codes(body: PasswordIn, request: Request, user: ApiUser, db: Db) -> JSONResponse:
    """Ten new one-time recovery codes (the password confirms it; the old codes stop working)."""
    confirm(db, request, user, body.password)
    with db.write() as session:
        codes = recovery.new_codes(session, user_id=user.id)
    return JSONResponse({"recovery_codes": codes})


@auth_api.delete("/account", status_code=204)
def delete_account(body: PasswordIn, request: Request, user: ApiUser, db: Db) -> Response:
    """Delete the account and everything in it (diary, tokens, sessions), with ``{"password"}``. No undo."""
    confirm(db, request, user, body.password)
    with db.write() as session:
        accounts.delete_account(session, user_id=user.id)
    return Response(status_code=204)


# --- What the pages share ---------------------------------------------------------------------------

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


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render a diary template (with the visitor's CSRF cookie when new)."""
    response = request.app.state.templates.TemplateResponse(request, name, context, status_code=status)
    security.remember_anonymous_csrf(request, response)
    return response
