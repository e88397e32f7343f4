"""Loopback load test of POST /api/v1/assess with wrk, against uvicorn with 2 workers.

Only 127.0.0.1 is ever targeted; every run is bounded in time (``DURATION_S``) and the server is
terminated afterwards. Three runs against the same server in the same minute: a structured evidence
body, a 100-word description (which adds the free-text parser), and GET /healthz (the server's
ceiling on this machine: the framework and the loop, no work), so the assess figures can be read as a
share of that ceiling (``api_assess_vs_healthz_ratio``). Reports req/s and p50/p99 latency from wrk's own histogram, and
the p99 of GET /healthz polled every 20 ms during the text run (the event loop stays free while
the workers' thread pools read descriptions). The per-client rate limit is off here: it would
turn this single-client load into 429s; it is measured by its own tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

DURATION_S = 10
WARMUP_S = 2
DRAIN_S = 2  # pause between runs so the slow requests of one run never overlap the next
CONNECTIONS = 8  # keep-alive connections; more only adds queueing on 2 cores
WORKERS = 2
HOST = "127.0.0.1"

TEXT_100_WORDS = (
    "I am a 34 year old man and for the last three weeks my left calf has been twitching many times a day. "
    "It feels like a small flicker under the skin, and sometimes my thigh joins in. It gets worse after I run "
    "and when I have had a lot of coffee, usually four or five cups a day. I have been stressed at work and "
    "sleeping badly, maybe five hours a night. I do not have any weakness, I can climb stairs fine and my "
    "muscles look normal. No numbness, no trouble swallowing or speaking. I do not take any medicines."
)

LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = {body}
"""


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_healthy(base: str, timeout: float = 90.0) -> None:
    """Poll GET /healthz until the server answers (start-up warms the engine and the parser)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # loopback only
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not become healthy in time")


def _ms(value: str) -> float:
    """wrk's '1.23ms' / '850.00us' / '1.02s' in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/sec, p50 and p99 (ms), and failed requests (non-2xx answers and socket errors) from wrk."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    pcts = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failed = (float(bad.group(1)) if bad else 0.0) + (sum(float(n) for n in errors.groups()) if errors else 0.0)
    return {"rps": rps, "p50_ms": _ms(pcts["50"]), "p99_ms": _ms(pcts["99"]), "failed": failed}


def wrk(url: str, body: dict[str, Any] | None, duration: int, connections: int = CONNECTIONS) -> dict[str, float]:
    """One bounded wrk run posting ``body`` as JSON (a GET when ``body`` is None)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    if body is None:
        out = subprocess.run([*command, url], check=True, capture_output=True, text=True, timeout=duration + 30)
        return parse_wrk(out.stdout)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(LUA.format(body=json.dumps(json.dumps(body))))
    try:
        command += ["-s", handle.name, url]
        out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=duration + 30)
    finally:
        Path(handle.name).unlink()
    return parse_wrk(out.stdout)


def run(evidence_body: dict[str, Any], duration: int = DURATION_S) -> dict[str, dict[str, float | str]]:
    """Start uvicorn (2 workers) on a free loopback port, run both loads, stop it; return bench entries."""
    if shutil.which("wrk") is None:
        print("api load test skipped: wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return {}
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {**os.environ, "TWITCHCHECK_RATE_LIMIT": "off"}
    command = [sys.executable, "-m", "uvicorn", "twitchcheck.web.app:create_app", "--factory"]
    command += [
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(WORKERS),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(base)
        url = f"{base}/api/v1/assess"
        text_body = {"text": TEXT_100_WORDS}
        wrk(url, evidence_body, WARMUP_S)  # both workers warm (first requests pay for lazy imports)
        wrk(url, text_body, WARMUP_S)
        time.sleep(DRAIN_S)
        structured = wrk(url, evidence_body, duration)
        time.sleep(DRAIN_S)
        with HealthProbe(base) as probe:
            text = wrk(url, text_body, duration)
        time.sleep(DRAIN_S)
        healthz = wrk(f"{base}/healthz", None, duration)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    for name, result in (("structured", structured), ("text", text), ("healthz", healthz)):
        if result["failed"]:
            raise RuntimeError(
                f"{name} load run got {int(result['failed'])} failed requests (non-2xx or socket errors)"
            )
    return {
        "api_assess_rps": {"value": round(structured["rps"], 1), "unit": "req/s"},
        "api_assess_p50_ms": {"value": round(structured["p50_ms"], 2), "unit": "ms"},
        "api_assess_p99_ms": {"value": round(structured["p99_ms"], 2), "unit": "ms"},
        "api_assess_text_rps": {"value": round(text["rps"], 1), "unit": "req/s"},
        "api_assess_text_p50_ms": {"value": round(text["p50_ms"], 2), "unit": "ms"},
        "api_assess_text_p99_ms": {"value": round(text["p99_ms"], 2), "unit": "ms"},
        "api_healthz_under_text_load_p99_ms": {"value": round(probe.p99_ms(), 2), "unit": "ms"},
        "api_healthz_rps": {"value": round(healthz["rps"], 1), "unit": "req/s"},
        "api_assess_vs_healthz_ratio": {"value": round(structured["rps"] / healthz["rps"], 3), "unit": "x"},
    }


class HealthProbe:
    """GET /healthz every 20 ms from a thread while a load runs; the p99 of those answers."""

    def __init__(self, base: str) -> None:
        self.base, self.times, self.stop = base, [], threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self.stop.wait(0.02):
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=30) as answer:  # loopback only
                    answer.read()
            except OSError:
                continue
            self.times.append(time.perf_counter() - began)

    def __enter__(self) -> HealthProbe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(35)

    def p99_ms(self) -> float:
        """The 99th percentile latency in ms (nan without answers)."""
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1e3 if ordered else float("nan")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    from cases import full_case

    print(json.dumps(run(full_case()), indent=2))
