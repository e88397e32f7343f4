"""Shared fixtures: a tiny hand-made knowledge base for logic, the shipped one for integrity."""

from __future__ import annotations

import os
import tempfile
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
