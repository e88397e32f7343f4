"""JSON-lines input shared by the batch commands: one case per line, a bad line never stops the batch.

Lines are read as bytes, so a line that is not UTF-8 (binary garbage) becomes an error object for
that line, as does a line that is not JSON, nested too deeply, or longer than ``MAX_LINE``. The
commands count the bad lines and exit with status 1 when there were any (``finish``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

import typer

from twitchcheck.cli.errors import error_object

MAX_LINE = 1024 * 1024  # one case is a description of at most 10,000 characters; a megabyte is plenty
MAX_SKIP = 64 * 1024 * 1024  # an over-long line is skipped up to this size, then reading stops


class BadLine(ValueError):
    """A line that is not a JSON object; ``output`` is the line to print in its place."""

    def __init__(self, output: dict[str, Any]) -> None:
        super().__init__(output["error"]["message"])
        self.output = output


def _bad(code: str, message: str) -> BadLine:
    return BadLine({"case_id": None, **error_object(code, message)})


def read_lines(handle: BinaryIO) -> Iterator[tuple[int, str | BadLine]]:
    """(line number, text) for each non-blank line, or a BadLine for one that cannot be read as text."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            skipped = len(raw)
            while (chunk := handle.readline(MAX_LINE)) and not chunk.endswith(b"\n"):
                skipped += len(chunk)
                if skipped > MAX_SKIP:
                    yield number, _bad("line_too_long", f"line {number}: longer than {MAX_SKIP} bytes; stopped reading")
                    return
            yield number, _bad("line_too_long", f"line {number}: longer than {MAX_LINE} bytes")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, _bad("invalid_text", f"line {number}: not UTF-8 text")
            continue
        if text.strip():
            yield number, text


def read_case_line(line: str, number: int) -> dict[str, Any]:
    """Decode one line into a case object, or raise BadLine carrying the error object to print."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _bad("invalid_json", f"line {number}: {exc.msg}") from None
    except RecursionError:
        raise _bad("invalid_json", f"line {number}: nested too deeply") from None
    if not isinstance(raw, dict):
        raise _bad("invalid_case", f"line {number}: expected a JSON object")
    return raw


def finish(lines: int, failed: int) -> None:
    """Exit with status 1 (after saying how many) when some lines gave an error object; 0 otherwise."""
    if failed:
        sys.stderr.write(f"twitchcheck: {failed} of {lines} lines failed (each has its error object on stdout)\n")
        raise typer.Exit(1)
