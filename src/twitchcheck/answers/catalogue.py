"""The knowledge base's conditions and findings as plain data (what the API lists and the CLI can print)."""

from __future__ import annotations

from typing import Any

from twitchcheck.answers.words import source_list
from twitchcheck.errors import TwitchcheckError
from twitchcheck.service import default_engine


def conditions() -> list[dict[str, Any]]:
    """Every condition in the knowledge base, in short."""
    kb = default_engine().kb
    return [
        {
            "id": c.id,
            "name": c.name,
            "lay_name": c.lay_name,
            "category": c.category,
            "seriousness": c.seriousness,
            "triage_level": c.triage.level,
            "clinician": c.triage.clinician,
            "summary": c.summary,
        }
        for c in kb.conditions.values()
    ]


def condition_detail(condition_id: str) -> dict[str, Any]:
    """One condition's full knowledge-base entry, with its sources spelled out."""
    kb = default_engine().kb
    condition = kb.conditions.get(condition_id)
    if condition is None:
        raise TwitchcheckError("not_found", "unknown_condition", f"there is no condition {condition_id!r}")
    out: dict[str, Any] = condition.model_dump(mode="json")
    out["source_details"] = source_list(kb, condition.sources)
    return out


def findings() -> list[dict[str, Any]]:
    """Every finding (what a person can report) with its question and answers."""
    return [f.model_dump(mode="json", exclude={"basis", "background"}) for f in default_engine().kb.findings.values()]
