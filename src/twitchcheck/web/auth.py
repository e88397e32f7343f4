"""Signing in: the JSON API's bearer tokens and the pages' session cookie, and the account routes.

API: ``POST /api/v1/auth/register`` (201), ``POST /api/v1/auth/login`` (``{"access_token"}``),
``POST /api/v1/auth/logout``, ``GET|PATCH /api/v1/auth/me``, ``DELETE /api/v1/auth/account``
(deletes the person and everything they stored). Pages: /register, /login, /logout, /account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from twitchcheck.accounts import service as accounts
from twitchcheck.diary import models as m
from twitchcheck.diary.db import Database, get_database
from twitchcheck.diary.errors import DiaryError
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
        (409, "Conflict (email taken, entry already stored)"),
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
        raise DiaryError(
            401, "unauthorized", "sign in first: send 'Authorization: Bearer <token>' (POST /api/v1/auth/login)"
        )
    return token.strip()


def api_user(request: Request, db: Db) -> m.User:
    """The person a bearer token belongs to (401 otherwise)."""
    token = _bearer(request)
    with db.read() as session:
        user = accounts.user_for_token(session, token=token)
    if user is None:
        raise DiaryError(401, "invalid_token", "this token is not valid (expired or signed out); sign in again")
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
    """The signed-in person from the session cookie, if any."""
    cookie = request.cookies.get(security.SESSION_COOKIE)
    if cookie:
        with db.read() as session:
            found = accounts.session_for_cookie(session, cookie=cookie)
        if found is not None:
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


@auth_api.post("/register", status_code=201, response_model=AccountOut)
def register(body: RegisterIn, db: Db) -> JSONResponse:
    """Create an account (201). 409 when the email is taken, 422 for a bad email or short password."""
    with db.write() as session:
        user = accounts.register(session, email=body.email, password=body.password, timezone=body.timezone)
        out = account_dict(user)
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


@auth_api.delete("/account", status_code=204)
def delete_account(user: ApiUser, db: Db) -> Response:
    """Delete the account and everything in it (diary, tokens, sessions). This cannot be undone."""
    with db.write() as session:
        accounts.delete_account(session, user_id=user.id)
    return Response(status_code=204)


# --- Pages ----------------------------------------------------------------------------------------

auth_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Who = Annotated[Visitor, Depends(visitor)]
SignedIn = Annotated[Member, Depends(page_user)]
FormText = Annotated[str, Form(max_length=400)]


def form_user(request: Request, who: SignedIn, csrf_token: FormText = "") -> Member:
    """A signed-in visitor submitting a form, once its CSRF token has been checked."""
    security.check_csrf(request, csrf_token, who.csrf)
    return who


SignedInForm = Annotated[Member, Depends(form_user)]


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render a diary template (with the visitor's CSRF cookie when new)."""
    response = request.app.state.templates.TemplateResponse(request, name, context, status_code=status)
    security.remember_anonymous_csrf(request, response)
    return response


def _signed_in(request: Request, db: Database, user_id: int, target: str) -> Response:
    with db.write() as session:
        cookie, _ = accounts.start_session(session, user_id=user_id)
    response = RedirectResponse(security.safe_next(target), status_code=303)
    security.set_session_cookie(response, request, cookie)
    return response


@auth_pages.get("/login")
def login_page(request: Request, who: Who, next: str | None = None) -> Response:
    """The sign-in form."""
    if who.user is not None:
        return RedirectResponse(security.safe_next(next), status_code=303)
    return render(request, "diary/login.html", {"csrf": who.csrf, "next": security.safe_next(next), "form": {}})


@auth_pages.post("/login")
def login_submit(
    request: Request,
    *,
    db: Db,
    who: Who,
    email: FormText = "",
    password: FormText = "",
    next: FormText = "/diary",
) -> Response:
    """Check the details, start a session, go on."""
    try:
        user = _login(db, email, password, security.client_address(request))
    except DiaryError as exc:
        ctx = {"csrf": who.csrf, "next": security.safe_next(next), "form": {"email": email}, "error": exc.message}
        return render(request, "diary/login.html", ctx, status=exc.status)
    return _signed_in(request, db, user.id, next)


@auth_pages.get("/register")
def register_page(request: Request, who: Who) -> Response:
    """The form to create an account."""
    if who.user is not None:
        return RedirectResponse("/diary", status_code=303)
    return render(request, "diary/register.html", {"csrf": who.csrf, "form": {}})


@auth_pages.post("/register")
def register_submit(
    request: Request,
    *,
    db: Db,
    who: Who,
    email: FormText = "",
    password: FormText = "",
    confirm: FormText = "",
    timezone: FormText = "UTC",
) -> Response:
    """Create the account and sign in."""
    try:
        if password != confirm:
            raise DiaryError(422, "passwords_differ", "The two passwords are not the same.")
        with db.write() as session:
            zone = timezone if _zone_ok(timezone) else "UTC"  # set by the page's script; UTC without it
            user = accounts.register(session, email=email, password=password, timezone=zone)
            user_id = user.id
    except DiaryError as exc:
        ctx = {"csrf": who.csrf, "form": {"email": email}, "error": exc.message}
        return render(request, "diary/register.html", ctx, status=exc.status)
    return _signed_in(request, db, user_id, "/diary?welcome=1")


def _zone_ok(name: str) -> bool:
    try:
        accounts.check_timezone(name)
    except DiaryError:
        return False
    return True


@auth_pages.post("/logout")
def logout_submit(request: Request, db: Db, who: SignedInForm) -> Response:
    """Sign out of this browser."""
    with db.write() as session:
        accounts.end_session(session, cookie=request.cookies.get(security.SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    security.clear_session_cookie(response, request)
    return response


@auth_pages.get("/account")
def account_page(request: Request, who: SignedIn) -> Response:
    """Settings, export, and deleting the account."""
    return render(request, "diary/account.html", {"csrf": who.csrf, "user": who.user, "nav": "diary"})


@auth_pages.post("/account/timezone")
def account_timezone(request: Request, db: Db, who: SignedInForm, timezone: FormText = "") -> Response:
    """Change the time zone."""
    with db.write() as session:
        accounts.set_timezone(session, user_id=who.user.id, timezone=timezone.strip())
    return RedirectResponse("/account?saved=1", status_code=303)


@auth_pages.post("/account/delete")
def account_delete(request: Request, db: Db, who: SignedInForm, password: FormText = "") -> Response:
    """Delete the account and all its data, after the password is typed again."""
    from twitchcheck.accounts.passwords import verify_password

    with db.read() as session:
        stored = session.get(m.User, who.user.id)
        ok = stored is not None and verify_password(stored.password_hash, password)
    if not ok:
        ctx = {"csrf": who.csrf, "user": who.user, "error": "That password is not right; nothing was deleted."}
        return render(request, "diary/account.html", ctx, status=403)
    with db.write() as session:
        accounts.delete_account(session, user_id=who.user.id)
    response = RedirectResponse("/?account_deleted=1", status_code=303)
    security.clear_session_cookie(response, request)
    return response
