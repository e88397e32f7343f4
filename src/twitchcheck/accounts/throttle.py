"""Slowing down password guessing without letting anyone lock a person out (OWASP ASVS 2.2.1).

Failed sign-ins are kept in the database (so every worker process sees them), keyed by the
account (a hash of the email) and the client address:

- per (account, client): ``FREE_FAILURES`` (3) failures are free, then each further try must
  wait a delay that doubles (2 s, 4 s, 8 s ... up to ``MAX_DELAY``, 15 minutes). Someone guessing
  from one address slows to a crawl; the owner, from another address, signs in as usual.
- per client, any account: at most ``MAX_FAILS_PER_CLIENT`` (20) failures in 15 minutes
  (one address trying many accounts).
- per account, all clients: at most ``MAX_FAILS_PER_ACCOUNT`` (100) failures in an hour, the
  ASVS ceiling against guessing from many addresses at once.

A try during a delay answers 429 with the seconds to wait, even with the right password, and
is not counted. A successful sign-in clears that (account, client)'s failures.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.errors import TwitchcheckError

FREE_FAILURES = 3
BASE_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=15)
PAIR_WINDOW = timedelta(hours=1)
CLIENT_WINDOW = timedelta(minutes=15)
MAX_FAILS_PER_CLIENT = 20
ACCOUNT_WINDOW = timedelta(hours=1)
MAX_FAILS_PER_ACCOUNT = 100


def account_key(email: str) -> str:
    """The account as stored with failures: a hash of the normalised email, never the address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def delay_after(failures: int) -> timedelta:
    """How long to wait before the next try after this many failures from one client on one account."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(BASE_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)


def _limited(seconds: float, what: str) -> TwitchcheckError:
    wait = max(1, int(seconds + 0.999))
    when = f"{wait} seconds" if wait < 120 else f"{(wait + 59) // 60} minutes"
    return TwitchcheckError(
        "too_many_requests", "rate_limited", f"{what}; try again in {when}", {"retry_after_s": wait}
    )


def check(session: Session, *, key: str, client: str, now: datetime | None = None) -> TwitchcheckError | None:
    """The 429 to answer if this client must wait before trying this account again, else None."""
    now = now or m.utcnow()
    attempt = m.LoginAttempt
    pair = session.execute(
        select(func.count(), func.max(attempt.at)).where(
            attempt.account_key == key, attempt.client == client, attempt.at >= now - PAIR_WINDOW
        )
    ).one()
    if pair[0] and pair[1] is not None:
        ready = pair[1] + delay_after(int(pair[0]))
        if ready > now:
            return _limited((ready - now).total_seconds(), "too many failed tries from here")
    for column, value, window, limit in (
        (attempt.client, client, CLIENT_WINDOW, MAX_FAILS_PER_CLIENT),
        (attempt.account_key, key, ACCOUNT_WINDOW, MAX_FAILS_PER_ACCOUNT),
    ):
        count, oldest = session.execute(
            select(func.count(), func.min(attempt.at)).where(column == value, attempt.at >= now - window)
        ).one()
        if count >= limit and oldest is not None:
            return _limited((oldest + window - now).total_seconds(), "too many failed sign-ins")
    return None


def record_failure(session: Session, *, key: str, client: str, now: datetime | None = None) -> None:
    """Count a failed try (and forget failures older than every window)."""
    now = now or m.utcnow()
    session.add(m.LoginAttempt(account_key=key, client=client, at=now))
    oldest = now - max(PAIR_WINDOW, CLIENT_WINDOW, ACCOUNT_WINDOW)
    session.execute(delete(m.LoginAttempt).where(m.LoginAttempt.at < oldest))


def clear(session: Session, *, key: str, client: str) -> None:
    """Forget this client's failures on this account (after it signed in)."""
    session.execute(delete(m.LoginAttempt).where(m.LoginAttempt.account_key == key, m.LoginAttempt.client == client))
