"""The one error the diary and accounts raise: an HTTP status, a code, a message and details."""

from __future__ import annotations

from typing import Any


class DiaryError(Exception):
    """A request the diary cannot fulfil; the web turns it into ``{"error": {...}}``, the CLI into a message."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def not_found(kind: str, record_id: object) -> DiaryError:
    """The answer for a record that does not exist or belongs to someone else (never tell which)."""
    return DiaryError(404, "not_found", f"there is no {kind} {record_id} in your diary")


def invalid(field: str, problem: str, code: str = "validation_error") -> DiaryError:
    """A 422 about one field, in the API's ``details`` form."""
    return DiaryError(422, code, f"{field}: {problem}", [{"field": field, "problem": problem}])
