"""The web app's middleware: security headers, no caching of personal data, and the request limits.

- **Security headers** on every answer (``SecurityHeaders``): a strict Content-Security-Policy
  (no inline script, nothing from other sites), nosniff, ``Referrer-Policy: no-referrer`` and
  no framing. **No caching** (``PrivateData``): diary and account answers are ``no-store``.

- **Rate limit** (``TWITCHCHECK_RATE_LIMIT``, default ``120/minute``; ``off`` turns it off): each
  client address may make that many requests to the public API (``/api/v1/...`` but the signed-in
  diary) and to the pages that run the engine or check passwords; past it, 429 with Retry-After.
  Counted by the ``limits`` library in memory per worker process, or in a shared store
  (``TWITCHCHECK_RATE_LIMIT_STORAGE``, e.g. ``redis://host:6379``) so that several workers share it.
- **Body limit**: 64 KB on the public API and pages (a description is at most 10,000 characters),
  2 MB for the diary and accounts, 32 MB for a diary import; refused with 413 before the body is
  read (also for a chunked body, as it arrives).
- **Forwarded headers** (``TWITCHCHECK_TRUSTED_PROXIES``, a comma list of addresses or networks;
  default none): ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from those
  proxies (uvicorn's ProxyHeadersMiddleware), so a client cannot pick its own address to dodge the
  sign-in throttle or the rate limit. ``twitchcheck serve`` turns uvicorn's own default trust off.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from twitchcheck.settings import is_off, settings
from twitchcheck.web.errors import error_response, wants_html

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_PUBLIC_BODY = 64 * 1024
MAX_PRIVATE_BODY = 2 * 1024 * 1024  # a diary entry is far smaller; 2 MB lets a too-long note get a clear 422
MAX_IMPORT = 32 * 1024 * 1024  # ten years of diary as CSV is about 3 MB
MAX_RECORDING = 8 * 1024 * 1024  # an accelerometer recording (POST /api/v1/tremor, the /tremor page's upload)
PRIVATE_PREFIXES = ("/api/v1/diary", "/api/v1/auth", "/diary", "/account")
NO_STORE_PREFIXES = (*PRIVATE_PREFIXES, "/login", "/register", "/logout", "/recover")  # answers sent with no-store
RATE_LIMITED_PAGES = (
    "/start",
    "/interview",
    "/result",
    "/ask",
    "/login",
    "/register",
    "/recover",
    "/tremor/upload",
    "/tremor/check",
)


def body_limit(path: str) -> int:
    """The largest request body accepted at this path, in bytes."""
    if path.endswith("/import") and path.startswith(("/api/v1/diary", "/diary")):
        return MAX_IMPORT
    if path == "/api/v1/diary/tremor":  # a recording to analyse and keep
        return MAX_RECORDING
    if path.startswith(PRIVATE_PREFIXES):
        return MAX_PRIVATE_BODY
    if path.startswith(("/api/v1/tremor", "/tremor/")):
        return MAX_RECORDING
    return MAX_PUBLIC_BODY


def rate_limited(path: str) -> bool:
    """Whether requests to this path count toward the per-client rate limit."""
    if path.startswith("/api/v1/"):
        return not path.startswith("/api/v1/diary/")
    return path in RATE_LIMITED_PAGES


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


async def _json_error(
    send: Send, status: int, code: str, message: str, headers: list[tuple[bytes, bytes]], *, details: Any = None
) -> None:
    error: dict[str, Any] = {"code": code, "message": message} | ({"details": details} if details else {})
    body = json.dumps({"error": error}).encode()
    start = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """ASGI middleware: the per-client rate limit and the request-body limit (see the module docstring)."""

    def __init__(self, app: ASGIApp, rate: str | None = None, storage: str | None = None) -> None:
        from limits import parse
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        config = settings()
        self.app = app
        rate = (rate if rate is not None else config.rate_limit).strip()
        self.rate = None if is_off(rate) else parse(rate)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage or config.rate_limit_storage))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse over-limit clients and over-large bodies; pass everything else on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if self.rate is not None and rate_limited(path):
            client = (scope.get("client") or ("unknown", 0))[0]
            if not self.limiter.hit(self.rate, "twitchcheck", client):
                await self._too_many(scope, send, client)
                return
        limit = body_limit(path)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _json_error(send, 413, "too_large", f"the request body is too large (limit {_size(limit)})", [])
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a body sent without Content-Length (chunked)
                    raise HTTPException(413, f"the request body is too large (limit {_size(limit)})")
            return message

        await self.app(scope, counting_receive, send)

    async def _too_many(self, scope: Scope, send: Send, client: str) -> None:
        """429 with Retry-After: an HTML page for a browser, the one error shape for everyone else."""
        assert self.rate is not None
        reset, _ = self.limiter.get_window_stats(self.rate, "twitchcheck", client)
        wait = max(1, int(reset - time.time() + 0.999))
        message = f"too many requests from your address; try again in {wait} seconds"
        request = Request(scope)
        if wants_html(request) and getattr(scope.get("app"), "state", None) is not None:
            response = error_response(request, 429, "rate_limited", message, {"retry_after_s": wait})
            response.headers["Retry-After"] = str(wait)
            await response(scope, _no_receive, send)
            return
        headers = [(b"retry-after", str(wait).encode())]
        await _json_error(send, 429, "rate_limited", message, headers, details={"retry_after_s": wait})


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def install_limits(app: Any) -> None:
    """Add the limits and, when proxies are configured, forwarded-header handling (outermost)."""
    app.add_middleware(RequestLimits)
    if proxies := settings().trusted_proxies:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)


# Pages carry a person's answers in their address, so no page may leak it to another site.
SECURITY_HEADERS = [
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
]


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers (cheaper than BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PrivateData:
    """ASGI middleware for the diary and accounts: mark answers ``no-store``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass other requests through; add Cache-Control to diary and account answers."""
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(NO_STORE_PREFIXES):
            await self.app(scope, receive, send)
            return

        async def private_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"cache-control", b"no-store")]
            await send(message)

        await self.app(scope, receive, private_send)
