"""A JSON response encoded by orjson (several times faster than ``json`` on an assessment).

An assessment is a few kilobytes of nested lists and dicts; encoding it is a noticeable share of
an API request.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse as StarletteJSONResponse


def dumps(content: Any) -> bytes:
    """Encode as compact UTF-8 JSON."""
    return orjson.dumps(content)


class JSONResponse(StarletteJSONResponse):
    """Starlette's JSONResponse with the faster encoder."""

    def render(self, content: Any) -> bytes:
        """The body bytes."""
        return dumps(content)
