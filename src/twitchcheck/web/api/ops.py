"""Operations: ``GET /readyz``, and a clear start-up message when the diary database cannot be written.

``/healthz`` says the process is alive (CONTRACT: always ``{"status": "ok"}``); ``/readyz`` says it
can do its work: it writes to the database (one row, see ``Database.write_problem``) and answers
200 ``{"status": "ready", "database": "sqlite" | "postgresql"}``, or 503 in the one error shape
(code ``not_ready``) naming the problem, e.g. a read-only SQLite file or a full disk. A load
balancer should send traffic only to ready workers.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from twitchcheck.diary.db import Database
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web.deps import database
from twitchcheck.web.jsonresp import JSONResponse

log = logging.getLogger("twitchcheck.web")
ops = APIRouter(tags=["service"])


def read_only_message(db: Database, problem: str) -> str:
    """The start-up message for a database that cannot be written (naming the file for SQLite)."""
    where = db.where()
    if db.is_sqlite:
        return (
            f"twitchcheck: the diary database {where} cannot be written ({problem}). The assessment pages work, "
            f"but the diary does not: make the file and its folder writable by this user, or set "
            f"TWITCHCHECK_DATABASE_URL to another database."
        )
    return f"twitchcheck: the diary database {where} cannot be written ({problem}); the diary does not work."


def check_at_start(db: Database) -> None:
    """Log a clear error at start-up if the database cannot be written (the server still starts)."""
    problem = db.write_problem()
    if problem is not None:
        log.error(read_only_message(db, problem))


@ops.get("/readyz", responses={503: {"description": "The database cannot be written"}})
async def readyz(request: Request) -> JSONResponse:
    """Readiness: 200 when the database takes a write, else 503 ``not_ready`` with the reason."""
    db = database(request)
    problem = await run_in_threadpool(db.write_problem)
    if problem is not None:
        raise TwitchcheckError(
            "unavailable", "not_ready", f"the database cannot be written: {problem}", {"database": db.where()}
        )
    return JSONResponse({"status": "ready", "database": "sqlite" if db.is_sqlite else "postgresql"})
