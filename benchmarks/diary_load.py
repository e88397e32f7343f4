"""Loopback load test of diary writes by many people at once, on PostgreSQL and on SQLite.

Only 127.0.0.1 is ever targeted and every run is bounded (``DURATION_S``). For each database:
start the diary app under uvicorn with several workers, register ``USERS`` people, then
``CLIENTS`` client threads post episodes for them (round robin, keep-alive) for ``DURATION_S``
seconds. Afterwards the database itself is read: every write that was answered 201 must be there,
whole (lost writes must be 0). Reports writes/s, p50/p99 latency, and the shares of failed
requests and of lost acknowledged writes (plain ratios, unit "x"; both should be 0).
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from api_load import HOST, free_port

ROOT = Path(__file__).resolve().parents[1]
DURATION_S = 10
USERS = 40
CLIENTS = 16
WORKERS = {"pg": 4, "sqlite": 2}
PASSWORD = "bench password of some length"


def _post(connection: http.client.HTTPConnection, path: str, body: Any, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    connection.request("POST", path, body=json.dumps(body), headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, json.loads(data) if data else None


def _server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"TWITCHCHECK_DATABASE_URL": url, "TWITCHCHECK_RATE_LIMIT": "off"}
    command = [sys.executable, "-m", "uvicorn", "twitchcheck.web.app:create_diary_app", "--factory"]
    command += ["--host", HOST, "--port", str(port), "--workers", str(workers), "--no-access-log"]
    command += ["--log-level", "warning"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, int(base.rsplit(":", 1)[1]), timeout=2)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the diary server did not become ready in time")


def _tokens(port: int) -> list[str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    tokens = []
    for _ in range(USERS):
        email = f"load-{uuid.uuid4().hex[:12]}@example.org"
        status, _ = _post(connection, "/api/v1/auth/register", {"email": email, "password": PASSWORD})
        assert status == 201, status
        status, body = _post(connection, "/api/v1/auth/login", {"email": email, "password": PASSWORD})
        tokens.append(body["access_token"])
    return tokens


def _load(port: int, tokens: list[str], duration: float) -> tuple[list[float], list[tuple[int, str]], int]:
    """Post episodes from CLIENTS threads; latencies (s), acknowledged (id, marker), and failures."""
    latencies: list[float] = []
    acknowledged: list[tuple[int, str]] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client(n: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        i = 0
        while time.monotonic() < stop:
            token = tokens[(n + i * CLIENTS) % len(tokens)]
            marker = f"c{n}-{i}"
            body = {
                "occurred_at": "2026-10-01T10:00:00+00:00",
                "body_part": "calf",
                "side": "left",
                "movement": "fasciculation",
                "intensity": i % 11,
                "notes": marker,
            }
            began = time.perf_counter()
            try:
                status, answer = _post(connection, "/api/v1/diary/episodes", body, token)
            except (OSError, http.client.HTTPException):
                status, answer = 0, None
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                if status == 201:
                    acknowledged.append((answer["id"], marker))
                else:
                    failures[0] += 1
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, acknowledged, failures[0]


def _lost(url: str, acknowledged: list[tuple[int, str]]) -> int:
    """Acknowledged writes missing from the database (or stored with another note)."""
    from sqlalchemy import select

    from twitchcheck.diary import models as m
    from twitchcheck.diary.db import Database

    database = Database(url, migrate=False)
    try:
        with database.read() as session:
            stored = dict(session.execute(select(m.Episode.id, m.Episode.notes)).all())
    finally:
        database.dispose()
    return sum(1 for record_id, marker in acknowledged if stored.get(record_id) != marker)


def run_one(name: str, url: str, duration: float = DURATION_S) -> dict[str, dict[str, float | str]]:
    """Serve ``url`` with several workers, load it, check every acknowledged write; the bench entries."""
    port = free_port()
    server = _server(url, port, WORKERS[name])
    try:
        _wait_ready(f"http://{HOST}:{port}")
        tokens = _tokens(port)
        _load(port, tokens, 1.0)  # warm-up: every worker has its connections and imports
        latencies, acknowledged, failures = _load(port, tokens, duration)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    lost = _lost(url, acknowledged)
    total = len(latencies)
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else float("nan")
    print(
        f"diary writes on {name}: {len(acknowledged)} acknowledged, {failures} failed, {lost} lost "
        f"({WORKERS[name]} workers, {USERS} people, {CLIENTS} clients, {duration:.0f} s)",
        file=sys.stderr,
    )
    return {
        f"diary_write_rps_{name}": {"value": round(len(acknowledged) / duration, 1), "unit": "req/s"},
        f"diary_write_p50_ms_{name}": {"value": round(statistics.median(latencies) * 1e3, 2), "unit": "ms"},
        f"diary_write_p99_ms_{name}": {"value": round(p99 * 1e3, 2), "unit": "ms"},
        f"diary_write_failed_share_{name}": {"value": round(failures / max(total, 1), 5), "unit": "x"},
        f"diary_write_lost_share_{name}": {"value": round(lost / max(len(acknowledged), 1), 5), "unit": "x"},
    }


SCRIPT = ROOT / "scripts" / "pg-test-server.sh"


def _postgres() -> tuple[str, str] | None:
    """A fresh database on the throwaway test server (scripts/pg-test-server.sh), and the admin URL."""
    script = SCRIPT
    started = subprocess.run([str(script), "start"], capture_output=True, text=True, timeout=300, check=False)
    if started.returncode != 0:
        print(f"diary load test on PostgreSQL skipped: {started.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    import psycopg

    admin = started.stdout.strip().splitlines()[-1]
    name = f"twitchcheck_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}", admin


def run(duration: float = DURATION_S) -> dict[str, dict[str, float | str]]:
    """The load test on PostgreSQL (if a server can be started) and on SQLite."""
    import tempfile

    results: dict[str, dict[str, float | str]] = {}
    was_running = subprocess.run([str(SCRIPT), "status"], capture_output=True, check=False).returncode == 0
    if (pg := _postgres()) is not None:
        url, admin = pg
        try:
            results |= run_one("pg", url, duration)
        finally:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
            if not was_running:  # leave the machine as we found it
                subprocess.run([str(SCRIPT), "stop"], capture_output=True, check=False)
    with tempfile.TemporaryDirectory() as folder:
        results |= run_one("sqlite", f"sqlite:///{folder}/load.db", duration)
    for name in ("pg", "sqlite"):
        if results.get(f"diary_write_lost_share_{name}", {}).get("value"):
            raise RuntimeError(f"acknowledged diary writes were lost on {name}")
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
