"""Where the diary is kept: SQLite (default, a file in the user's data folder) or PostgreSQL.

``TWITCHCHECK_DATABASE_URL`` picks the database (``postgres://`` and ``postgresql://`` become
``postgresql+psycopg://``; a bare path means a SQLite file). Opening a database applies the
Alembic migrations shipped in this package, under a lock, so several processes may start at once.

SQLite runs in WAL mode with ``synchronous=FULL``: a write that was acknowledged survives a killed
process (and a power cut). Writes take the lock up front (``BEGIN IMMEDIATE``), so concurrent
writers queue instead of failing half-way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from twitchcheck.settings import settings

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK_ID = 7_211_977  # the advisory lock that serialises migrations on PostgreSQL


def default_url() -> str:
    """A SQLite file under the user's data folder (platformdirs), e.g. ~/.local/share/twitchcheck/."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('twitchcheck', appauthor=False)) / 'twitchcheck.db'}"


def normalise_url(url: str | None = None) -> str:
    """The SQLAlchemy URL for a configured one: env var, default file, postgres schemes, bare paths."""
    url = (url or settings().database_url or "").strip() or default_url()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if "://" not in url:  # a bare file name
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_setup(engine: Engine) -> None:
    """Pragmas for durability and concurrency, and explicit BEGIN (IMMEDIATE for writers)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for a normalised URL (SQLite gets its folder created and its pragmas)."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=15)


class Database:
    """One database: its engine, migrated to the newest schema, with read and write sessions."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)
        if migrate:
            self.migrate()

    def migrate(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is already there)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        writer = self._write.kw["bind"]
        with writer.begin() as connection:
            if not self.is_sqlite:
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_ID})")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (nothing is written)."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose changes are committed together at the end, or not at all."""
        with self._write.begin() as session:
            yield session

    def where(self) -> str:
        """The database for messages: the SQLite file's path, or the URL without its password."""
        url = make_url(self.url)
        if self.is_sqlite and url.database:
            return url.database.removeprefix("file:").split("?")[0]
        return describe_url(self.url)

    def write_problem(self) -> str | None:
        """Why the database cannot take a write right now (read-only, disk full, gone), or None if it can.

        It updates the one row of ``readiness_checks`` and commits, so the check is a real write.
        """
        from sqlalchemy import update
        from sqlalchemy.exc import SQLAlchemyError

        from twitchcheck.diary.models import ReadinessCheck, utcnow

        try:
            with self.write() as session:
                done = session.execute(update(ReadinessCheck).where(ReadinessCheck.id == 1).values(checked_at=utcnow()))
                if getattr(done, "rowcount", 1) != 1:
                    return "the readiness row is missing (run the migrations)"
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            return reason[:200]
        return None

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


_databases: dict[str, Database] = {}
_lock = threading.Lock()


def get_database(url: str | None = None) -> Database:
    """The process-wide database for a URL (default: the configured one), opened and migrated once."""
    key = normalise_url(url)
    with _lock:
        if key not in _databases:
            _databases[key] = Database(key)
        return _databases[key]
