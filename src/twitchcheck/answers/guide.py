"""The guide: one page per condition and one per body part, built only from the knowledge base.

A condition page shows what the cause is, where it is usually felt and which findings point to it
(those far more common with it than with other causes, from its likelihoods), how urgently it
needs a doctor, tests, what helps, the safety net and its sources. A body-part page asks the
engine what causes twitching in that place when nothing else is known (the model's ranking for
a single location finding), and shows the warning signs that matter anywhere.
"""

from __future__ import annotations

from typing import Any

from twitchcheck.answers.words import EVIDENCE_WORDS, pct, source_list
from twitchcheck.errors import TwitchcheckError
from twitchcheck.kb.faq import default_faq
from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.kb.schema import Condition, Finding
from twitchcheck.service import default_engine

CATEGORY_TITLES = {
    "benign": "Harmless twitching",
    "lifestyle": "Lifestyle and triggers",
    "sleep": "Sleep",
    "psychological": "Stress and anxiety",
    "metabolic": "Blood salts, vitamins and hormones",
    "medication": "Medicines",
    "toxic": "Alcohol, drugs and poisons",
    "neuromuscular": "Nerves and muscles",
    "neurological": "Brain and movement disorders",
    "vascular": "Blood flow",
    "infectious": "Infection and inflammation",
}
POINTS_TO_RATIO = 3.0  # a finding "points to" a cause when it is this many times more common with it
POINTS_TO_MIN_P = 0.2  # ... and at least this common with it
PLACE_MIN_P = 0.2
BODY_PART_MIN_P = 0.02  # causes shown on a body-part page
BODY_PART_MAX = 10


