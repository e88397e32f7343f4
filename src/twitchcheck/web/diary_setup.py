"""Plugging the diary and accounts into the web app: routers, error handlers, middleware, start-up.

``install(app)`` is called at the end of ``create_app()``. Start-up opens the database and applies
its migrations before the first request (``app.state.diary_db``; tests may set their own first).
``create_diary_app()`` is the diary alone, without the assessment pages and the language model,
for tests that start and kill real servers quickly.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from twitchcheck.diary.db import describe_url, get_database, normalise_url
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web import errors, limits
from twitchcheck.web.account_pages import auth_pages
from twitchcheck.web.auth import LoginRequired, auth_api
from twitchcheck.web.diary_api import diary_api
from twitchcheck.web.diary_pages import diary_pages
from twitchcheck.web.diary_profile import profile_api, profile_pages
from twitchcheck.web.ops import check_at_start, ops
from twitchcheck.web.security import PrivateData

HERE = Path(__file__).parent
log = logging.getLogger("twitchcheck.web")


class DatabaseUnavailable(RuntimeError):
    """The diary database could not be opened or migrated at start-up (the server does not start)."""


def warm_up_passwords() -> None:
    """Make the dummy password hash now, so the first unknown email takes no longer than the rest."""
    from twitchcheck.accounts.passwords import warm_up

    warm_up()


def open_database(app: FastAPI) -> None:
    """Open (and migrate) the diary database unless the app already has one; say clearly if it is read-only.

    A database that cannot be migrated stops the start with a message naming it; one that is
    migrated but cannot be written lets the server start (the assessment works) with an error in
    the log, and ``/readyz`` answers 503.
    """
    if getattr(app.state, "diary_db", None) is None:
        try:
            app.state.diary_db = get_database()
        except OperationalError as exc:
            url = normalise_url()
            where = (make_url(url).database or "") if url.startswith("sqlite") else describe_url(url)
            where = where.removeprefix("file:").split("?")[0]
            reason = str(exc.orig or exc).strip().splitlines()[0]
            message = f"twitchcheck: the diary database {where} could not be opened or migrated ({reason})"
            log.error(message)
            raise DatabaseUnavailable(message) from None
    check_at_start(app.state.diary_db)


async def _diary_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TwitchcheckError)
    response = errors.error_response(request, errors.http_status(exc), exc.code, exc.message, exc.details)
    if exc.kind == "unauthorized":
        response.headers["WWW-Authenticate"] = "Bearer"
    if exc.kind == "too_many_requests" and isinstance(exc.details, dict):
        response.headers["Retry-After"] = str(exc.details.get("retry_after_s", 60))
    return response


async def _login_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(f"/login?next={quote(exc.path, safe='/')}", status_code=303)


async def _conflict(request: Request, exc: Exception) -> Response:
    log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc)
    return errors.error_response(request, 409, "conflict", "this conflicts with something already stored; try again")


async def _unavailable(request: Request, exc: Exception) -> Response:
    log.exception("database error on %s %s", request.method, request.url.path, exc_info=exc)
    response = errors.error_response(request, 503, "unavailable", "the database is busy or unavailable; try again")
    response.headers["Retry-After"] = "5"
    return response


def install(app: FastAPI) -> None:
    """Add the accounts and diary routers, their error handlers and middleware, and open the database on start."""
    app.include_router(ops)
    app.include_router(auth_api)
    app.include_router(diary_api)
    app.include_router(profile_api)
    app.include_router(auth_pages)
    app.include_router(diary_pages)
    app.include_router(profile_pages)
    app.add_exception_handler(TwitchcheckError, _diary_error)
    app.add_exception_handler(LoginRequired, _login_redirect)
    app.add_exception_handler(IntegrityError, _conflict)
    app.add_exception_handler(OperationalError, _unavailable)
    app.mount("/diary-static", StaticFiles(directory=HERE / "diary_static"), name="diary-static")
    app.add_middleware(PrivateData)
    limits.install(app)  # outermost: forwarded headers (if configured), rate and body limits
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        await run_in_threadpool(open_database, application)
        await run_in_threadpool(warm_up_passwords)
        async with original(application) as state:
            yield state

    app.router.lifespan_context = lifespan


def create_diary_app() -> FastAPI:
    """The diary, accounts and their pages only (no assessment pages, no language model)."""
    from fastapi.templating import Jinja2Templates

    from twitchcheck.web.app import SecurityHeaders, _static_version

    app = FastAPI(title="twitchcheck diary", docs_url=None, redoc_url=None)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["static_version"] = _static_version()
    app.state.templates = templates
    errors.install(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(SecurityHeaders)
    install(app)
    return app
