"""Interview questions: their shape, wording, options and the plain-words reason for asking.

A question is about one finding (``yes_no``, or ``single`` over a choice finding's options or a
number finding's bins) or about several yes/no findings asked together (``group``: "Do you
have any of these?", each member answered present, absent or don't know).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np

from twitchcheck.engine.evidence import EvidenceItem, State
from twitchcheck.engine.lookahead import Lookahead
from twitchcheck.engine.model import Model
from twitchcheck.kb.schema import Finding

QuestionType = Literal["yes_no", "single", "group"]

WARNING_GROUP_ID = "warning_signs"
WARNING_GROUP_TEXT = "Do you have any of these?"
WARNING_AGAIN_TEXT = "Do you have any of these other warning signs?"
WARNING_RATIONALE = "To check for warning signs that would mean seeing a doctor sooner."
TRIAGE_GROUP_ID = "triage_checks"
TRIAGE_GROUP_TEXT = "Do any of these apply to you?"
TRIAGE_RATIONALE = "To check for things that would change how soon you should see a doctor."
# Checklists: yes/no findings of one kind asked together (as Infermedica's group questions).
CHECKLIST_TEXT = {
    "medicine": "Do you take any of these medicines?",
    "trigger": "Do any of these apply to you lately?",
    "history": "Do any of these apply to you?",
    "symptom": "Do you have any of these?",
    "timing": "Do any of these describe when it happens?",
    "location": "Is it in any of these places?",
    "character": "Do any of these describe the movement?",
}
# The same checklists once some of their kind are answered, so a page never repeats the last one's heading.
CHECKLIST_AGAIN_TEXT = {
    "medicine": "Do you take any of these other medicines?",
    "trigger": "Do any of these other things apply to you lately?",
    "history": "Do any of these other things apply to you?",
    "symptom": "Do you also have any of these?",
    "timing": "Do any of these also describe when it happens?",
    "location": "Is it also in any of these places?",
    "character": "Do any of these also describe the movement?",
}
LAST_BIN_STRETCH = 1.5  # the open-ended last bin is represented by 1.5 x the bin edge before it
KEEP_CAPITALISED = ("Parkinson", "Creutzfeldt", "Wilson", "Isaacs", "Tourette", "ALS", "MS")
TRIAGE_NOTE = "how soon you should see a doctor"


@dataclass(frozen=True)
class Question:
    """One question: its id (a finding id, or a group id), wording, kind, options and why it is asked."""

    id: str
    text: str
    type: QuestionType
    rationale: str
    options: tuple[dict[str, Any], ...] | None = None
    findings: tuple[str, ...] = ()  # the finding(s) the answer is about

    def to_dict(self) -> dict[str, Any]:
        """The API's question shape: {"id", "text", "type", "options"?, "rationale"}."""
        out: dict[str, Any] = {"id": self.id, "text": self.text, "type": self.type}
        if self.options is not None:
            out["options"] = [dict(o) for o in self.options]
        out["rationale"] = self.rationale
        return out


def representative_value(finding: Finding, bin_id: str) -> float:
    """A number that stands for a bin: its midpoint, or 1.5 x the edge before it for the open last bin."""
    lower = 0.0
    for b in finding.bins:
        if b.id == bin_id:
            return round((lower + b.max) / 2 if b.max is not None else lower * LAST_BIN_STRETCH, 1)
        lower = b.max if b.max is not None else lower
    raise ValueError(f"{finding.id} has no bin {bin_id!r}")


def options_of(finding: Finding) -> tuple[dict[str, Any], ...]:
    """Single-choice options: {"id", "label", "value"}; the value goes into the evidence item."""
    if finding.type == "number":
        return tuple({"id": b.id, "label": b.label, "value": representative_value(finding, b.id)} for b in finding.bins)
    return tuple({"id": o.id, "label": o.label, "value": o.id} for o in finding.options)


def lay_name(model: Model, index: int) -> str:
    """A condition's lay name, ready to sit in the middle of a sentence."""
    if index == model.other_index:
        return "a cause twitchcheck does not cover"
    name = list(model.kb.conditions.values())[index].lay_name
    return name if name.startswith(KEEP_CAPITALISED) else name[:1].lower() + name[1:]


def rationale(model: Model, la: Lookahead, f: int, triage_matters: bool) -> str:
    """Plain words for why a finding is asked, naming the two causes its answer moves most."""
    t = la.tables
    rows = np.flatnonzero(t.row_finding == f)
    shift = la.posterior[rows] - la.conditions  # [answers, C]
    moved = (la.predictive[rows, None] * np.abs(shift)).sum(axis=0)
    first, second = (int(i) for i in np.argsort(-moved)[:2])
    if moved[first] < 0.01:
        return f"To check {TRIAGE_NOTE}." if triage_matters else "To rule out less likely causes."
    if t.findings[f].type != "boolean" or shift[0, first] * shift[0, second] < 0:
        text = f"To tell {lay_name(model, first)} from {lay_name(model, second)}"
    else:
        text = f"To check for {lay_name(model, first)} or {lay_name(model, second)}"
    return f"{text}, and because the answer could change {TRIAGE_NOTE}." if triage_matters else f"{text}."


def single(model: Model, la: Lookahead, f: int, triage_matters: bool) -> Question:
    """The question about one finding: yes/no, or single choice over options or bins."""
    finding = la.tables.findings[f]
    kind: QuestionType = "yes_no" if finding.type == "boolean" else "single"
    return Question(
        id=finding.id,
        text=finding.question,
        type=kind,
        rationale=rationale(model, la, f, triage_matters),
        options=None if kind == "yes_no" else options_of(finding),
        findings=(finding.id,),
    )


def group(findings: list[Finding], question_id: str, text: str, why: str) -> Question:
    """Several yes/no findings asked together (a single one becomes a yes/no question)."""
    if len(findings) == 1:
        return Question(findings[0].id, findings[0].question, "yes_no", why, None, (findings[0].id,))
    return Question(
        id=question_id,
        text=text,
        type="group",
        rationale=why,
        options=tuple({"id": f.id, "label": f.name, "text": f.question} for f in findings),
        findings=tuple(f.id for f in findings),
    )


def answer_items(question: Question, answer: str | Mapping[str, str]) -> list[EvidenceItem]:
    """Evidence items (source "asked") for an answer to a question.

    yes_no: "present", "absent" or "unknown"; single: an option id or "unknown"; group: a mapping
    of finding id to state, where members left out are "absent" (as when ticking none of a list),
    or one state for every member.
    """
    if question.type == "group":
        states = answer if isinstance(answer, Mapping) else dict.fromkeys(question.findings, answer)
        return [EvidenceItem(fid, state_of(states.get(fid, "absent")), source="asked") for fid in question.findings]
    fid = question.findings[0]
    if not isinstance(answer, str):
        raise ValueError("a yes/no or single-choice question takes one answer")
    if question.type == "yes_no" or answer == "unknown":
        return [EvidenceItem(fid, state_of(answer), source="asked")]
    for option in question.options or ():
        if option["id"] == answer:
            return [EvidenceItem(fid, "present", option["value"], source="asked")]
    raise ValueError(f"{fid} has no option {answer!r}")


def state_of(value: str) -> State:
    """Check that an answer is one of the evidence states."""
    if value not in ("present", "absent", "unknown"):
        raise ValueError(f"an answer must be present, absent or unknown, not {value!r}")
    return cast(State, value)
