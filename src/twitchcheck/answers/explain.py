"""Why one cause has the probability it has for someone's evidence: the answers for and against it, in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from twitchcheck import service as core
from twitchcheck.answers.words import answer_words, explain_reasons, source_list
from twitchcheck.errors import TwitchcheckError

Raw = Mapping[str, Any]


def explain(
    condition_id: str,
    text: str | None = None,
    evidence: Sequence[Raw] | None = None,
    age: float | None = None,
    sex: str | None = None,
) -> dict[str, Any]:
    """Why one cause has the probability it has for this evidence: the answers for and against it."""
    kb = core.default_engine().kb
    if condition_id not in kb.conditions:
        raise TwitchcheckError("not_found", "unknown_condition", f"there is no condition {condition_id!r}")
    result = core.assess(text, evidence, age, sex).to_json_dict()
    ranked = result["conditions"]
    rank, entry = next((i, c) for i, c in enumerate(ranked, start=1) if c["id"] == condition_id)
    condition = kb.conditions[condition_id]
    level = {lv.id: lv for lv in kb.policy.levels}[condition.triage.level]
    return {
        "condition": {k: entry[k] for k in ("id", "name", "lay_name", "probability", "label", "for", "against")},
        "rank": rank,
        "of": len(ranked),
        "summary": condition.summary,
        "reasons": explain_reasons(entry, answer_words(kb, result["evidence"])),
        "if_this_is_the_cause": {
            "level": condition.triage.level,
            "label": level.label,
            "clinician": condition.triage.clinician,
            "why": condition.triage.why,
        },
        "sources": source_list(kb, condition.sources),
    }
