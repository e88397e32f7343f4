"""JSON-lines input shared by the batch commands: one case per line, a bad line never stops the batch."""

from __future__ import annotations

import json
from typing import Any

from twitchcheck.cli.errors import error_object


class BadLine(ValueError):
    """A line that is not a JSON object; ``output`` is the line to print in its place."""

    def __init__(self, output: dict[str, Any]) -> None:
        super().__init__(output["error"]["message"])
        self.output = output


def read_case_line(line: str, number: int) -> dict[str, Any]:
    """Decode one line into a case object, or raise BadLine carrying the error object to print."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine({"case_id": None, **error_object("invalid_json", f"line {number}: {exc.msg}")}) from None
    if not isinstance(raw, dict):
        raise BadLine({"case_id": None, **error_object("invalid_case", f"line {number}: expected a JSON object")})
    return raw
