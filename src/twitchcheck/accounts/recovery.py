"""One-time recovery codes: a way back into an account without email (OWASP ASVS 2.6, look-up secrets).

Ten codes are made at registration and shown once. Each is 16 characters of Crockford-style
base32 (80 random bits), shown as ``XXXX-XXXX-XXXX-XXXX``; only a salted SHA-256 of each is stored
(ASVS 2.6.2: under 112 bits, so salted with 64 random bits). A code works once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m

COUNT = 10
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: nothing to misread
LENGTH = 16


def _normalise(code: str) -> str:
    text = "".join(ch for ch in code.upper() if ch.isalnum())
    return text.replace("O", "0").replace("I", "1").replace("L", "1")


def _hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{_normalise(code)}".encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def new_codes(session: Session, *, user_id: int) -> list[str]:
    """Replace the person's recovery codes with ten new ones; the codes are returned once, never stored."""
    session.execute(delete(m.RecoveryCode).where(m.RecoveryCode.user_id == user_id))
    codes = [_new_code() for _ in range(COUNT)]
    for code in codes:
        salt = secrets.token_hex(8)
        session.add(m.RecoveryCode(user_id=user_id, salt=salt, code_hash=_hash(salt, code)))
    return codes


def use_code(session: Session, *, user_id: int, code: str) -> bool:
    """Whether the code is one of the person's unused codes; if so it is used up."""
    if len(_normalise(code)) != LENGTH:
        return False
    unused = session.scalars(
        select(m.RecoveryCode).where(m.RecoveryCode.user_id == user_id, m.RecoveryCode.used_at.is_(None))
    ).all()
    for row in unused:
        if hmac.compare_digest(row.code_hash, _hash(row.salt, code)):
            row.used_at = m.utcnow()
            return True
    return False


def remaining(session: Session, *, user_id: int) -> int:
    """How many unused recovery codes the person has."""
    query = select(func.count()).where(m.RecoveryCode.user_id == user_id, m.RecoveryCode.used_at.is_(None))
    return int(session.scalar(query) or 0)
