"""Shared fixtures: a tiny hand-made knowledge base for logic, the shipped one for integrity."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from twitchcheck.engine import Engine
from twitchcheck.kb.loader import KnowledgeBase, read_knowledge_base

TINY_KB = Path(__file__).parent / "fixtures" / "tiny_kb"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def tiny_kb() -> KnowledgeBase:
    kb, faults = read_knowledge_base(TINY_KB)
    assert kb is not None and not faults, faults
    return kb


@pytest.fixture(scope="session")
def tiny(tiny_kb: KnowledgeBase) -> Engine:
    return Engine.from_kb(tiny_kb)


@pytest.fixture(scope="session")
def engine() -> Engine:
    from twitchcheck.service import default_engine

    return default_engine()


# The diary's database: tests never touch the person's own diary. Every test process gets a
# throwaway SQLite file unless a test points the app at another database itself.
os.environ["TWITCHCHECK_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='twitchcheck-test-')}/diary.db"
# The suite sends thousands of requests from one test client; the rate limit has its own tests.
os.environ.setdefault("TWITCHCHECK_RATE_LIMIT", "off")


# The quick tier (`make test-fast`, `pytest --fast`) leaves out the browser, PostgreSQL and the slow files
# (whole evaluations, schemathesis, many subprocesses, the durability kill test) without even importing
# them; `make test` runs everything. The marks also let `-m` pick any mix.
TESTS = Path(__file__).parent
BROWSER_FILES = {path.relative_to(TESTS).as_posix() for path in TESTS.rglob("*e2e*.py")}  # Chromium
SLOW_FILES = {  # each takes several seconds or more (whole evaluations, many subprocesses, PDFs, random diaries)
    "test_independent.py",
    "test_parse_eval.py",
    "test_vignettes.py",
    "test_interview_eval.py",
    "test_pgmpy_reference.py",
    "test_schemathesis.py",
    "test_cli_hostile.py",
    "test_web_state.py",
    "diary/test_analysis_robust.py",
    "diary/test_report.py",
    "diary/test_tremor_report.py",
    "diary/test_durability.py",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--fast``: the quick tier."""
    parser.addoption("--fast", action="store_true", help="leave out the browser, PostgreSQL and the slow files")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With --fast, the slow and browser files are not collected (nor imported) at all."""
    if config.getoption("--fast") and collection_path.suffix == ".py" and TESTS in collection_path.parents:
        return collection_path.relative_to(TESTS).as_posix() in SLOW_FILES | BROWSER_FILES or None
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark browser tests, PostgreSQL cases and the slow files; with --fast, leave the marked ones out."""
    for item in items:
        name = item.path.relative_to(TESTS).as_posix()
        if name in BROWSER_FILES:
            item.add_marker(pytest.mark.browser)
        if name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("db_url") if callspec is not None else None
        if backend == "postgres" or "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
    if config.getoption("--fast"):
        marked = [any(i.get_closest_marker(m) for m in ("slow", "browser", "postgres")) for i in items]
        config.hook.pytest_deselected(items=[i for i, out in zip(items, marked, strict=True) if out])
        items[:] = [i for i, out in zip(items, marked, strict=True) if not out]


@contextmanager
def _running_app(factory: str, env: dict[str, str] | None = None, ready: str = "/healthz") -> Iterator[str]:
    """The web app (a factory in ``twitchcheck.web.app``) in uvicorn on a free loopback port, until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "uvicorn", f"twitchcheck.web.app:{factory}", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + ready, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the web app ({factory}) did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def app_server() -> Callable[..., AbstractContextManager[str]]:
    """Start the web app for the browser tests: ``with app_server("create_app", env) as base: ...``."""
    return _running_app
