"""One way to fail on the command line: a one-line message on stderr and a non-zero exit.

With ``--json`` the error object (the API's error shape) is also printed on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer

from twitchcheck.errors import error_object

__all__ = ["error_object", "fail"]


def fail(code: str, message: str, *, as_json: bool = False, details: Any = None, exit_code: int = 2) -> NoReturn:
    """Report an error and stop."""
    if as_json:
        sys.stdout.write(json.dumps(error_object(code, message, details)) + "\n")
    detail = ""
    if isinstance(details, list) and details and isinstance(details[0], dict):
        detail = f" ({details[0].get('field', '')}: {details[0].get('problem', '')})"
    sys.stderr.write(f"twitchcheck: error: {message}{detail}\n")
    raise typer.Exit(exit_code)
