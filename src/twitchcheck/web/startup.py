"""What the web app does before it takes requests: open the diary database, warm up the engine and the FAQ.

Start-up opens the database and applies its migrations before the first request
(``app.state.diary_db``; tests may set their own first), makes the dummy password hash (so the
first unknown email takes no longer than the rest), and for the full app loads the knowledge base,
compiles the engine, warms the free-text reader and builds the FAQ index, so the first request is
as fast as any other.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from twitchcheck.diary.db import describe_url, get_database, normalise_url
from twitchcheck.settings import settings
from twitchcheck.web.api.ops import check_at_start

log = logging.getLogger("twitchcheck.web")
WARM_UP_TEXT = (
    "My left calf has been twitching for two weeks. Sometimes my whole arm feels odd and heavy when I lift the kettle."
)


class DatabaseUnavailable(RuntimeError):
    """The diary database could not be opened or migrated at start-up (the server does not start)."""


def warm_up() -> None:
    """Load and compile everything a first request would otherwise wait for."""
    from twitchcheck.answers.faq import searcher
    from twitchcheck.service import default_engine, parse

    default_engine()
    searcher()
    if settings().warm_nlp:
        parse(WARM_UP_TEXT)
    # The knowledge base, the engine and the language model are long-lived: move them out of the
    # garbage collector's view, so that its full collections stay short (they otherwise walk
    # millions of parser objects and add hundreds of milliseconds to the slowest requests).
    gc.collect()
    gc.freeze()


def warm_up_passwords() -> None:
    """Make the dummy password hash now, so the first unknown email takes no longer than the rest."""
    from twitchcheck.accounts.passwords import warm_up as warm_up_hash

    warm_up_hash()


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


def lifespan(*, engine: bool) -> Any:
    """The app's lifespan: the database and password hash first, then (``engine``) the engine and FAQ."""

    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(open_database, app)
        await run_in_threadpool(warm_up_passwords)
        if engine:
            warm_up()
        yield

    return run
