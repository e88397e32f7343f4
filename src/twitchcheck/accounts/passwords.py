"""Password hashing with Argon2id (argon2-cffi, RFC 9106 low-memory parameters by default)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class _State:
    hasher = PasswordHasher()
    dummy_hash: str | None = None  # verified against when there is no account, so both take as long


def hash_password(password: str) -> str:
    """The Argon2id hash (with its salt and parameters) to store."""
    return _State.hasher.hash(password)


def warm_up() -> None:
    """Make the dummy hash now (with today's parameters), so no sign-in pays for it."""
    _State.dummy_hash = _State.dummy_hash or _State.hasher.hash("not a password")


def verify_password(stored: str | None, password: str) -> bool:
    """Whether the password matches; with no stored hash, do the same work against a dummy and say no."""
    if stored is None:
        warm_up()
        assert _State.dummy_hash is not None
        stored, password = _State.dummy_hash, password + "\x00"
    try:
        return _State.hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _State.hasher.check_needs_rehash(stored)


def use_fast_hashing() -> None:
    """Cheap parameters for the test suite only (never in production)."""
    _State.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _State.dummy_hash = None