def body_parts(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """The body parts with a guide page (``body_sites.yaml``): (slug, title, location finding)."""
    return [(s.guide.slug, s.guide.title, s.finding) for s in kb.body_sites.values() if s.guide is not None]


def _kb() -> KnowledgeBase:
    return default_engine().kb


def _background(finding: Finding) -> float | None:
    b = finding.background
    if isinstance(b, dict):
        return sum(b.values()) / len(b) if b else None
    return b


def _level(kb: KnowledgeBase, level_id: str) -> dict[str, str]:
    level = next(lv for lv in kb.policy.levels if lv.id == level_id)
    return {"id": level.id, "label": level.label, "time_frame": level.time_frame}


def _points_to(kb: KnowledgeBase, condition: Condition) -> tuple[list[str], list[str]]:
    """(places where it is usually felt, other findings far more common with it than without)."""
    places: list[tuple[float, str]] = []
    features: list[tuple[float, str]] = []
    for fid, entry in condition.likelihoods.items():
        finding = kb.findings.get(fid)
        if finding is None or finding.type != "boolean" or isinstance(entry.p, dict):
            continue
        if finding.group == "location":
            if entry.p >= PLACE_MIN_P:
                places.append((entry.p, finding.name))
            continue
        background = _background(finding)
        if background and entry.p >= POINTS_TO_MIN_P and entry.p / background >= POINTS_TO_RATIO:
            features.append((entry.p / background, finding.name))
    return [n for _, n in sorted(places, reverse=True)], [n for _, n in sorted(features, reverse=True)[:8]]


def _related_faq(condition_ids: set[str], limit: int = 5) -> list[dict[str, str]]:
    hits = [e for e in default_faq() if condition_ids & set(e.conditions)]
    return [{"id": e.id, "question": e.question} for e in hits[:limit]]


def guide_index() -> dict[str, Any]:
    """The guide's index: conditions grouped by kind, and body parts."""
    kb = _kb()
    groups = []
    for category, title in CATEGORY_TITLES.items():
        members = [
            {"id": c.id, "name": c.lay_name, "medical_name": c.name, "seriousness": c.seriousness}
            for c in kb.conditions.values()
            if c.category == category
        ]
        if members:
            groups.append({"category": category, "title": title, "conditions": members})
    parts = [{"id": slug, "title": title, "finding": fid} for slug, title, fid in body_parts(kb)]
    return {"condition_groups": groups, "body_parts": parts}


def condition_page(condition_id: str) -> dict[str, Any]:
    """Everything the guide says about one condition, with its sources."""
    kb = _kb()
    c = kb.conditions.get(condition_id)
    if c is None:
        raise TwitchcheckError("not_found", "unknown_condition", f"there is no condition {condition_id!r} in the guide")
    places, features = _points_to(kb, c)
    movements = sorted(c.movements.items(), key=lambda kv: -kv[1])
    escalations = [
        {**_level(kb, e.level), "why": e.why, "clinician": kb.policy.clinicians[e.clinician]}
        for e in c.triage.escalations
    ]
    sources = [*c.sources]
    sources += [s for t in c.tests for s in kb.tests[t.id].sources]
    sources += [s for a in c.advice for s in kb.advice[a].sources]
    return {
        "id": c.id,
        "name": c.lay_name,
        "medical_name": c.name,
        "summary": c.summary,
        "category": CATEGORY_TITLES.get(c.category, c.category),
        "seriousness": c.seriousness,
        "codes": c.codes.model_dump(exclude_none=True),
        "movements": [
            {"id": m, "name": kb.movements[m].lay_name, "share": share, "pct": pct(share)} for m, share in movements
        ],
        "places": places,
        "points_to": features,
        "triage": {
            **_level(kb, c.triage.level),
            "clinician": kb.policy.clinicians[c.triage.clinician],
            "why": c.triage.why,
            "escalations": escalations,
        },
        "tests": [
            {"id": t.id, "name": kb.tests[t.id].name, "why": t.why, "shows": kb.tests[t.id].shows} for t in c.tests
        ],
        "advice": [
            {
                "id": a,
                "kind": kb.advice[a].kind,
                "text": kb.advice[a].text,
                "evidence": kb.advice[a].evidence,
                "evidence_words": EVIDENCE_WORDS[kb.advice[a].evidence],
            }
            for a in c.advice
        ],
        "safety_net": c.safety_net,
        "management": c.management,
        "course": c.course,
        "faq": _related_faq({c.id}),
        "sources": source_list(kb, sources),
    }


def body_part_page(slug: str) -> dict[str, Any]:
    """What causes twitching in one body part, ranked by the model, with warning signs and sources."""
    kb = _kb()
    part = next((p for p in body_parts(kb) if p[0] == slug), None)
    if part is None:
        known = ", ".join(p[0] for p in body_parts(kb))
        raise TwitchcheckError("not_found", "unknown_body_part", f"there is no body part {slug!r}; try one of: {known}")
    _, title, fid = part
    result = default_engine().assess({"evidence": [{"id": fid, "state": "present"}]})
    causes = [
        {
            "id": c.id,
            "name": c.lay_name,
            "probability": c.probability,
            "pct": pct(c.probability),
            "summary": kb.conditions[c.id].summary,
            "triage": _level(kb, kb.conditions[c.id].triage.level),
        }
        for c in result.conditions
        if c.id in kb.conditions and c.probability >= BODY_PART_MIN_P
    ][:BODY_PART_MAX]
    top = [str(c["id"]) for c in causes[:4]]
    warnings = [f.name for f in kb.findings.values() if f.group == "warning"]
    sources = [s for c in kb.conditions.values() if fid in c.likelihoods for s in c.likelihoods[fid].sources]
    sources += [s for cid in top for s in kb.conditions[cid].sources[:3]]
    return {
        "id": slug,
        "title": title,
        "finding": fid,
        "question": kb.findings[fid].question,
        "causes": causes,
        "warning_signs": warnings,
        "safety_net": result.safety_net,
        "faq": _related_faq(set(top)),
        "sources": source_list(kb, ["nhs_twitching", *sources]),
    }
