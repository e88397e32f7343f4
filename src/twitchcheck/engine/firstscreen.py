"""The first screen of a result: the answer a frightened person needs before any detail.

What it most likely is in plain words, the harmless causes' combined chance ("about 3 in 4 that this is
one of the harmless kinds"), each disease the person said they fear answered with its chance and why in
their own words, and the safety net with the most urgent line first and overlaps removed. Pure: the
sentences come from the triage policy (``kb/data/triage_policy.yaml``), "harmless" is a condition's
``seriousness`` in the knowledge base.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

from twitchcheck.engine.evidence import EvidenceItem
from twitchcheck.engine.model import Model
from twitchcheck.kb.policy_schema import Sentences
from twitchcheck.kb.schema import TRIAGE_ORDER, Finding

# Simple fractions people read at a glance (Gigerenzer's natural frequencies), for chances of 10 % or more.
FRACTIONS = ((1, 10), (1, 5), (1, 4), (1, 3), (2, 5), (1, 2), (3, 5), (2, 3), (3, 4), (4, 5), (9, 10), (19, 20))
ONE_IN = (10, 20, 50, 100, 200, 500, 1000)
CHANGE_RATIO = 3.0  # a warning sign "would change" a worry when it is at least this much likelier under it
CHANGE_SHOWN = 2
QUOTES_SHOWN = 3
VERY_UNLIKELY = 0.01  # a feared disease below 1 in 100 reads "very unlikely"
WorryLevel = Literal["very_unlikely", "unlikely", "possible", "likely"]
OVERLAP = 0.85  # a safety-net line whose words are mostly in a longer kept line repeats it
WORD = re.compile(r"[a-z0-9&]+")


def chance_words(p: float) -> str:
    """A probability as a natural frequency: 'about 3 in 4', 'about 1 in 50', 'fewer than 1 in 1,000'."""
    if p >= 0.975:
        return "almost certain (more than 19 in 20)"
    if p >= 0.095:
        top, bottom = min(FRACTIONS, key=lambda f: abs(f[0] / f[1] - p))
        return f"about {top} in {bottom}"
    if p < 1 / ONE_IN[-1]:
        return f"fewer than 1 in {ONE_IN[-1]:,}"
    n = min(ONE_IN, key=lambda k: abs(math.log(k * p)))
    return f"about 1 in {n:,}"


def harmless_probability(model: Model, conditions: Sequence[dict[str, Any]]) -> float:
    """The combined chance of the causes the knowledge base marks harmless (``seriousness: harmless``)."""
    kb = model.kb.conditions
    total = sum(c["probability"] for c in conditions if c["id"] in kb and kb[c["id"]].seriousness == "harmless")
    return round(min(total, 1.0), 4)


def reason_text(item: EvidenceItem, finding: Finding, shared: bool, sentences: Sentences) -> str:
    """An answer as the person said it: the quoted words read ("for 3 weeks"), or the answer in words."""
    plain = answer_words(item, finding, sentences)
    if not item.text or item.source != "parsed":  # a device's or a form's text is not the person's words
        return plain
    if shared:
        return f"{plain} (from “{item.text}”)"
    return f"“{item.text}”"


def answer_words(item: EvidenceItem, finding: Finding, sentences: Sentences) -> str:
    """'Muscle weakness: no', 'How long it has been going on: 21 days' (the policy's ``answer_*`` wording)."""
    if item.value is None:
        wording = sentences.answer_yes if item.state == "present" else sentences.answer_no
        return wording.format(finding=finding.name)
    if finding.type == "choice":
        value = next((o.label for o in finding.options if o.id == item.value), str(item.value))
    else:
        number = item.value if not isinstance(item.value, float) or not item.value.is_integer() else int(item.value)
        value = f"{number} {finding.unit or ''}".strip()
    wording = sentences.answer_not_value if item.state == "absent" else sentences.answer_value
    return wording.format(finding=finding.name, value=value)


def _quotes(reasons: Sequence[dict[str, Any]]) -> str:
    """The person's own words among the reasons (plain answers when none were typed), joined as a list."""
    quoted = [r["text"] for r in reasons if r["text"].startswith("“")]
    answers = [r["text"].split(" (from “")[0] for r in reasons]
    texts = (quoted or [a[:1].lower() + a[1:] for a in answers])[:QUOTES_SHOWN]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _would_change(model: Model, condition_id: str, present: frozenset[str]) -> list[str]:
    """Warning signs much likelier under this cause than in general that the person has not reported."""
    condition = model.kb.conditions[condition_id]
    scored = []
    for fid, entry in condition.likelihoods.items():
        finding = model.kb.findings[fid]
        if finding.group != "warning" or fid in present or not isinstance(entry.p, float | int):
            continue
        background = finding.background
        if isinstance(background, float | int) and background > 0 and entry.p / background >= CHANGE_RATIO:
            scored.append((entry.p / background, finding.name.lower()))
    return [name for _, name in sorted(scored, reverse=True)[:CHANGE_SHOWN]]


def worries(
    model: Model, worry_ids: Sequence[str], conditions: Sequence[dict[str, Any]], present: frozenset[str]
) -> list[dict[str, Any]]:
    """Each feared condition with its chance and one plain sentence on why, in the person's words."""
    shown, sentences = model.kb.policy.presentation, model.kb.policy.sentences
    by_id = {c["id"]: c for c in conditions}
    out = []
    for cid in worry_ids:
        entry = by_id.get(cid)
        if entry is None:
            continue
        p = entry["probability"]
        level: WorryLevel = "very_unlikely" if p < VERY_UNLIKELY else "unlikely" if p < shown.possible else "possible"
        level = "likely" if p >= shown.likely else level
        first = sentences.worry_levels[level].format(name=entry["lay_name"], chance=chance_words(p))
        parts = []
        if entry["against"]:
            typed = any(r["text"].startswith("“") for r in entry["against"])
            template = sentences.worry_against if typed else sentences.worry_against_answers
            parts.append(template.format(quotes=_quotes(entry["against"])))
        if entry["for"] and level in ("possible", "likely"):
            parts.append(sentences.worry_for.format(quotes=_quotes(entry["for"])))
        if not parts:
            parts.append(sentences.worry_nothing_for)
        text = f"{first}: {'; '.join(parts)}."
        if changes := _would_change(model, cid, present):
            text += " " + sentences.worry_change.format(findings=" or ".join(changes))
        out.append({"id": cid, "probability": p, "text": text})
    return out


@lru_cache(maxsize=4096)
def _words(line: str) -> frozenset[str]:
    return frozenset(WORD.findall(line.lower()))


@lru_cache(maxsize=4096)
def _urgency_of(line: str, marks: tuple[tuple[str, tuple[str, ...]], ...]) -> int:
    low = f" {line.lower()} "
    for level in reversed(TRIAGE_ORDER):
        if any(word in low for word in dict(marks).get(level, ())):
            return TRIAGE_ORDER.index(level)
    return 0


def _urgency(model: Model, line: str) -> int:
    """How urgent a safety-net line is, from the words that mark each level (higher is more urgent)."""
    marks = model.kb.policy.presentation.safety_net_urgency
    return _urgency_of(line, tuple((level, tuple(words)) for level, words in marks.items()))


def order_safety_net(model: Model, lines: Sequence[str]) -> list[str]:
    """The safety net without repeats (a line mostly contained in a longer one), most urgent first."""
    return list(_ordered(model, tuple(lines)))


def _ordered(model: Model, lines: tuple[str, ...]) -> tuple[str, ...]:
    kept: list[str] = []
    for line in sorted(lines, key=len, reverse=True):
        words = _words(line)
        if not any(len(words & _words(k)) >= OVERLAP * len(words) for k in kept):
            kept.append(line)
    original = [line for line in lines if line in kept]
    return tuple(sorted(original, key=lambda line: -_urgency(model, line)))


def also_read(model: Model, items: Sequence[EvidenceItem], mentioned: set[str]) -> list[dict[str, str]]:
    """What was read or answered but changed no cause's chance (warning signs excepted: they are the screen)."""
    findings, sentences = model.kb.findings, model.kb.policy.sentences
    return [
        {
            "id": i.id,
            "text": f"“{i.text}”" if i.text and i.source == "parsed" else answer_words(i, findings[i.id], sentences),
        }
        for i in items
        if i.state != "unknown" and i.id not in mentioned and findings[i.id].group != "warning"
    ]


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def headline(model: Model, conditions: Sequence[dict[str, Any]], level: int, harmless: float) -> dict[str, str]:
    """What it most likely is, and (when the result does not send the person to be seen today) the harmless share.

    With a same-day or emergency result the answer is that it needs care now, naming the likeliest cause
    that itself needs care that urgently, never a harmless cause next to "call an ambulance".
    """
    shown, sentences, kb = model.kb.policy.presentation, model.kb.policy.sentences, model.kb.conditions
    calm = level <= TRIAGE_ORDER.index(shown.self_care_up_to)
    if not calm:
        urgent = [
            c
            for c in conditions
            if c["id"] in kb
            and TRIAGE_ORDER.index(kb[c["id"]].triage.level) > TRIAGE_ORDER.index(shown.self_care_up_to)
        ]
        if urgent and urgent[0]["probability"] >= shown.possible:
            name, p = _lower_first(urgent[0]["lay_name"]), urgent[0]["probability"]
            return {"most_likely": sentences.needs_care_now_cause.format(name=name, chance=f"{p:.0%}"), "harmless": ""}
        return {"most_likely": sentences.needs_care_now, "harmless": ""}
    top = next((c for c in conditions if c["id"] in kb), conditions[0])
    most = sentences.most_likely.format(name=_lower_first(top["lay_name"]), chance=f"{top['probability']:.0%}")
    share = sentences.harmless_share.format(chance=chance_words(harmless)) if harmless >= shown.possible else ""
    return {"most_likely": most, "harmless": share}
