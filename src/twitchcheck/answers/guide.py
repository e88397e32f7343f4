"""The guide: one page per condition and one per body part, built only from the knowledge base.

A condition page shows what the cause is, where it is usually felt and which findings point to it
(those far more common with it than with other causes, from its likelihoods), how urgently it
needs a doctor, tests, what helps, the safety net and its sources. A body-part page asks the
engine what causes twitching in that place when nothing else is known (the model's ranking for
a single location finding), and shows the warning signs that matter anywhere.

Every fact carries ``refs``, numbered markers into the page's own ``sources`` list
(``kb/citations.py``): a fact cites the sources of the knowledge-base entry it comes from (a
test, an advice, a likelihood, an escalation, a red-flag rule, or the condition itself).
"""

from __future__ import annotations

from typing import Any

from twitchcheck.answers.words import EVIDENCE_WORDS, pct
from twitchcheck.errors import TwitchcheckError
from twitchcheck.kb.citations import Citations
from twitchcheck.kb.faq import default_faq
from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.kb.safety_net import classify, merge_safety_net
from twitchcheck.kb.schema import TRIAGE_ORDER, Condition, Finding
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
CONDITION_REFS = 3  # a condition-wide fact (summary, course) cites the condition's first sources


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


Fact = tuple[float, str, list[str]]


def _points_to(kb: KnowledgeBase, condition: Condition) -> tuple[list[Fact], list[Fact]]:
    """(places where it is usually felt, other findings far more common with it than without).

    Each as (how strongly, the finding's name, the likelihood's sources).
    """
    places: list[Fact] = []
    features: list[Fact] = []
    for fid, entry in condition.likelihoods.items():
        finding = kb.findings.get(fid)
        if finding is None or finding.type != "boolean" or isinstance(entry.p, dict):
            continue
        if finding.group == "location":
            if entry.p >= PLACE_MIN_P:
                places.append((entry.p, finding.name, entry.sources))
            continue
        background = _background(finding)
        if background and entry.p >= POINTS_TO_MIN_P and entry.p / background >= POINTS_TO_RATIO:
            features.append((entry.p / background, finding.name, entry.sources))
    by_strength = sorted(features, key=lambda f: -f[0])[:8]
    return sorted(places, key=lambda f: -f[0]), by_strength


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


def _fact(cites: Citations, name: str, sources: list[str], fallback: list[str]) -> dict[str, Any]:
    """A fact with its markers; one with no sources of its own is an estimate citing the fallback's first source."""
    own = cites.strong(sources)
    refs = cites.cite(own) if own else cites.cite(fallback, 1)
    return {"text": name, "refs": refs, "estimate": not own}


def condition_page(condition_id: str) -> dict[str, Any]:
    """Everything the guide says about one condition, each fact with its numbered sources."""
    kb = _kb()
    c = kb.conditions.get(condition_id)
    if c is None:
        raise TwitchcheckError("not_found", "unknown_condition", f"there is no condition {condition_id!r} in the guide")
    cites = Citations(kb)
    summary_refs = cites.cite(c.sources, CONDITION_REFS)
    places, features = _points_to(kb, c)
    movements = sorted(c.movements.items(), key=lambda kv: -kv[1])
    triage_refs = cites.cite([s for e in c.triage.escalations for s in e.sources] + c.sources, CONDITION_REFS)
    escalations = [
        {
            **_level(kb, e.level),
            "why": e.why,
            "clinician": kb.policy.clinicians[e.clinician],
            "refs": cites.cite(e.sources),
        }
        for e in c.triage.escalations
    ]
    movement_refs = cites.cite(c.sources, CONDITION_REFS)
    place_facts = [_fact(cites, name, src, c.sources) for _, name, src in places]
    feature_facts = [_fact(cites, name, src, c.sources) for _, name, src in features]
    tests = [
        {
            "id": t.id,
            "name": kb.tests[t.id].name,
            "why": t.why,
            "shows": kb.tests[t.id].shows,
            "refs": cites.cite(kb.tests[t.id].sources),
        }
        for t in c.tests
    ]
    management_refs = cites.cite(c.sources, CONDITION_REFS)
    advice = [
        {
            "id": a,
            "kind": kb.advice[a].kind,
            "text": kb.advice[a].text,
            "evidence": kb.advice[a].evidence,
            "evidence_words": EVIDENCE_WORDS[kb.advice[a].evidence],
            "refs": cites.cite(kb.advice[a].sources),
        }
        for a in c.advice
    ]
    course_refs = cites.cite(c.sources, CONDITION_REFS)
    safety = [
        {"text": b.text, "level": b.level, "refs": cites.cite([*b.sources, *c.sources], 2)}
        for b in [classify(line, kb) for line in c.safety_net]
    ]
    return {
        "id": c.id,
        "name": c.lay_name,
        "medical_name": c.name,
        "summary": c.summary,
        "summary_refs": summary_refs,
        "category": CATEGORY_TITLES.get(c.category, c.category),
        "seriousness": c.seriousness,
        "codes": c.codes.model_dump(exclude_none=True),
        "movements": [
            {"id": m, "name": kb.movements[m].lay_name, "share": share, "pct": pct(share)} for m, share in movements
        ],
        "movement_refs": movement_refs,
        "places": [f["text"] for f in place_facts],
        "place_facts": place_facts,
        "points_to": [f["text"] for f in feature_facts],
        "points_to_facts": feature_facts,
        "triage": {
            **_level(kb, c.triage.level),
            "clinician": kb.policy.clinicians[c.triage.clinician],
            "why": c.triage.why,
            "refs": triage_refs,
            "escalations": escalations,
        },
        "tests": tests,
        "advice": advice,
        "safety_net": [b["text"] for b in safety],
        "safety_net_facts": safety,
        "management": c.management,
        "management_refs": management_refs,
        "course": c.course,
        "course_refs": course_refs,
        "faq": _related_faq({c.id}),
        "sources": cites.sources(),
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
    cites = Citations(kb)
    for cause in causes:
        condition = kb.conditions[str(cause["id"])]
        entry = condition.likelihoods.get(fid)
        cause.update(_fact(cites, str(cause["name"]), entry.sources if entry else [], condition.sources))
    warnings = [
        {"text": f.name, "refs": cites.cite(_rule_sources(kb, f.id), 2)}
        for f in kb.findings.values()
        if f.group == "warning"
    ]
    owners = {line: c.sources for c in kb.conditions.values() for line in c.safety_net}
    safety = [
        {"text": b.text, "level": b.level, "refs": cites.cite([*b.sources, *owners.get(b.text, ["nhs_twitching"])], 2)}
        for b in merge_safety_net(result.safety_net, kb)
    ]
    return {
        "id": slug,
        "title": title,
        "finding": fid,
        "question": kb.findings[fid].question,
        "causes": causes,
        "warning_signs": [w["text"] for w in warnings],
        "warning_sign_facts": warnings,
        "safety_net": [b["text"] for b in safety],
        "safety_net_facts": safety,
        "faq": _related_faq(set(top)),
        "fears": [{"id": e.id, "question": e.question} for e in default_faq() if e.feared],
        "sources": cites.sources(),
    }


def _rule_sources(kb: KnowledgeBase, finding_id: str) -> list[str]:
    """The sources of the red-flag rules about one warning sign, the most urgent rule first."""
    rules = [r for r in kb.red_flags if finding_id in {*r.when.all, *r.when.any, *r.when.and_any}]
    rules.sort(key=lambda r: -TRIAGE_ORDER.index(r.level))
    return [s for r in rules for s in r.sources]
