"""An acknowledged write is never lost: kill the real server (SIGKILL) during concurrent writes, restart, check."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

WRITERS = 8
KILL_AFTER = 120  # acknowledged writes before the kill; writers are still sending when it comes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def request(port: int, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data) if data else None


@contextmanager
def server(url: str, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The diary app under uvicorn on 127.0.0.1, on the given database."""
    port = free_port()
    env = os.environ | {"TWITCHCHECK_DATABASE_URL": url}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "twitchcheck.web.app:create_diary_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(port, "GET", "/api/v1/auth/me")[0] == 401:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.slow
def test_acknowledged_writes_survive_sigkill(db_url: str, tmp_path: Path) -> None:
    """Concurrent writers, SIGKILL mid-way, restart: every write answered 201 is there, complete."""
    url = f"sqlite:///{tmp_path}/durable.db" if db_url.startswith("sqlite") else db_url
    log = tmp_path / "server.log"
    email, password = f"durable-{uuid.uuid4().hex[:8]}@example.org", "durable password"
    acknowledged: list[tuple[int, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    with server(url, log) as (process, port):
        assert request(port, "POST", "/api/v1/auth/register", {"email": email, "password": password})[0] == 201
        token = request(port, "POST", "/api/v1/auth/login", {"email": email, "password": password})[1]["access_token"]

        def writer(n: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            i = 0
            while not stop.is_set():
                marker = f"w{n}-{i}"
                body = {
                    "occurred_at": "2026-10-01T10:00:00+00:00",
                    "body_part": "calf",
                    "side": "left",
                    "movement": "fasciculation",
                    "intensity": i % 11,
                    "count": i + 1,
                    "notes": marker,
                }
                try:
                    connection.request("POST", "/api/v1/diary/episodes", body=json.dumps(body), headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                except (OSError, http.client.HTTPException):
                    return  # the server is gone: this write was never acknowledged
                if response.status == 201:
                    with lock:
                        acknowledged.append((json.loads(data)["id"], marker))
                i += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        stop.set()
        for thread in threads:
            thread.join(30)
        assert len(acknowledged) >= KILL_AFTER, "the writers were too slow to reach the kill point"

    with server(url, log) as (_, port):
        status, token_body = request(port, "POST", "/api/v1/auth/login", {"email": email, "password": password})
        assert status == 200
        stored: list[dict[str, Any]] = []
        while True:  # the list is paged: read it all
            path = f"/api/v1/diary/episodes?limit=1000&offset={len(stored)}"
            status, page = request(port, "GET", path, token=token_body["access_token"])
            assert status == 200
            stored += page
            if len(page) < 1000:
                break
    by_id = {e["id"]: e for e in stored}
    missing = [(i, marker) for i, marker in acknowledged if by_id.get(i, {}).get("notes") != marker]
    assert missing == [], f"{len(missing)} acknowledged writes were lost"
    for episode in stored:  # nothing half-written: every stored row is a whole episode
        _, i = episode["notes"][1:].split("-")
        assert episode["count"] == int(i) + 1 and episode["intensity"] == int(i) % 11
