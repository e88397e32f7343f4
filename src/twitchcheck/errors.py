"""The one error of the core, and its one shape: ``{"error": {"code", "message", "details"?}}``.

The core (engine, reader, diary, accounts, FAQ, guide) raises ``TwitchcheckError`` with a ``kind`` that
says what went wrong in words, never in HTTP: the web turns the kind into a status code
(``web.errors``), the command line into a one-line message and an exit code (``cli.errors``).
"""

from __future__ import annotations

from typing import Any, Literal

Kind = Literal[
    "bad_request",  # the request cannot be read at all
    "invalid",  # it can be read but a value is wrong
    "unauthorized",  # not signed in, or wrong credentials
    "forbidden",  # signed in, but the password given for a grave change is wrong
    "not_found",  # no such thing (or it belongs to someone else)
    "conflict",  # it clashes with what is stored
    "too_large",
    "unsupported_media_type",
    "too_many_requests",
    "unavailable",  # cannot be done here and now (a database that is not writable)
]


def error_object(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The single error shape used by the CLI and the JSON API."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


class TwitchcheckError(Exception):
    """A request the core cannot fulfil: what kind of problem, its code, a message and details."""

    def __init__(self, kind: Kind, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.kind, self.code, self.message, self.details = kind, code, message, details

    def to_dict(self) -> dict[str, Any]:
        """``{"error": {"code", "message", "details"?}}``."""
        return error_object(self.code, self.message, self.details)


def not_found(kind: str, record_id: object) -> TwitchcheckError:
    """The answer for a record that does not exist or belongs to someone else (never tell which)."""
    return TwitchcheckError("not_found", "not_found", f"there is no {kind} {record_id} in your diary")


def invalid(field: str, problem: str, code: str = "validation_error") -> TwitchcheckError:
    """A problem with one field, in the API's ``details`` form."""
    return TwitchcheckError("invalid", code, f"{field}: {problem}", [{"field": field, "problem": problem}])
