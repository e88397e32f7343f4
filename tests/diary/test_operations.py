"""Operations: readiness, a read-only database at start-up, paged episode lists, imports that hold the lock briefly."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from twitchcheck.diary import synthetic
from twitchcheck.diary.db import Database

EPISODES = "/api/v1/diary/episodes"


def test_readyz_writes_to_the_database(client: TestClient) -> None:
    """GET /readyz is 200 with the database kind when a write succeeds."""
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"
    assert response.json()["database"] in ("sqlite", "postgresql")


def read_only_url(tmp_path: Path) -> str:
    """A migrated SQLite diary, opened read-only."""
    path = tmp_path / "ro.db"
    Database(f"sqlite:///{path}").dispose()
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def test_read_only_database_is_named_at_start_and_not_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, check_error: Any
) -> None:
    """A read-only SQLite file: start-up logs a clear error naming the file, and /readyz answers 503."""
    from twitchcheck.diary import db as db_module
    from twitchcheck.web.app import create_diary_app

    monkeypatch.setenv("TWITCHCHECK_DATABASE_URL", read_only_url(tmp_path))
    monkeypatch.setattr(db_module, "_databases", {})
    with caplog.at_level(logging.ERROR, logger="twitchcheck.web"), TestClient(create_diary_app()) as client:
        error = check_error(client.get("/readyz"), 503, "not_ready")
        assert "readonly" in error["message"].replace("-", "").replace(" ", "")
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert str(tmp_path / "ro.db") in messages and "cannot be written" in messages


def test_read_only_database_that_needs_migrating_stops_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only SQLite file that is not yet migrated stops the start with a one-line reason naming it."""
    from twitchcheck.diary import db as db_module
    from twitchcheck.web.app import create_diary_app
    from twitchcheck.web.startup import DatabaseUnavailable

    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    monkeypatch.setenv("TWITCHCHECK_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    monkeypatch.setattr(db_module, "_databases", {})
    with pytest.raises(DatabaseUnavailable) as stopped, TestClient(create_diary_app()):
        pass
    assert str(path) in str(stopped.value)


def test_episodes_are_paged_by_default(client: TestClient, auth: dict[str, str], episode: dict[str, Any]) -> None:
    """The list holds 100 episodes by default, with X-Total-Count (within the filters) and a Link to the next page."""
    start = date(2025, 3, 1)
    data = {
        "format": "twitchcheck-diary",
        "episodes": [
            episode | {"occurred_at": f"{(start + timedelta(hours=6 * i)).isoformat()}T00:00:00+00:00"}
            for i in range(130)
        ],
    }
    assert client.post("/api/v1/diary/import", json=data, headers=auth).status_code == 200
    first = client.get(EPISODES, headers=auth)
    assert len(first.json()) == 100 and first.headers["x-total-count"] == "130"
    link = first.headers["link"]
    assert link.endswith('>; rel="next"')
    rest = client.get(link[1 : link.index(">")], headers=auth)
    assert len(rest.json()) == 30 and "link" not in rest.headers
    ids = [e["id"] for e in first.json() + rest.json()]
    assert len(set(ids)) == 130
    filtered = client.get(EPISODES, params={"to": "2025-03-05T00:00:00+00:00"}, headers=auth)
    assert filtered.headers["x-total-count"] == str(len(filtered.json())) == "16"
    assert client.get(EPISODES, params={"limit": 1001}, headers=auth).status_code == 422


def test_a_large_import_runs_few_statements(db: Database, client: TestClient, auth: dict[str, str]) -> None:
    """Importing a year of diary (days, episodes) runs a bounded number of statements inside its transaction."""
    data = synthetic.generate(days=365, seed=8)
    body = {"format": "twitchcheck-diary", "episodes": data["episodes"], "days": data["days"]}
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.post("/api/v1/diary/import", json=body, headers=auth)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text
    assert response.json()["imported"]["days"]["added"] == len(data["days"]) >= 300
    assert len(statements) < 60, f"{len(statements)} statements"
