"""Accounts: register, sign in, tokens and browser sessions, passwords and recovery, deletion.

Tokens and session cookies are random 256-bit secrets; only their SHA-256 is stored, so a copy of
the database does not let anyone sign in. Sign-in is throttled per (account, client) with growing
delays (``throttle``); passwords follow ``policy`` (12+ characters, not common or breached);
``recovery`` codes are the way back in without email. Nothing here tells whether an email has an
account: an unknown email is checked against a dummy hash (the same work as a wrong password) and
registering a taken address hashes the password too and answers in words that confirm nothing.

Browser sessions end after ``session_idle()`` without use (30 minutes) and at most ``SESSION_LIFETIME``
(12 hours) after sign-in, as ASVS level 2 asks; API tokens last ``TOKEN_LIFETIME``. Changing the
password or recovering the account signs out every other session and token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from twitchcheck.accounts import recovery, throttle
from twitchcheck.accounts.passwords import hash_password, needs_rehash, verify_password
from twitchcheck.accounts.policy import MAX_PASSWORD, MIN_PASSWORD, password_problem
from twitchcheck.diary import models as m
from twitchcheck.errors import TwitchcheckError, invalid
from twitchcheck.settings import settings

__all__ = ["MAX_PASSWORD", "MIN_PASSWORD"]

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,63}$")
TOKEN_LIFETIME = timedelta(days=30)
SESSION_LIFETIME = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=60)  # a session's last use is written at most once a minute
LOCAL_EMAIL = None  # the command line's local profile has no email and no password
CANNOT_REGISTER = (
    "an account could not be created with these details; if you already have one, sign in "
    "(or use a recovery code if you forgot the password)"
)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """The address as stored and compared: trimmed and lower-case."""
    return email.strip().lower()


def check_email(email: str) -> str:
    """The normalised email, or a 422."""
    address = normalise_email(email)
    if len(address) > 320 or not EMAIL_RE.match(address):
        raise invalid("email", "this is not an email address", "invalid_email")
    return address


def check_new_password(password: str, email: str | None) -> None:
    """A 422 naming what is wrong with a new password (see ``policy``)."""
    problem = password_problem(password, email)
    if problem is not None:
        code = "invalid_password" if len(password) > MAX_PASSWORD else "weak_password"
        raise invalid("password", problem, code)


def check_credentials(email: str, password: str) -> str:
    """The normalised email, or a 422 naming what is wrong with the email or password."""
    address = check_email(email)
    check_new_password(password, address)
    return address


@dataclass(frozen=True)
class Registered:
    """A new account and its recovery codes (shown once)."""

    user: m.User
    recovery_codes: list[str]


def register(session: Session, *, email: str, password: str, timezone: str = "UTC") -> Registered:
    """A new account with ten recovery codes; a conflict that confirms nothing when the address cannot be used."""
    address = check_credentials(email, password)
    check_timezone(timezone)
    password_hash = hash_password(password)  # before the look-up, so a taken address takes as long
    if session.scalar(select(m.User.id).where(m.User.email == address)) is not None:
        raise TwitchcheckError("conflict", "cannot_register", CANNOT_REGISTER)
    user = m.User(email=address, password_hash=password_hash, timezone=timezone)
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        raise TwitchcheckError("conflict", "cannot_register", CANNOT_REGISTER) from None
    return Registered(user, recovery.new_codes(session, user_id=user.id))


@dataclass(frozen=True)
class LoginResult:
    """The person signed in, or the error to report (after the failure has been recorded)."""

    user: m.User | None
    error: TwitchcheckError | None = None


def _client(client: str | None) -> str:
    return (client or "unknown")[:64]


def login(session: Session, *, email: str, password: str, client: str) -> LoginResult:
    """Check a sign-in against the throttle and the stored hash; failures are recorded.

    The caller commits the session and then raises ``result.error`` if there is one, so that the
    failed attempt is counted even though the request fails. An unknown email is verified against
    a dummy hash, so it takes as long as a wrong password.
    """
    key, client = throttle.account_key(email), _client(client)
    if (limited := throttle.check(session, key=key, client=client)) is not None:
        return LoginResult(None, limited)
    user = session.scalar(select(m.User).where(m.User.email == normalise_email(email), m.User.is_local.is_(False)))
    ok = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not ok:
        throttle.record_failure(session, key=key, client=client)
        return LoginResult(
            None, TwitchcheckError("unauthorized", "invalid_credentials", "the email or password is wrong")
        )
    throttle.clear(session, key=key, client=client)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


def confirm_password(session: Session, *, user: m.User, password: str, client: str) -> TwitchcheckError | None:
    """Check a signed-in person's password before something grave (throttled like signing in)."""
    key, client = throttle.account_key(user.email or user.uid), _client(client)
    if (limited := throttle.check(session, key=key, client=client)) is not None:
        return limited
    stored = session.scalar(select(m.User.password_hash).where(m.User.id == user.id))
    if not verify_password(stored, password):
        throttle.record_failure(session, key=key, client=client)
        return TwitchcheckError("forbidden", "invalid_credentials", "that password is not right; nothing was changed")
    return None


