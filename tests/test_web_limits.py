"""One client cannot stall or flood the server: CPU work off the event loop, rate and body limits, proxies."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from twitchcheck.errors import TwitchcheckError
from twitchcheck.web.app import create_app

CASE = {"age": 30, "evidence": [{"id": "weakness", "state": "absent"}]}
# (method, path, body, the core function the route calls)
CPU_ROUTES = [
    ("POST", "/api/v1/assess", CASE, "twitchcheck.service.assess"),
    ("POST", "/api/v1/parse", {"text": "my calf twitches"}, "twitchcheck.service.parse"),
    ("POST", "/api/v1/interview/next", CASE, "twitchcheck.web.api.assess.next_question"),
    ("POST", "/api/v1/explain/benign_fasciculation", CASE, "twitchcheck.web.api.assess.explain_cause"),
    ("POST", "/api/v1/ask", {"question": "is it ALS?"}, "twitchcheck.answers.faq.ask"),
    ("GET", "/result?s=", None, "twitchcheck.web.pages.flow.assess_state"),
    ("GET", "/interview?s=", None, "twitchcheck.web.pages.flow.interview_plan"),
    ("POST", "/start", {"mode": "questions"}, "twitchcheck.web.pages.flow.start_state"),
]


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app()


@pytest.mark.parametrize(("method", "path", "body", "service"), CPU_ROUTES)
def test_cpu_work_runs_off_the_event_loop(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, *, method: str, path: str, body: Any, service: str
) -> None:
    """While one request is busy in the engine, /healthz still answers (the work runs in the thread pool)."""
    started, release = threading.Event(), threading.Event()
    released: list[bool] = []

    def busy(*args: Any, **kwargs: Any) -> Any:
        started.set()
        released.append(release.wait(5))  # True only if /healthz answered while this request was busy
        raise TwitchcheckError("unavailable", "busy", "stand-in for a long computation")

    monkeypatch.setattr(service, busy)

    async def scenario() -> None:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
            kwargs: dict[str, Any] = {"json": body} if path.startswith("/api") else {"data": body}
            slow = asyncio.create_task(client.request(method, path, **(kwargs if body else {})))
            for _ in range(500):
                if started.is_set():
                    break
                await asyncio.sleep(0.01)
            health = await client.get("/healthz")
            assert health.status_code == 200
            release.set()
            await slow

    asyncio.run(scenario())
    assert released == [True]


@pytest.fixture
def limited_app(monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    """The app with a small rate limit (5 requests a minute per client)."""
    monkeypatch.setenv("TWITCHCHECK_RATE_LIMIT", "5/minute")
    return create_app()


def test_public_api_rate_limit_per_client(limited_app: FastAPI) -> None:
    """The 6th request in a minute from one client is a 429 with Retry-After in the error shape; others go on."""
    with TestClient(limited_app, client=("10.2.0.1", 1)) as first:
        answers = [first.post("/api/v1/assess", json=CASE) for _ in range(6)]
        assert [a.status_code for a in answers] == [200] * 5 + [429]
        error = answers[-1].json()["error"]
        assert error["code"] == "rate_limited" and int(answers[-1].headers["retry-after"]) >= 1
        assert first.get("/healthz").status_code == 200  # the health check is never limited
    second = TestClient(limited_app, client=("10.2.0.2", 1))
    assert second.post("/api/v1/assess", json=CASE).status_code == 200


def test_public_api_body_limit(app: FastAPI) -> None:
    """A body over 64 KB on the public API is refused with 413 before it is read, chunked or not."""
    client = TestClient(app)
    big = json.dumps({"text": "twitch " * 20_000})
    response = client.post("/api/v1/parse", content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * 1024

    chunked = client.post("/api/v1/assess", content=chunks(), headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413 and chunked.json()["error"]["code"] == "too_large"
    assert client.post("/api/v1/assess", json=CASE).status_code == 200


def test_forwarded_for_is_used_only_from_configured_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """With TWITCHCHECK_TRUSTED_PROXIES set, the sign-in throttle keys on the address the proxy forwards."""
    from twitchcheck.diary.db import Database
    from twitchcheck.web.app import create_diary_app

    monkeypatch.setenv("TWITCHCHECK_TRUSTED_PROXIES", "127.0.0.1")
    app = create_diary_app()
    app.state.diary_db = Database(os.environ["TWITCHCHECK_DATABASE_URL"])
    proxy = TestClient(app, client=("127.0.0.1", 1))
    email = f"proxy-{time.time_ns()}@example.org"
    assert proxy.post("/api/v1/auth/register", json={"email": email, "password": "violet kettle under moss"}).is_success
    for _ in range(3):
        proxy.post(
            "/api/v1/auth/login", json={"email": email, "password": "nope"}, headers={"X-Forwarded-For": "203.0.113.5"}
        )
    owner = {"email": email, "password": "violet kettle under moss"}
    assert proxy.post("/api/v1/auth/login", json=owner, headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    assert proxy.post("/api/v1/auth/login", json=owner, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_served_app_ignores_forwarded_for_without_configured_proxies(tmp_path: Path) -> None:
    """`twitchcheck serve` without trusted proxies: a forged X-Forwarded-For cannot dodge the sign-in throttle."""
    port = _free_port()
    env = os.environ | {
        "TWITCHCHECK_DATABASE_URL": f"sqlite:///{tmp_path}/served.db",
        "TWITCHCHECK_WARM_NLP": "0",
        "TWITCHCHECK_RATE_LIMIT": "off",
    }
    env.pop("TWITCHCHECK_TRUSTED_PROXIES", None)
    command = [str(Path(sys.executable).parent / "twitchcheck"), "serve", "--port", str(port)]
    with (tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()[-2000:]
            time.sleep(0.2)
        statuses = []
        for i in range(21):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            body = json.dumps({"email": f"nobody{i}@example.org", "password": "guess"})
            headers = {"Content-Type": "application/json", "X-Forwarded-For": f"198.51.100.{i + 1}"}
            connection.request("POST", "/api/v1/auth/login", body=body, headers=headers)
            statuses.append(connection.getresponse().status)
        assert statuses[:20] == [401] * 20 and statuses[20] == 429
    finally:
        server.terminate()
        server.wait(20)
