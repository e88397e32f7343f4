"""Service functions shared by the CLI and the web app: load once, then call the pure engine."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from twitchcheck.engine import Assessment, Engine, EvidenceError
from twitchcheck.kb.loader import default_knowledge_base


@lru_cache(maxsize=1)
def default_engine() -> Engine:
    """The engine over the shipped knowledge base, compiled once per process."""
    return Engine.from_kb(default_knowledge_base())


def assess_raw(raw: Mapping[str, Any]) -> Assessment:
    """Assess a ``{"age", "sex", "evidence"}`` mapping; raises EvidenceError on bad input."""
    return default_engine().assess(raw)


def text_support_error() -> str | None:
    """Why free text cannot be read here, or None when it can."""
    try:
        import twitchcheck.nlp  # noqa: F401
    except ImportError:
        return "reading free text is not available yet (it comes with twitchcheck.nlp); use --evidence"
    return None


def assess_text(text: str, age: float | None = None, sex: str | None = None) -> Assessment:
    """Read a description into evidence, then assess it (age and sex given here override the text)."""
    if (why := text_support_error()) is not None:
        raise EvidenceError(why, [{"field": "text", "problem": why}])
    from twitchcheck.nlp import parse_text

    parsed = parse_text(text, default_engine().kb)
    raw = {
        "age": age if age is not None else parsed.get("age"),
        "sex": sex if sex is not None else parsed.get("sex"),
        "evidence": parsed["evidence"],
    }
    return assess_raw(raw)
