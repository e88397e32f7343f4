"""Scoring the parser on an annotated set of sentences (``vignettes/parse/annotated.yaml``).

An evidence item counts as right when the parser gives the same finding in the same state, with the same
option (choice findings) or a number within 20% (number findings: days, mg a day). Per finding and overall
(micro) precision, recall and F1 follow. Assertion accuracy is the share of findings found by both the
annotation and the parser that have the same state; negation accuracy is that share among the pairs where
either side says "absent".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from twitchcheck.kb.loader import KnowledgeBase

NUMBER_TOLERANCE = 0.2


class Strict(BaseModel):
    """Unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldItem(Strict):
    """One expected evidence item."""

    id: str
    state: Literal["present", "absent", "unknown"]
    value: str | float | None = None


class GoldCase(Strict):
    """One annotated sentence or short description."""

    id: str
    text: str
    age: float | None = None
    sex: Literal["female", "male"] | None = None
    subject: Literal["self", "child", "other"] = "self"
    evidence: list[GoldItem] = Field(default_factory=list)


class AnnotatedSet(Strict):
    """The file: the date "today" is for ("since March"), and the cases."""

    today: date
    cases: list[GoldCase] = Field(min_length=1)


def load_annotated(path: Path) -> AnnotatedSet:
    """Read and validate an annotated set; raises OSError, yaml.YAMLError or pydantic's ValidationError."""
    return AnnotatedSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def annotation_faults(data: AnnotatedSet, kb: KnowledgeBase) -> list[str]:
    """Annotations that name unknown findings or options, or give a value of the wrong kind."""
    faults = []
    for case in data.cases:
        for item in case.evidence:
            finding = kb.findings.get(item.id)
            if finding is None:
                faults.append(f"{case.id}: unknown finding {item.id!r}")
            elif finding.type == "choice" and item.state == "present" and item.value not in finding.values:
                faults.append(f"{case.id}: {item.id} has no option {item.value!r}")
            elif finding.type == "number" and item.state == "present" and not isinstance(item.value, int | float):
                faults.append(f"{case.id}: {item.id} needs a number")
    return faults


@dataclass
class Counts:
    """True positives, false positives and false negatives, with the figures they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of what the parser said that is right."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of the annotations the parser found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Everything ``twitchcheck eval-parse`` prints."""

    cases: int = 0
    per_finding: dict[str, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)
    assertion_pairs: int = 0
    assertion_right: int = 0
    negation_pairs: int = 0
    negation_right: int = 0
    person_right: dict[str, int] = field(default_factory=lambda: {"age": 0, "sex": 0, "subject": 0})
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def assertion_accuracy(self) -> float:
        """Same state where both found the finding."""
        return self.assertion_right / self.assertion_pairs if self.assertion_pairs else 1.0

    @property
    def negation_accuracy(self) -> float:
        """Same state where either side says absent."""
        return self.negation_right / self.negation_pairs if self.negation_pairs else 1.0

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON."""

        def figures(c: Counts) -> dict[str, Any]:
            return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4), "f1": round(c.f1, 4)}  # fmt: skip

        return {
            "cases": self.cases,
            "micro": figures(self.overall),
            "assertion_accuracy": round(self.assertion_accuracy, 4),
            "negation_accuracy": round(self.negation_accuracy, 4),
            "assertion_pairs": self.assertion_pairs,
            "negation_pairs": self.negation_pairs,
            "age_accuracy": round(self.person_right["age"] / max(1, self.cases), 4),
            "sex_accuracy": round(self.person_right["sex"] / max(1, self.cases), 4),
            "subject_accuracy": round(self.person_right["subject"] / max(1, self.cases), 4),
            "per_finding": {k: figures(v) for k, v in sorted(self.per_finding.items())},
            "misses": self.misses,
        }


def _same_value(gold: GoldItem, got: dict[str, Any]) -> bool:
    if gold.state != "present" or gold.value is None:
        return gold.value is None or got.get("value") == gold.value
    value = got.get("value")
    if isinstance(gold.value, str):
        return value == gold.value
    if not isinstance(value, int | float):
        return False
    return abs(value - gold.value) <= max(1.0, NUMBER_TOLERANCE * abs(gold.value))


def _score_case(report: Report, case: GoldCase, parsed: dict[str, Any]) -> None:
    got = {e["id"]: e for e in parsed["evidence"]}
    gold = {g.id: g for g in case.evidence}
    wrong: list[str] = []
    for fid in sorted(set(got) | set(gold)):
        counts = report.per_finding.setdefault(fid, Counts())
        g, p = gold.get(fid), got.get(fid)
        right = g is not None and p is not None and p["state"] == g.state and _same_value(g, p)
        if right:
            counts.tp += 1
        else:
            counts.fp += p is not None
            counts.fn += g is not None
            wrong.append(
                f"{fid}: want {g.state if g else '-'}{'=' + str(g.value) if g and g.value is not None else ''}"
                f", got {p['state'] if p else '-'}{'=' + str(p.get('value')) if p and 'value' in p else ''}"
            )
        if g is not None and p is not None:
            report.assertion_pairs += 1
            report.assertion_right += p["state"] == g.state
            if "absent" in (p["state"], g.state):
                report.negation_pairs += 1
                report.negation_right += p["state"] == g.state
    for name, want in (("age", case.age), ("sex", case.sex), ("subject", case.subject)):
        have = parsed.get(name)
        ok = (
            have == want
            if name != "age"
            else (have is None and want is None) or (have is not None and want is not None and abs(have - want) < 1)
        )
        report.person_right[name] += ok
        if not ok:
            wrong.append(f"{name}: want {want}, got {have}")
    if wrong:
        report.misses.append({"id": case.id, "text": case.text, "wrong": wrong})


def evaluate_parser(data: AnnotatedSet, kb: KnowledgeBase, parse: Callable[..., dict[str, Any]]) -> Report:
    """Parse every case (with the set's "today") and score it against its annotation."""
    report = Report(cases=len(data.cases))
    for case in data.cases:
        _score_case(report, case, parse(case.text, kb, today=data.today))
    for counts in report.per_finding.values():
        report.overall.tp += counts.tp
        report.overall.fp += counts.fp
        report.overall.fn += counts.fn
    return report
