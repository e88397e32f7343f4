"""Evidence: what is known about one person, in the engine's terms.

An item says a finding is ``present``, ``absent`` or ``unknown`` (Infermedica's shape). Choice
findings carry the chosen option as ``value`` and number findings a number, which the engine
puts into the finding's bins. Unknown items are kept for the record but change nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from twitchcheck.errors import TwitchcheckError
from twitchcheck.kb.schema import Finding

State = Literal["present", "absent", "unknown"]
Source = Literal["initial", "asked", "parsed"]
Sex = Literal["female", "male"]
STATES: tuple[State, ...] = ("present", "absent", "unknown")
SOURCES: tuple[Source, ...] = ("initial", "asked", "parsed")
MAX_AGE = 120


class EvidenceError(TwitchcheckError, ValueError):
    """Evidence that cannot be used; ``details`` says which item and why, ``code`` names the kind."""

    code = "invalid_evidence"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__("invalid", type(self).code, message, details or [])


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One answer about one finding."""

    id: str
    state: State
    value: str | float | None = None
    source: Source = "initial"
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape for an evidence item."""
        out: dict[str, Any] = {"id": self.id, "state": self.state, "source": self.source}
        if self.value is not None:
            out["value"] = self.value
        if self.text is not None:
            out["text"] = self.text
        return out


@dataclass(frozen=True, slots=True)
class Case:
    """Everything the engine is told: age, sex, the evidence list and the conditions the person fears."""

    evidence: tuple[EvidenceItem, ...]
    age: float | None = None
    sex: Sex | None = None
    worries: tuple[str, ...] = ()


def _check_item(item: EvidenceItem, finding: Finding | None) -> str | None:
    """Return why an item is unusable, or None when it is fine."""
    if finding is None:
        return f"unknown finding id {item.id!r}"
    if item.state == "unknown":
        return None
    if finding.type == "boolean":
        return None if item.value is None else f"{item.id} is a yes/no finding and takes no value"
    if item.value is None:
        return f"{item.id} is a {finding.type} finding, so a {item.state} answer needs a value"
    if finding.type == "choice" and item.value not in finding.values:
        return f"{item.id} has no option {item.value!r}; options are {finding.values}"
    if finding.type == "number":
        if isinstance(item.value, bool) or not isinstance(item.value, int | float):
            return f"{item.id} needs a number (in {finding.unit})"
        if item.value < 0:
            return f"{item.id} cannot be negative"
    return None


def parse_case(
    raw: Mapping[str, Any],
    findings: Mapping[str, Finding],
    default_source: Source = "initial",
    conditions: Collection[str] | None = None,
) -> Case:
    """Validate a ``{"age", "sex", "evidence": [...], "worries"?: [condition ids]}`` mapping into a Case.

    Every problem is reported at once; worries are checked against ``conditions`` when given.
    """
    problems: list[dict[str, Any]] = []
    worries = raw.get("worries") or []
    if not isinstance(worries, list | tuple) or not all(isinstance(w, str) for w in worries):
        problems.append({"field": "worries", "problem": "worries must be a list of condition ids"})
        worries = []
    unknown = [w for w in worries if conditions is not None and w not in conditions]
    problems += [{"field": "worries", "problem": f"unknown condition id {w!r}"} for w in unknown]
    age = raw.get("age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int | float) or not 0 <= age <= MAX_AGE):
        problems.append({"field": "age", "problem": f"age must be a number from 0 to {MAX_AGE}"})
        age = None
    sex = raw.get("sex")
    if sex is not None and sex not in ("female", "male"):
        problems.append({"field": "sex", "problem": "sex must be 'female', 'male' or null"})
        sex = None
    entries = raw.get("evidence", [])
    if not isinstance(entries, list):
        problems.append({"field": "evidence", "problem": "evidence must be a list"})
        entries = []
    items = []
    for index, entry in enumerate(entries):
        where = f"evidence[{index}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            problems.append({"field": where, "problem": "each item needs a string 'id'"})
            continue
        state, source = entry.get("state", "present"), entry.get("source", default_source)
        if state not in STATES or source not in SOURCES:
            problems.append({"field": where, "problem": f"state must be one of {STATES}, source one of {SOURCES}"})
            continue
        item = EvidenceItem(entry["id"], state, entry.get("value"), source, entry.get("text"))
        if (why := _check_item(item, findings.get(item.id))) is not None:
            problems.append({"field": where, "problem": why})
            continue
        items.append(item)
    if problems:
        raise EvidenceError("the evidence has problems", problems)
    return Case(
        evidence=tuple(dedupe(items)),
        age=float(age) if age is not None else None,
        sex=sex,
        worries=tuple(dict.fromkeys(worries)),
    )


def dedupe(items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
    """Keep one item per finding: the last answer given wins."""
    latest: dict[str, EvidenceItem] = {}
    for item in items:
        latest.pop(item.id, None)
        latest[item.id] = item
    return list(latest.values())