def set_password(session: Session, *, user: m.User, new_password: str, keep_token: str | None = None) -> None:
    """Change the password and sign out every session and token (but ``keep_token``, the one in use)."""
    check_new_password(new_password, user.email)
    session.execute(update(m.User).where(m.User.id == user.id).values(password_hash=hash_password(new_password)))
    sign_out_everywhere(session, user_id=user.id, keep_token=keep_token)


def recover(session: Session, *, email: str, code: str, new_password: str, client: str) -> TwitchcheckError | None:
    """Set a new password with a one-time recovery code (throttled like signing in); None when done."""
    key, client = throttle.account_key(email), _client(client)
    if (limited := throttle.check(session, key=key, client=client)) is not None:
        return limited
    user = session.scalar(select(m.User).where(m.User.email == normalise_email(email), m.User.is_local.is_(False)))
    if user is not None:
        check_new_password(new_password, user.email)
    if user is None or not recovery.use_code(session, user_id=user.id, code=code):
        throttle.record_failure(session, key=key, client=client)
        return TwitchcheckError(
            "unauthorized", "invalid_recovery", "the email or recovery code is wrong (each code works once)"
        )
    set_password(session, user=user, new_password=new_password)
    throttle.clear(session, key=key, client=client)
    return None


def sign_out_everywhere(session: Session, *, user_id: int, keep_token: str | None = None) -> None:
    """End every browser session and revoke every API token of the person (but ``keep_token``)."""
    tokens = delete(m.ApiToken).where(m.ApiToken.user_id == user_id)
    if keep_token is not None:
        tokens = tokens.where(m.ApiToken.token_hash != _digest(keep_token))
    session.execute(tokens)
    session.execute(delete(m.WebSession).where(m.WebSession.user_id == user_id))


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
    now = m.utcnow()
    expires = now + SESSION_LIFETIME
    session.add(
        m.WebSession(user_id=user_id, token_hash=_digest(cookie), csrf_token=csrf, expires_at=expires, last_seen_at=now)
    )
    return cookie, csrf


def session_for_cookie(session: Session, *, cookie: str) -> tuple[m.User, m.WebSession] | None:
    """The user and session of a live session cookie (not expired, used within ``session_idle()``), or None."""
    now = m.utcnow()
    seen = func.coalesce(m.WebSession.last_seen_at, m.WebSession.created_at)
    row = session.execute(
        select(m.User, m.WebSession)
        .join(m.WebSession, m.WebSession.user_id == m.User.id)
        .where(m.WebSession.token_hash == _digest(cookie), m.WebSession.expires_at > now, seen > now - session_idle())
    ).one_or_none()
    return (row[0], row[1]) if row else None


def session_idle() -> timedelta:
    """How long a browser session lives without use (``TWITCHCHECK_SESSION_IDLE_MINUTES``, 30 by default)."""
    return timedelta(minutes=settings().session_idle_minutes)


def needs_touch(web_session: m.WebSession) -> bool:
    """Whether the session's last use should be written now (at most once a minute)."""
    seen = web_session.last_seen_at or web_session.created_at
    return m.utcnow() - seen > TOUCH_EVERY


def touch_session(session: Session, *, session_id: int) -> None:
    """Record that a browser session was used now (it stays alive another ``session_idle()``)."""
    session.execute(update(m.WebSession).where(m.WebSession.id == session_id).values(last_seen_at=m.utcnow()))


def end_session(session: Session, *, cookie: str) -> None:
    """Sign a browser out."""
    session.execute(delete(m.WebSession).where(m.WebSession.token_hash == _digest(cookie)))


def delete_account(session: Session, *, user_id: int) -> None:
    """Delete the user and everything they stored (explicitly, not relying on cascades)."""
    models = (
        m.Episode,
        m.Day,
        m.Medication,
        m.Symptom,
        m.SavedAssessment,
        m.TremorRecording,
        m.ApiToken,
        m.WebSession,
        m.RecoveryCode,
    )
    for model in models:
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
    from pathlib import Path

    if tz := (settings().system_timezone or "").lstrip(":"):
        return tz
    try:
        link = Path("/etc/localtime").resolve()
        return str(link).split("zoneinfo/", 1)[1]
    except (OSError, IndexError):
        return "UTC"
