"""A result in words: probabilities as people read them, sources by id, and the answers for and against a cause.

Shared by every shell (the web pages, the JSON API's explanations, the command line) and by the
guide and the FAQ: nothing here changes a number; it only words it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from twitchcheck.engine.evidence import EvidenceItem
from twitchcheck.kb.loader import KnowledgeBase

EVIDENCE_WORDS = {
    "good": "good evidence",
    "some": "some evidence",
    "limited": "little evidence",
    "against": "evidence against",
}


def pct(p: float) -> str:
    """A probability as people read it: '34%', '<1%' for tiny ones."""
    if p <= 0:
        return "0%"
    if p < 0.01:
        return "<1%"
    return f"{p:.0%}"


def source_list(kb: KnowledgeBase, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Sources by id, in order and without repeats: id, title and link (or seed file)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for sid in ids:
        source = kb.sources.get(sid)
        if source is None or sid in seen:
            continue
        seen.add(sid)
        out.append({"id": sid, "title": source.title, "url": source.url, "grade": source.grade})
    return out


def _times(lr: float) -> str:
    return f"{lr:.1f}".rstrip("0").rstrip(".")


def explain_reasons(entry: dict[str, Any], words: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The answers for and against one cause as sentences ('“for 3 weeks” (makes it 2.5 times as likely)').

    The engine's text (the person's own words, or the answer in plain words with units) is used; ``words``
    (evidence id -> answer in plain words) only where a reason has no text.
    """
    words = words or {}

    def text(r: dict[str, Any]) -> str:
        return str(r.get("text") or words.get(r["evidence"], r["evidence"]))

    supporting = [f"{text(r)} (makes it {_times(r['likelihood_ratio'])} times as likely)" for r in entry["for"]]
    opposing = [
        f"{text(r)} (makes it {_times(1 / r['likelihood_ratio'])} times less likely)"
        for r in entry["against"]
        if r["likelihood_ratio"] > 0
    ]
    return {"for": supporting, "against": opposing}


def answer_words(kb: KnowledgeBase, evidence: list[dict[str, Any]]) -> dict[str, str]:
    """Evidence id -> 'Question name: answer in words', for the explanations."""
    return {e["id"]: "{}: {}".format(*answer_text(kb, e)) for e in evidence}


def answer_text(kb: KnowledgeBase, item: EvidenceItem | dict[str, Any]) -> tuple[str, str]:
    """(question name, answer in words) for one evidence item."""
    data = item.to_dict() if isinstance(item, EvidenceItem) else item
    finding = kb.findings.get(data["id"])
    if finding is None:
        return data["id"], data["state"]
    if data["state"] == "unknown":
        return finding.name, "don't know"
    value = data.get("value")
    if value is None:
        return finding.name, "yes" if data["state"] == "present" else "no"
    if finding.type == "choice":
        label = next((o.label for o in finding.options if o.id == value), str(value))
    else:
        shown = int(value) if float(value).is_integer() else value
        label = f"{shown} {finding.unit or ''}".strip()
    return finding.name, label if data["state"] == "present" else f"not {label}"
