"""The twitchcheck web app: server-rendered pages and the JSON API in one FastAPI application.

``create_app()`` builds it; ``twitchcheck serve`` runs it with uvicorn. Start-up loads the
knowledge base, compiles the engine, warms the free-text reader and builds the FAQ index, so the
first request is as fast as any other. Everything is served from this process: no CDN, no
external fonts or scripts, so it runs offline.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.metadata
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from twitchcheck.kb.schema import TRIAGE_ORDER
from twitchcheck.settings import settings
from twitchcheck.web import diary_setup, errors
from twitchcheck.web.routes_api import api, health
from twitchcheck.web.routes_interview import interview
from twitchcheck.web.routes_pages import pages
from twitchcheck.web.tremor_api import tremor_api
from twitchcheck.web.tremor_pages import tremor_pages
from twitchcheck.web.views import pct

HERE = Path(__file__).parent
log = logging.getLogger("twitchcheck.web")
WARM_UP_TEXT = (
    "My left calf has been twitching for two weeks. Sometimes my whole arm feels odd and heavy when I lift the kettle."
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

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


def warm_up() -> None:
    """Load and compile everything a first request would otherwise wait for."""
    from twitchcheck.web import services
    from twitchcheck.web.ask import searcher

    services.engine()
    searcher()
    if settings().warm_nlp:
        services.parse(WARM_UP_TEXT)
    # The knowledge base, the engine and the language model are long-lived: move them out of the
    # garbage collector's view, so that its full collections stay short (they otherwise walk
    # millions of parser objects and add hundreds of milliseconds to the slowest requests).
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Warm up before the server accepts requests."""
    warm_up()
    yield


def _static_version() -> str:
    """A short hash of the static files, appended to their addresses so browsers refetch after changes."""
    digest = hashlib.sha256()
    for path in sorted((HERE / "static").glob("*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _version() -> str:
    try:
        return importlib.metadata.version("twitchcheck")
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0"


def create_app() -> FastAPI:
    """Build the web app: pages, JSON API, static files, the one error shape and security headers."""
    app = FastAPI(
        title="twitchcheck",
        version=_version(),
        summary="Make sense of muscle twitching: movement type, ranked causes, triage, tests and advice.",
        description='Informs, does not diagnose. Every 4xx/5xx answer is `{"error": {"code", "message", "details"?}}`.',
        docs_url=None,  # the interactive docs load scripts from a CDN; /openapi.json is enough
        redoc_url=None,
        lifespan=lifespan,
    )
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["pct"] = pct
    templates.env.globals["static_version"] = _static_version()
    templates.env.globals["levels"] = TRIAGE_ORDER
    app.state.templates = templates
    errors.install(app)
    app.include_router(health)
    app.include_router(api)
    app.include_router(pages)
    app.include_router(interview)
    app.include_router(tremor_api)
    app.include_router(tremor_pages)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(SecurityHeaders)
    diary_setup.install(app)  # accounts and the diary: routers, handlers, middleware, database at start-up
    return app
