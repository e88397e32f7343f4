"""The account API: register, sign in and out (bearer tokens), passwords, recovery codes, settings.

API: ``POST /api/v1/auth/register`` (201, with ten one-time ``recovery_codes``), ``POST
/api/v1/auth/login`` (``{"access_token"}``), ``POST /api/v1/auth/logout``, ``POST
/api/v1/auth/logout-all`` (every session and token), ``POST /api/v1/auth/password`` (change it),
``POST /api/v1/auth/recover`` (a new password with a recovery code), ``POST
/api/v1/auth/recovery-codes`` (ten new codes), ``GET|PATCH /api/v1/auth/me`` and ``DELETE
/api/v1/auth/account`` with ``{"password"}`` (deletes the person and everything they stored).
The pages are in ``web.pages.accounts``; who is signed in comes from ``web.deps``.
"""

from __future__ import annotations

from typing import Annotated, Self

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from twitchcheck.accounts import recovery
from twitchcheck.accounts import service as accounts
from twitchcheck.diary import models as m
from twitchcheck.diary.db import Database
from twitchcheck.web import security
from twitchcheck.web.api.models import AUTH_ERRORS
from twitchcheck.web.deps import ApiUser, Db, bearer_token

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

    @classmethod
    def of(cls, user: m.User) -> Self:
        """An account as the API shows it (never the password hash)."""
        return cls(id=user.uid, email=user.email, timezone=user.timezone, created_at=user.created_at.isoformat() + "Z")


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


@auth_api.post("/register", status_code=201)
def register(body: RegisterIn, db: Db) -> RegisteredOut:
    """Create an account (201) with ten one-time recovery codes, shown only now.

    422 for a bad email or a weak password (under 12 characters, common or breached); 409, in
    words that confirm nothing, when an account cannot be made with these details.
    """
    with db.write() as session:
        made = accounts.register(session, email=body.email, password=body.password, timezone=body.timezone)
        account = AccountOut.of(made.user)
        return RegisteredOut(**account.model_dump(), recovery_codes=made.recovery_codes)


def _login(db: Database, email: str, password: str, client: str) -> m.User:
    with db.write() as session:
        result = accounts.login(session, email=email, password=password, client=client)
    if result.error is not None:
        raise result.error
    assert result.user is not None
    return result.user


@auth_api.post("/login")
def login(body: Credentials, request: Request, db: Db) -> TokenOut:
    """Sign in: ``{"access_token"}`` for ``Authorization: Bearer``. 401 wrong details, 429 too many tries."""
    user = _login(db, body.email, body.password, security.client_address(request))
    with db.write() as session:
        token, expires = accounts.issue_token(session, user_id=user.id)
    return TokenOut(access_token=token, token_type="bearer", expires_at=expires.isoformat() + "Z")


@auth_api.post("/logout", status_code=204)
def logout(request: Request, user: ApiUser, db: Db) -> Response:
    """Sign this token out."""
    with db.write() as session:
        accounts.revoke_token(session, token=bearer_token(request))
    return Response(status_code=204)


@auth_api.get("/me")
def me(user: ApiUser) -> AccountOut:
    """The signed-in account."""
    return AccountOut.of(user)


@auth_api.patch("/me")
def update_me(body: SettingsIn, user: ApiUser, db: Db) -> AccountOut:
    """Change settings (the time zone)."""
    with db.write() as session:
        accounts.set_timezone(session, user_id=user.id, timezone=body.timezone)
        fresh = session.get(m.User, user.id)
        assert fresh is not None
        return AccountOut.of(fresh)


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
        accounts.set_password(session, user=user, new_password=body.new_password, keep_token=bearer_token(request))
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


@auth_api.post("/recovery-codes")
def new_recovery_codes(body: PasswordIn, request: Request, user: ApiUser, db: Db) -> CodesOut:
    """Ten new one-time recovery codes (the password confirms it; the old codes stop working)."""
    confirm(db, request, user, body.password)
    with db.write() as session:
        codes = recovery.new_codes(session, user_id=user.id)
    return CodesOut(recovery_codes=codes)


@auth_api.delete("/account", status_code=204)
def delete_account(body: PasswordIn, request: Request, user: ApiUser, db: Db) -> Response:
    """Delete the account and everything in it (diary, tokens, sessions), with ``{"password"}``. No undo."""
    confirm(db, request, user, body.password)
    with db.write() as session:
        accounts.delete_account(session, user_id=user.id)
    return Response(status_code=204)
