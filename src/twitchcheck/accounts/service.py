"""Accounts: register, sign in, tokens and browser sessions, the sign-in rate limit, deletion.

Tokens and session cookies are random 256-bit secrets; only their SHA-256 is stored, so a copy of
the database does not let anyone sign in. Failed sign-ins are rate limited per account and per
client address, in the database (so the limit holds across worker processes):

- at most ``MAX_FAILS_PER_ACCOUNT`` (5) failures per account in ``LOGIN_WINDOW`` (15 minutes);
- at most ``MAX_FAILS_PER_CLIENT`` (20) failures per client address in the same window.

Past either limit, sign-in answers 429 with the seconds to wait, even for the right password.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from twitchcheck.accounts.passwords import hash_password, needs_rehash, verify_password
from twitchcheck.diary import models as m
from twitchcheck.diary.errors import DiaryError, invalid

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,63}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 256
TOKEN_LIFETIME = timedelta(days=30)
SESSION_LIFETIME = timedelta(days=14)
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILS_PER_ACCOUNT = 5
MAX_FAILS_PER_CLIENT = 20
LOCAL_EMAIL = None  # the command line's local profile has no email and no password


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """The address as stored and compared: trimmed and lower-case."""
    return email.strip().lower()


def check_credentials(email: str, password: str) -> str:
    """The normalised email, or a 422 naming what is wrong with the email or password."""
    address = normalise_email(email)
    if len(address) > 320 or not EMAIL_RE.match(address):
        raise invalid("email", "this is not an email address", "invalid_email")
    if len(password) < MIN_PASSWORD:
        raise invalid("password", f"use at least {MIN_PASSWORD} characters", "weak_password")
    if len(password) > MAX_PASSWORD:
        raise invalid("password", f"use at most {MAX_PASSWORD} characters", "invalid_password")
    if password.strip() == "" or password.lower() == address:
        raise invalid("password", "choose a password that is not empty and not your email", "weak_password")
    return address


def register(session: Session, *, email: str, password: str, timezone: str = "UTC") -> m.User:
    """A new account; 409 when the email is already registered."""
    address = check_credentials(email, password)
    check_timezone(timezone)
    if session.scalar(select(m.User.id).where(m.User.email == address)) is not None:
        raise DiaryError(409, "email_taken", "an account with this email already exists; sign in instead")
    user = m.User(email=address, password_hash=hash_password(password), timezone=timezone)
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        raise DiaryError(409, "email_taken", "an account with this email already exists; sign in instead") from None
    return user


@dataclass(frozen=True)
class LoginResult:
    """The person signed in, or the error to report (after the failure has been recorded)."""

    user: m.User | None
    error: DiaryError | None = None


def _fails_since(session: Session, column: object, value: str, since: datetime) -> tuple[int, datetime | None]:
    row = session.execute(
        select(func.count(), func.min(m.LoginAttempt.at)).where(column == value, m.LoginAttempt.at >= since)  # type: ignore[arg-type]
    ).one()
    return int(row[0]), row[1]


def login(session: Session, *, email: str, password: str, client: str) -> LoginResult:
    """Check a sign-in against the rate limit and the stored hash; failures are recorded.

    The caller commits the session and then raises ``result.error`` if there is one, so that the
    failed attempt is counted even though the request fails.
    """
    now = m.utcnow()
    since = now - LOGIN_WINDOW
    account_key = _digest(normalise_email(email))
    client = (client or "unknown")[:64]
    for column, value, limit in (
        (m.LoginAttempt.account_key, account_key, MAX_FAILS_PER_ACCOUNT),
        (m.LoginAttempt.client, client, MAX_FAILS_PER_CLIENT),
    ):
        count, oldest = _fails_since(session, column, value, since)
        if count >= limit and oldest is not None:
            wait = max(1, int((oldest + LOGIN_WINDOW - now).total_seconds()) + 1)
            message = f"too many failed sign-ins; try again in {(wait + 59) // 60} minutes"
            return LoginResult(None, DiaryError(429, "rate_limited", message, {"retry_after_s": wait}))
    user = session.scalar(select(m.User).where(m.User.email == normalise_email(email), m.User.is_local.is_(False)))
    if user is None or not verify_password(user.password_hash, password):
        session.add(m.LoginAttempt(account_key=account_key, client=client, at=now))
        session.execute(delete(m.LoginAttempt).where(m.LoginAttempt.at < since))
        return LoginResult(None, DiaryError(401, "invalid_credentials", "the email or password is wrong"))
    session.execute(delete(m.LoginAttempt).where(m.LoginAttempt.account_key == account_key))
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


def issue_token(session: Session, *, user_id: int) -> tuple[str, datetime]:
    """A new bearer token for the JSON API (shown once) and when it expires."""
    token = "tct_" + secrets.token_urlsafe(32)
    expires = m.utcnow() + TOKEN_LIFETIME
    session.add(m.ApiToken(user_id=user_id, token_hash=_digest(token), expires_at=expires))
    return token, expires


def user_for_token(session: Session, *, token: str) -> m.User | None:
    """The user a live bearer token belongs to, or None."""
    row = session.execute(
        select(m.User)
        .join(m.ApiToken, m.ApiToken.user_id == m.User.id)
        .where(m.ApiToken.token_hash == _digest(token), m.ApiToken.expires_at > m.utcnow())
    ).scalar_one_or_none()
    return row


def revoke_token(session: Session, *, token: str) -> None:
    """Sign a token out."""
    session.execute(delete(m.ApiToken).where(m.ApiToken.token_hash == _digest(token)))


def start_session(session: Session, *, user_id: int) -> tuple[str, str]:
    """A new browser session: the cookie value (shown once) and the session's CSRF token."""
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = m.utcnow() + SESSION_LIFETIME
    session.add(m.WebSession(user_id=user_id, token_hash=_digest(cookie), csrf_token=csrf, expires_at=expires))
    return cookie, csrf


