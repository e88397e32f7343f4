"""The twitchcheck web app: server-rendered pages and the JSON API in one FastAPI application.

``create_app()`` assembles it; ``twitchcheck serve`` runs it with uvicorn. Where things live:
``web/api/`` the JSON routers, ``web/pages/`` the HTML pages, ``web/deps.py`` the dependencies
(database, who is signed in, signed forms), ``web/middleware.py`` the security headers and limits,
``web/errors.py`` the one error shape and ``web/startup.py`` what runs before the first request.
Everything is served from this process: no CDN, no external fonts or scripts, so it runs offline.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from twitchcheck.web import api, errors, middleware, pages, startup
from twitchcheck.web.templating import make_templates

HERE = Path(__file__).parent


def _version() -> str:
    try:
        return importlib.metadata.version("twitchcheck")
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0"


def _assemble(app: FastAPI, api_routers: list[APIRouter], page_routers: list[APIRouter]) -> FastAPI:
    """Routers, static files, error handlers and middleware (the limits outermost)."""
    app.state.templates = make_templates()
    errors.install(app)
    for router in [*api_routers, *page_routers]:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/diary-static", StaticFiles(directory=HERE / "diary_static"), name="diary-static")
    app.add_middleware(middleware.SecurityHeaders)
    app.add_middleware(middleware.PrivateData)
    middleware.install_limits(app)
    return app


def create_app() -> FastAPI:
    """Build the web app: pages, JSON API, static files, the one error shape and security headers."""
    app = FastAPI(
        title="twitchcheck",
        version=_version(),
        summary="Make sense of muscle twitching: movement type, ranked causes, triage, tests and advice.",
        description='Informs, does not diagnose. Every 4xx/5xx answer is `{"error": {"code", "message", "details"?}}`.',
        docs_url=None,  # the interactive docs load scripts from a CDN; /openapi.json is enough
        redoc_url=None,
        lifespan=startup.lifespan(engine=True),
    )
    return _assemble(app, api.ROUTERS, pages.ROUTERS)


def create_diary_app() -> FastAPI:
    """The diary, accounts and their pages only (no assessment pages, no language model).

    For tests and benchmarks that start and stop real servers quickly.
    """
    app = FastAPI(title="twitchcheck diary", docs_url=None, redoc_url=None, lifespan=startup.lifespan(engine=False))
    return _assemble(app, api.DIARY_ROUTERS, pages.DIARY_ROUTERS)
