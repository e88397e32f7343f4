"""Security for the diary's pages and API: cookies, CSRF, body limits and no caching of personal data.

- The session cookie is HttpOnly, SameSite=Lax, Secure when the page is served over https, and
  holds a random secret whose hash is the session's key in the database.
- Every form carries a CSRF token: the session's own token once signed in, otherwise a random
  token also set in an HttpOnly cookie (double submit). A cross-site ``Origin`` is refused too.
- Request bodies are limited (``MAX_BODY``, ``MAX_IMPORT``) before they are read, and diary
  answers are sent with ``Cache-Control: no-store``. The other security headers (CSP without
  inline script, nosniff, Referrer-Policy, frame-ancestors 'none') come from the app's middleware.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from twitchcheck.diary.errors import DiaryError

SESSION_COOKIE = "tc_session"
CSRF_COOKIE = "tc_csrf"
SESSION_MAX_AGE = 14 * 24 * 3600
MAX_BODY = 2 * 1024 * 1024  # a diary entry is far smaller; 2 MB lets a too-long note get a clear 422
MAX_IMPORT = 32 * 1024 * 1024  # ten years of diary as CSV is about 3 MB
PRIVATE_PREFIXES = ("/api/v1/diary", "/api/v1/auth", "/diary", "/account", "/login", "/register", "/logout")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_https(request: Request) -> bool:
    """Whether the page was requested over https (directly or through a trusted proxy)."""
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    """Set the signed-in cookie."""
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    """Remove the signed-in cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))


def anonymous_csrf(request: Request) -> str:
    """The CSRF token for forms shown before signing in (from its cookie, or a new one)."""
    token = request.cookies.get(CSRF_COOKIE)
    if token and 20 <= len(token) <= 100:
        return token
    token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
    request.state.new_csrf = token
    return token


def remember_anonymous_csrf(request: Request, response: Response) -> None:
    """Set the CSRF cookie if this request made a new token."""
    token = getattr(request.state, "new_csrf", None)
    if token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=is_https(request), path="/")


def check_origin(request: Request) -> None:
    """Refuse a form posted from another site (when the browser says where it came from)."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc != host:
            raise DiaryError(403, "csrf_failed", "This form was sent from another site and was refused.")


def check_csrf(request: Request, sent: str | None, expected: str | None) -> None:
    """Refuse a form without the right CSRF token."""
    check_origin(request)
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise DiaryError(403, "csrf_failed", "This form has expired. Please reload the page and try again.")


def safe_next(target: str | None, default: str = "/diary") -> str:
    """A local address to go to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def client_address(request: Request) -> str:
    """The client's address, for the sign-in rate limit."""
    return request.client.host if request.client else "unknown"


def _too_large_message(limit: int) -> str:
    return f"the request body is too large (limit {limit // (1024 * 1024)} MB)"


class PrivateData:
    """ASGI middleware for the diary: limit request bodies and mark answers ``no-store``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass other requests through; check diary requests' size and add Cache-Control."""
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(PRIVATE_PREFIXES):
            await self.app(scope, receive, send)
            return
        limit = MAX_IMPORT if path.endswith("/import") else MAX_BODY
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._reject(send, limit)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a body sent without Content-Length (chunked)
                    raise HTTPException(413, _too_large_message(limit))
            return message

        async def private_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"cache-control", b"no-store")]
            await send(message)

        await self.app(scope, counting_receive, private_send)

    @staticmethod
    async def _reject(send: Send, limit: int) -> None:
        message = _too_large_message(limit)
        body = json.dumps({"error": {"code": "too_large", "message": message}}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