def session_for_cookie(session: Session, *, cookie: str) -> tuple[m.User, m.WebSession] | None:
    """The user and session of a live session cookie, or None."""
    row = session.execute(
        select(m.User, m.WebSession)
        .join(m.WebSession, m.WebSession.user_id == m.User.id)
        .where(m.WebSession.token_hash == _digest(cookie), m.WebSession.expires_at > m.utcnow())
    ).one_or_none()
    return (row[0], row[1]) if row else None


def end_session(session: Session, *, cookie: str) -> None:
    """Sign a browser out."""
    session.execute(delete(m.WebSession).where(m.WebSession.token_hash == _digest(cookie)))


def delete_account(session: Session, *, user_id: int) -> None:
    """Delete the user and everything they stored (explicitly, not relying on cascades)."""
    for model in (m.Episode, m.Day, m.Medication, m.Symptom, m.SavedAssessment, m.ApiToken, m.WebSession):
        session.execute(delete(model).where(model.user_id == user_id))
    session.execute(delete(m.User).where(m.User.id == user_id))


def check_timezone(timezone: str) -> str:
    """The time zone name if it is a known IANA name (e.g. Europe/London), else a 422."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid("timezone", f"unknown time zone {timezone[:64]!r} (use a name such as Europe/London)") from None
    return timezone


def set_timezone(session: Session, *, user_id: int, timezone: str) -> None:
    """Change the time zone used to read times typed without an offset."""
    check_timezone(timezone)
    user = session.get(m.User, user_id)
    if user is not None:
        user.timezone = timezone


def local_user(session: Session) -> m.User:
    """The command line's local profile (created on first use; no email, no password, no sign-in)."""
    user = session.scalar(select(m.User).where(m.User.is_local.is_(True)).order_by(m.User.id).limit(1))
    if user is None:
        user = m.User(email=LOCAL_EMAIL, password_hash=None, is_local=True, timezone=_system_timezone())
        session.add(user)
        session.flush()
    return user


def _system_timezone() -> str:
    """The IANA time zone name of this computer, or UTC."""
    import os
    from pathlib import Path

    if tz := os.environ.get("TZ", "").lstrip(":"):
        return tz
    try:
        link = Path("/etc/localtime").resolve()
        return str(link).split("zoneinfo/", 1)[1]
    except (OSError, IndexError):
        return "UTC"
