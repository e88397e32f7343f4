"""Storage on SQLite and PostgreSQL: migrations, URLs, concurrent writers, start-up."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from twitchcheck.accounts import service as accounts
from twitchcheck.diary import models as m
from twitchcheck.diary import service as svc
from twitchcheck.diary.db import Database, normalise_url
from twitchcheck.diary.schemas import DayIn, EpisodeIn


def test_migrations_reach_head_and_are_idempotent(db: Database) -> None:
    """The shipped migrations create every table; running them again changes nothing."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from twitchcheck.diary.db import MIGRATIONS

    db.migrate()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
        tables = set(inspect(connection).get_table_names())
    assert set(m.Base.metadata.tables) <= tables


def test_models_match_the_migrations(db: Database) -> None:
    """Autogenerate finds no difference between the models and the migrated schema (no missing migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), m.Base.metadata)
    assert diff == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_url_normalisation(given: str, expected: str) -> None:
    """postgres:// and postgresql:// become postgresql+psycopg://; others are kept."""
    assert normalise_url(given) == expected


def test_default_url_is_a_sqlite_file_in_the_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without TWITCHCHECK_DATABASE_URL the diary is a SQLite file in the data folder; a bare path is SQLite."""
    monkeypatch.delenv("TWITCHCHECK_DATABASE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert normalise_url() == f"sqlite:///{tmp_path}/twitchcheck/twitchcheck.db"
    assert normalise_url(str(tmp_path / "d.db")) == f"sqlite:///{tmp_path}/d.db"


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    """SQLite uses write-ahead logging with full synchronous writes and foreign keys on."""
    database = Database(f"sqlite:///{tmp_path}/wal.db")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()


def test_concurrent_writers_all_land(db: Database) -> None:
    """Eight threads adding episodes and replacing the same day at once: every write is stored, none fails."""
    with db.write() as session:
        user = accounts.register(
            session, email=f"threads-{id(session)}@example.org", password="threads of a long password"
        ).user
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                data = EpisodeIn.model_validate(
                    {
                        "occurred_at": f"2026-10-01T{n:02d}:{i:02d}:00+00:00",
                        "body_part": "calf",
                        "side": "left",
                        "movement": "cramp",
                        "intensity": i % 11,
                    }
                )
                with db.write() as session:
                    svc.add_episode(session, user=user, data=data)
                with db.write() as session:
                    svc.put_day(session, user=user, day=date(2026, 10, 1), data=DayIn(stress=n % 11))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read() as session:
        assert svc.EPISODES.count(session, user_id=user.id) == 120
        assert len(svc.DAYS.list(session, user_id=user.id)) == 1


def test_local_profile_is_created_once(db: Database) -> None:
    """The command line's local profile is one user without email or password, reused."""
    with db.write() as session:
        first = accounts.local_user(session).id
    with db.write() as session:
        assert accounts.local_user(session).id == first
        user = session.scalar(select(m.User).where(m.User.id == first))
        assert user is not None and user.email is None and user.password_hash is None


def test_start_up_migrates_the_configured_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting the web app opens and migrates the database of TWITCHCHECK_DATABASE_URL."""
    from fastapi.testclient import TestClient

    from twitchcheck.diary import db as db_module
    from twitchcheck.web.app import create_diary_app

    monkeypatch.setenv("TWITCHCHECK_DATABASE_URL", f"sqlite:///{tmp_path}/startup.db")
    monkeypatch.setattr(db_module, "_databases", {})
    app = create_diary_app()
    with TestClient(app):
        assert app.state.diary_db.url.endswith("startup.db")
    assert (tmp_path / "startup.db").exists()


def test_main_app_serves_the_diary() -> None:
    """create_app() serves the accounts and diary JSON API (in its OpenAPI) and the diary pages."""
    from fastapi.testclient import TestClient

    from twitchcheck.web.app import create_app

    app = create_app()
    paths = set(app.openapi()["paths"])
    assert {
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/account",
        "/api/v1/diary/episodes",
        "/api/v1/diary/episodes/{episode_id}",
        "/api/v1/diary/days/{day}",
        "/api/v1/diary/days",
        "/api/v1/diary/medications",
        "/api/v1/diary/analysis",
        "/api/v1/diary/report.pdf",
        "/api/v1/diary/export",
        "/api/v1/diary/import",
    } <= paths
    response = TestClient(app).get("/diary", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
