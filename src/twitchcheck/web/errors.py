"""One error shape for every 4xx and 5xx: ``{"error": {"code", "message", "details"?}}``.

The JSON API (and any client that does not ask for HTML) gets that object; a browser asking for
a page gets the same code and message on a readable HTML page. FastAPI's own 404, 405 and 422
answers, unexpected exceptions (500), a busy database (503), a clash with stored data (409) and
a page that needs signing in (a redirect to the sign-in page) are all routed through here. The core's
errors carry a kind, never a status: ``KIND_STATUS`` maps each kind to its HTTP status.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from twitchcheck.errors import Kind, TwitchcheckError, error_object
from twitchcheck.web.deps import LoginRequired
from twitchcheck.web.jsonresp import JSONResponse

log = logging.getLogger("twitchcheck.web")

HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "internal_error",
    503: "unavailable",
}


KIND_STATUS: dict[Kind, int] = {
    "bad_request": 400,
    "invalid": 422,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "too_large": 413,
    "unsupported_media_type": 415,
    "too_many_requests": 429,
    "unavailable": 503,
}


def http_status(exc: TwitchcheckError) -> int:
    """The HTTP status for a core error's kind."""
    return KIND_STATUS[exc.kind]


def wants_html(request: Request) -> bool:
    """True for a browser asking for a page (never for the JSON API or the health check)."""
    path = request.url.path
    if path.startswith(("/api/", "/healthz", "/openapi.json", "/static/")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, code: str, message: str, details: Any = None) -> Response:
    """The error as JSON, or as an HTML page for a browser."""
    templates: Jinja2Templates | None = getattr(request.app.state, "templates", None)
    if templates is not None and wants_html(request):
        context = {"status": status, "code": code, "message": message, "title": "Something went wrong"}
        return templates.TemplateResponse(request, "error.html", context, status_code=status)
    headers = {"Allow": ", ".join(details["allow"])} if status == 405 and isinstance(details, dict) else None
    return JSONResponse(error_object(code, message, details), status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    """FastAPI's validation errors in the engine's ``{"field", "problem"}`` form."""
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err.get("loc", ()))
        out.append({"field": field, "problem": str(err.get("msg", "invalid"))})
    return out


def install(app: FastAPI) -> None:
    """Route every error through the one shape."""

    async def service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TwitchcheckError)
        response = error_response(request, http_status(exc), exc.code, exc.message, exc.details)
        if exc.kind == "unauthorized":
            response.headers["WWW-Authenticate"] = "Bearer"
        if exc.kind == "too_many_requests" and isinstance(exc.details, dict):
            response.headers["Retry-After"] = str(exc.details.get("retry_after_s", 60))
        return response

    async def login_redirect(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return RedirectResponse(f"/login?next={quote(exc.path, safe='/')}", status_code=303)

    async def conflict(request: Request, exc: Exception) -> Response:
        log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc)
        return error_response(request, 409, "conflict", "this conflicts with something already stored; try again")

    async def database_unavailable(request: Request, exc: Exception) -> Response:
        log.exception("database error on %s %s", request.method, request.url.path, exc_info=exc)
        response = error_response(request, 503, "unavailable", "the database is busy or unavailable; try again")
        response.headers["Retry-After"] = "5"
        return response

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        code = HTTP_CODES.get(status, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if status == 404 and message == "Not Found":
            message = f"there is nothing at {request.url.path}"
        details: Any = None
        if status == 405:
            allow = (exc.headers or {}).get("Allow", "")
            message = f"{request.method} is not allowed here"
            details = {"allow": [m.strip() for m in allow.split(",") if m.strip()]}
        return error_response(request, status, code, message, details)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        details = _validation_details(exc)
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return error_response(request, 400, "invalid_json", "the request body is not valid JSON", details)
        return error_response(request, 422, "validation_error", "the request is not valid", details)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, "internal_error", "something went wrong on our side")

    app.add_exception_handler(TwitchcheckError, service_error)
    app.add_exception_handler(LoginRequired, login_redirect)
    app.add_exception_handler(IntegrityError, conflict)
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)


def html_error(request: Request, status: int, message: str) -> HTMLResponse:
    """An HTML error page (for page routes that handle a known problem themselves)."""
    templates: Jinja2Templates = request.app.state.templates
    context = {"status": status, "code": HTTP_CODES.get(status, "error"), "message": message, "title": "Sorry"}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)
