"""Turning an assessment into what a person reads: plain words, groups and sources.

The engine reports numbers (probabilities, likelihood ratios); the result page shows them in the
order a worried person needs. First, on one screen: what to do and by when, what it most likely is with
the harmless causes' combined chance, each feared disease answered, and the safety net's top three
lines. Below, folded away: the causes grouped as "likely", "possible" or "checked and unlikely", why,
tests, what helps, the whole safety net and sources. Nothing here changes a number; it only arranges
and words them.
"""

from __future__ import annotations

from typing import Any

from twitchcheck.answers.words import EVIDENCE_WORDS, answer_text, answer_words, explain_reasons, pct, source_list
from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.kb.schema import TRIAGE_ORDER

GROUPS = (
    ("likely", "Likely", "These fit what you told us best."),
    ("possible", "Possible", "These fit less well but cannot be ruled out."),
    ("unlikely", "Checked and unlikely", "twitchcheck considered these; what you told us makes them unlikely."),
)
ADVICE_KINDS = {
    "reassurance": "Good to know",
    "self_care": "What you can do",
    "avoid": "What to cut down or avoid",
    "treatment": "What a doctor may offer",
}
SHOWN_UNLIKELY = 12  # the "checked and unlikely" list shows this many; the rest are below 0.1%


def _red_flag_reasons(kb: KnowledgeBase, ids: list[str]) -> list[str]:
    reasons = {r.id: r.reason for r in kb.red_flags}
    return [reasons[i] for i in ids if i in reasons]


def triage_view(kb: KnowledgeBase, triage: dict[str, Any]) -> dict[str, Any]:
    """The triage box: level, words, colour class, its place on the scale, whom to see and why."""
    level = triage["level"]
    return {
        **triage,
        "mark": next(lv.mark for lv in kb.policy.levels if lv.id == level),
        "step": TRIAGE_ORDER.index(level) + 1,
        "steps": len(TRIAGE_ORDER),
        "css": f"level-{level.replace('_', '-')}",
        "red_flag_reasons": _red_flag_reasons(kb, triage.get("red_flags", [])),
        "unasked": [kb.findings[f].name for f in triage.get("unasked_warning_signs", []) if f in kb.findings],
    }


def result_view(kb: KnowledgeBase, assessment: dict[str, Any]) -> dict[str, Any]:
    """Everything the result page shows, in the order it shows it."""
    causes = [c for c in assessment["conditions"] if c["id"] in kb.conditions]
    groups = []
    for label, title, blurb in GROUPS:
        members = [{**c, "pct": pct(c["probability"])} for c in causes if c["label"] == label]
        if label == "unlikely":
            members = members[:SHOWN_UNLIKELY]
        groups.append({"id": label, "title": title, "blurb": blurb, "causes": members})
    other = next((c for c in assessment["conditions"] if c["id"] not in kb.conditions), None)
    words = answer_words(kb, assessment["evidence"])
    explained = [
        {"id": c["id"], "name": c["lay_name"], "pct": pct(c["probability"]), **explain_reasons(c, words)}
        for c in causes
        if c["label"] != "unlikely"
    ][:5]
    advice_groups = []
    for kind, title in ADVICE_KINDS.items():
        items = [
            {**a, "evidence_words": EVIDENCE_WORDS[a["evidence"]]} for a in assessment["advice"] if a["kind"] == kind
        ]
        if items:
            advice_groups.append({"kind": kind, "title": title, "entries": items})
    shown = [c["id"] for c in causes if c["label"] != "unlikely"][:4]
    source_ids = [s for cid in shown for s in kb.conditions[cid].sources]
    source_ids += [s for a in assessment["advice"] for s in kb.advice[a["id"]].sources]
    movement = [{**m, "pct": pct(m["probability"])} for m in assessment["movement"]]
    names = {c["id"]: c["lay_name"] for c in assessment["conditions"]}
    worries = [{**w, "name": names.get(w["id"], w["id"])} for w in assessment.get("worries", [])]
    return {
        "first": assessment.get("first_screen") or {},
        "worries": worries,
        "triage": triage_view(kb, assessment["triage"]),
        "movement": movement[0],
        "movement_others": [m for m in movement[1:] if m["probability"] >= 0.05],
        "groups": groups,
        "other": {**other, "pct": pct(other["probability"])} if other else None,
        "explained": explained,
        "tests": assessment["tests"],
        "advice_groups": advice_groups,
        "safety_net": assessment["safety_net"],
        "uncertainty": assessment.get("uncertainty"),
        "disclaimer": assessment["disclaimer"],
        "sources": source_list(kb, source_ids),
        "answers": [answer_text(kb, e) for e in assessment["evidence"]],
    }
