"""The core that every shell calls: load the knowledge base once, read text, assess.

``assess(text, evidence, age, sex)`` is the one assessment of a description and/or structured
evidence: the evidence read from the text comes first, then the given evidence, which wins where both
speak of the same finding; age and sex given here win over those read from the text. The CLI (one
case, ``--jsonl``, ``eval``) and the web (pages and API) all call it, so the same input gives the
same answer everywhere. Problems are raised as ``TwitchcheckError`` (``twitchcheck.errors``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from twitchcheck.engine import Assessment, Case, Engine, EvidenceError
from twitchcheck.kb.loader import default_knowledge_base

Raw = Mapping[str, Any]


@lru_cache(maxsize=1)
def default_engine() -> Engine:
    """The engine over the shipped knowledge base, compiled once per process."""
    return Engine.from_kb(default_knowledge_base())


def parse(text: str) -> dict[str, Any]:
    """Read a description into evidence, age, sex and the rest (what ``twitchcheck parse`` prints).

    Raises TextError (an invalid-kind TwitchcheckError) for text that cannot be read.
    """
    from twitchcheck.nlp import parse_text

    return parse_text(text, default_engine().kb)


def case_from(
    text: str | None = None,
    evidence: Sequence[Raw] | None = None,
    age: float | None = None,
    sex: str | None = None,
    worries: Sequence[str] | None = None,
) -> tuple[Case, dict[str, Any] | None]:
    """The validated case for text and/or evidence, and what was read from the text (if any).

    The feared conditions are those named in the text ("scared it's ALS") and any given as ``worries``.
    """
    if evidence is not None and not isinstance(evidence, list | tuple):
        raise EvidenceError("the evidence has problems", [{"field": "evidence", "problem": "evidence must be a list"}])
    items: list[Any] = []
    feared: list[Any] = []
    parsed = None
    if text is not None:
        parsed = parse(text)
        items += parsed["evidence"]
        feared += [w["id"] for w in parsed.get("worries", [])]
        age = age if age is not None else parsed.get("age")
        sex = sex if sex is not None else parsed.get("sex")
    items += list(evidence or [])
    if worries is not None:
        feared += list(worries) if isinstance(worries, list | tuple) else [worries]
    return default_engine().case({"age": age, "sex": sex, "evidence": items, "worries": feared}), parsed


def assess(
    text: str | None = None,
    evidence: Sequence[Raw] | None = None,
    age: float | None = None,
    sex: str | None = None,
    worries: Sequence[str] | None = None,
) -> Assessment:
    """The assessment of a description and/or structured evidence (see the module docstring)."""
    case, _ = case_from(text, evidence, age, sex, worries)
    return default_engine().assess(case)


def assess_raw(raw: Raw) -> Assessment:
    """Assess a ``{"age", "sex", "evidence"}`` mapping; raises EvidenceError on bad input."""
    return default_engine().assess(raw)
