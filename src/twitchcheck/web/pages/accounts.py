"""The account pages: /register, /login, /recover, /logout, /account and its forms.

Every form carries a CSRF token, the sign-in and register forms included (a cross-site post
could otherwise sign a person into someone else's account). Registering shows the ten one-time
recovery codes once; /recover uses one to set a new password. /account changes the password,
makes new recovery codes, signs out everywhere, or deletes the account (each with the password).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from twitchcheck.accounts import recovery
from twitchcheck.accounts import service as accounts
from twitchcheck.diary.db import Database
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web import security
from twitchcheck.web.deps import Db, FormText, Member, SignedIn, SignedInForm, VisitorForm, Who
from twitchcheck.web.errors import http_status
from twitchcheck.web.pages.forms import LoginForm, PasswordChangeForm, RecoverForm, RegisterForm
from twitchcheck.web.templating import render

auth_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _login(db: Database, email: str, password: str, client: str) -> int:
    with db.write() as session:
        result = accounts.login(session, email=email, password=password, client=client)
    if result.error is not None:
        raise result.error
    assert result.user is not None
    return result.user.id


def _start_session(request: Request, db: Database, user_id: int, response: Response) -> Response:
    with db.write() as session:
        cookie, _ = accounts.start_session(session, user_id=user_id)
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
    who: VisitorForm,
    sent: Annotated[LoginForm, Form()],
) -> Response:
    """Check the details, start a session, go on."""
    next_page = security.safe_next(sent.next)
    try:
        user_id = _login(db, sent.email, sent.password, security.client_address(request))
    except TwitchcheckError as exc:
        ctx = {"csrf": who.csrf, "next": next_page, "form": {"email": sent.email}, "error": exc.message}
        return render(request, "diary/login.html", ctx, status=http_status(exc))
    return _start_session(request, db, user_id, RedirectResponse(next_page, status_code=303))


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
    who: VisitorForm,
    sent: Annotated[RegisterForm, Form()],
) -> Response:
    """Create the account, sign in, and show the recovery codes once."""
    try:
        password = sent.new_password()
        with db.write() as session:
            zone = sent.timezone if _zone_ok(sent.timezone) else "UTC"  # set by the page's script; UTC without it
            made = accounts.register(session, email=sent.email, password=password, timezone=zone)
            user_id, codes = made.user.id, made.recovery_codes
    except TwitchcheckError as exc:
        ctx = {"csrf": who.csrf, "form": {"email": sent.email}, "error": exc.message}
        return render(request, "diary/register.html", ctx, status=http_status(exc))
    response = render(request, "diary/recovery_codes.html", {"codes": codes, "next": "/diary?welcome=1"}, status=201)
    return _start_session(request, db, user_id, response)


def _zone_ok(name: str) -> bool:
    try:
        accounts.check_timezone(name)
    except TwitchcheckError:
        return False
    return True


@auth_pages.get("/recover")
def recover_page(request: Request, who: Who) -> Response:
    """Set a new password with a recovery code."""
    return render(request, "diary/recover.html", {"csrf": who.csrf, "form": {}})


@auth_pages.post("/recover")
def recover_submit(
    request: Request,
    *,
    db: Db,
    who: VisitorForm,
    sent: Annotated[RecoverForm, Form()],
) -> Response:
    """Use a recovery code: new password, every old session signed out; then sign in."""
    email = sent.email
    try:
        password = sent.new_password()
        client = security.client_address(request)
        with db.write() as session:
            error = accounts.recover(session, email=email, code=sent.code, new_password=password, client=client)
        if error is not None:
            raise error
    except TwitchcheckError as exc:
        return render(
            request,
            "diary/recover.html",
            {"csrf": who.csrf, "form": {"email": email}, "error": exc.message},
            status=http_status(exc),
        )
    return RedirectResponse("/login?recovered=1", status_code=303)


@auth_pages.post("/logout")
def logout_submit(request: Request, db: Db, who: SignedInForm) -> Response:
    """Sign out of this browser."""
    with db.write() as session:
        accounts.end_session(session, cookie=request.cookies.get(security.SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    security.clear_session_cookie(response, request)
    return response


def _account(request: Request, db: Database, who: Member, status: int = 200, **extra: object) -> Response:
    with db.read() as session:
        left = recovery.remaining(session, user_id=who.user.id)
    ctx = {"csrf": who.csrf, "user": who.user, "nav": "diary", "codes_left": left, **extra}
    return render(request, "diary/account.html", ctx, status=status)


@auth_pages.get("/account")
def account_page(request: Request, db: Db, who: SignedIn) -> Response:
    """Settings, password, recovery codes, signing out everywhere, export, and deleting the account."""
    return _account(request, db, who, saved=request.query_params.get("saved"))


@auth_pages.post("/account/timezone")
def account_timezone(request: Request, db: Db, who: SignedInForm, timezone: FormText = "") -> Response:
    """Change the time zone."""
    with db.write() as session:
        accounts.set_timezone(session, user_id=who.user.id, timezone=timezone.strip())
    return RedirectResponse("/account?saved=1", status_code=303)


def _confirmed(request: Request, db: Database, who: Member, password: str) -> TwitchcheckError | None:
    with db.write() as session:
        return accounts.confirm_password(
            session, user=who.user, password=password, client=security.client_address(request)
        )


@auth_pages.post("/account/password")
def account_password(
    request: Request,
    *,
    db: Db,
    who: SignedInForm,
    sent: Annotated[PasswordChangeForm, Form()],
) -> Response:
    """Change the password; every session (this one too) is signed out, then this browser signs in again."""
    try:
        password = sent.new_password("The two new passwords are not the same.")
        if (error := _confirmed(request, db, who, sent.current)) is not None:
            raise error
        with db.write() as session:
            accounts.set_password(session, user=who.user, new_password=password)
    except TwitchcheckError as exc:
        return _account(request, db, who, status=http_status(exc), password_error=exc.message)
    return _start_session(request, db, who.user.id, RedirectResponse("/account?saved=password", status_code=303))


@auth_pages.post("/account/recovery-codes")
def account_codes(request: Request, db: Db, who: SignedInForm, password: FormText = "") -> Response:
    """Ten new recovery codes (the old ones stop working), shown once."""
    if (error := _confirmed(request, db, who, password)) is not None:
        return _account(request, db, who, status=http_status(error), codes_error=error.message)
    with db.write() as session:
        codes = recovery.new_codes(session, user_id=who.user.id)
    return render(request, "diary/recovery_codes.html", {"codes": codes, "next": "/account"})


@auth_pages.post("/account/logout-all")
def account_logout_all(request: Request, db: Db, who: SignedInForm) -> Response:
    """Sign out everywhere: every browser and every API token of this account."""
    with db.write() as session:
        accounts.sign_out_everywhere(session, user_id=who.user.id)
    response = RedirectResponse("/login?signed_out=everywhere", status_code=303)
    security.clear_session_cookie(response, request)
    return response


@auth_pages.post("/account/delete")
def account_delete(request: Request, db: Db, who: SignedInForm, password: FormText = "") -> Response:
    """Delete the account and all its data, after the password is typed again."""
    if (error := _confirmed(request, db, who, password)) is not None:
        message = "That password is not right; nothing was deleted." if error.kind == "forbidden" else error.message
        return _account(request, db, who, status=http_status(error), error=message)
    with db.write() as session:
        accounts.delete_account(session, user_id=who.user.id)
    response = RedirectResponse("/?account_deleted=1", status_code=303)
    security.clear_session_cookie(response, request)
    return response
