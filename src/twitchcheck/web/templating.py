"""The pages' templates (Jinja2, on ``app.state.templates``) and the one way to render a page."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from twitchcheck.answers.words import pct
from twitchcheck.kb.schema import TRIAGE_ORDER
from twitchcheck.web import security

HERE = Path(__file__).parent


def static_version() -> str:
    """A short hash of the static files, appended to their addresses so browsers refetch after changes."""
    digest = hashlib.sha256()
    for path in sorted((HERE / "static").glob("*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def make_templates() -> Jinja2Templates:
    """The templates with their filters (``pct``) and globals (static version, triage levels)."""
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["pct"] = pct
    templates.env.globals["static_version"] = static_version()
    templates.env.globals["levels"] = TRIAGE_ORDER
    return templates


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render a template with the request (and the visitor's new CSRF cookie, if one was made)."""
    response = request.app.state.templates.TemplateResponse(request, name, context, status_code=status)
    security.remember_anonymous_csrf(request, response)
    return response
