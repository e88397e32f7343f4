"""Diary fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``TWITCHCHECK_TEST_POSTGRES_URL``; without it, ``scripts/pg-test-server.sh``
starts a throwaway server on 127.0.0.1 (and stops it afterwards). Each test session works in a
fresh database of its own, dropped at the end. Only when no server can be had are the PostgreSQL
cases skipped, with the reason.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from twitchcheck.accounts.passwords import use_fast_hashing
from twitchcheck.diary.db import Database, normalise_url

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pg-test-server.sh"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session", autouse=True)
def fast_hashing() -> None:
    """Argon2 with cheap parameters: the suite registers hundreds of accounts."""
    use_fast_hashing()


def _start_server() -> tuple[str | None, str, bool]:
    """A server URL (or None), why not, and whether we started it (so we stop it)."""
    if url := os.environ.get("TWITCHCHECK_TEST_POSTGRES_URL"):
        return url, "", False
    if not SCRIPT.exists():
        return None, f"{SCRIPT} is missing", False
    was_running = subprocess.run([str(SCRIPT), "status"], capture_output=True, check=False).returncode == 0
    try:
        out = subprocess.run([str(SCRIPT), "start"], capture_output=True, text=True, timeout=180, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"scripts/pg-test-server.sh could not start PostgreSQL: {exc}", False
    if out.returncode != 0:
        tail = (out.stderr or out.stdout).strip().splitlines()[-1:] or ["no output"]
        return None, f"TWITCHCHECK_TEST_POSTGRES_URL is unset and PostgreSQL could not be started: {tail[0]}", False
    return out.stdout.strip().splitlines()[-1], "", not was_running


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (skips with the reason when there is no server)."""
    import psycopg

    server, why, started = _start_server()
    if server is None:
        pytest.skip(why)
    name = f"twitchcheck_t_{uuid.uuid4().hex[:12]}"
    admin = normalise_url(server).replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at {server} is not usable: {exc}")
    base, _, _ = admin.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if started:
            subprocess.run([str(SCRIPT), "stop"], capture_output=True, check=False)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database URL of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/diary.db"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture(scope="session")
def db(db_url: str) -> Iterator[Database]:
    """The migrated database of each backend."""
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def app(db: Database) -> FastAPI:
    """The diary web app on that database."""
    from twitchcheck.web.app import create_diary_app

    application = create_diary_app()
    application.state.diary_db = db
    return application


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client of the diary web app (runs its start-up)."""
    with TestClient(app) as test_client:
        yield test_client


def register(client: TestClient, email: str | None = None, password: str = PASSWORD) -> dict[str, str]:
    """A new account, signed in: the Authorization header."""
    email = email or f"person-{uuid.uuid4().hex[:10]}@example.org"
    response = client.post("/api/v1/auth/register", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    token = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    """A signed-in person of their own."""
    return register(client)


EPISODE: dict[str, Any] = {
    "occurred_at": "2026-11-01T21:15:00+01:00",
    "body_part": "calf",
    "side": "left",
    "movement": "fasciculation",
    "count": 12,
    "duration_s": 30.5,
    "intensity": 4,
    "notes": "after a run",
}


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape, with the expected status (and code)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) <= {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    error: dict[str, Any] = body["error"]
    return error


@pytest.fixture
def make_user(client: TestClient) -> Any:
    """A function that registers and signs in a new person: returns their Authorization header."""
    return lambda **kwargs: register(client, **kwargs)


@pytest.fixture
def check_error() -> Any:
    """The error-shape assertion (status, optional code) as a fixture."""
    return assert_error


@pytest.fixture
def episode() -> dict[str, Any]:
    """A valid episode to send."""
    return dict(EPISODE)
