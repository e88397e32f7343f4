"""The knowledge base compiled into arrays, so an assessment is a few vector sums.

The model is a small Bayesian network: Condition -> Movement -> movement-level findings, and
Condition -> condition-level findings. Every (finding, outcome) pair becomes one row of
log-likelihoods over conditions (or movements); evidence selects rows and adds them up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from twitchcheck.contract import OTHER_CONDITION_ID
from twitchcheck.engine.evidence import EvidenceItem
from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.kb.schema import AGE_BANDS, MOVEMENT_IDS, TRIAGE_ORDER, Condition, Finding, RuleCondition

FloatArray = NDArray[np.float64]
MOVEMENT_FLOOR = 1e-3  # no cause makes a movement type strictly impossible
Outcome = tuple[str, str]  # (finding id, outcome id)


def _outcome_probabilities(finding: Finding, p: float | dict[str, float]) -> dict[str, float]:
    """Expand a stored probability into P(outcome) for every outcome of the finding."""
    if isinstance(p, dict):
        return dict(p)
    return {"present": float(p), "absent": 1.0 - float(p)}


def outcome_of(item: EvidenceItem, finding: Finding) -> tuple[str, bool] | None:
    """The (outcome, negated) an evidence item selects, or None when it carries no information.

    ``negated`` is True for "absent" answers about a choice option ("not constant"), whose
    likelihood is 1 - P(option).
    """
    if item.state == "unknown":
        return None
    if finding.type == "boolean":
        return item.state, False
    if item.value is None:
        return None
    option = finding.bin_for(float(item.value)) if finding.type == "number" else str(item.value)
    return option, item.state == "absent"


@dataclass(frozen=True)
class CompiledRule:
    """A rule (red flag or escalation) in a form that is quick to test against evidence."""

    all: frozenset[str]
    any: frozenset[str]
    values: tuple[tuple[str, frozenset[str]], ...]
    age_min: float | None
    age_max: float | None
    sex: str | None
    and_any: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()

    @classmethod
    def of(cls, when: RuleCondition) -> CompiledRule:
        values = tuple((fid, frozenset(opts)) for fid, opts in when.values.items())
        return cls(
            frozenset(when.all),
            frozenset(when.any),
            values,
            when.age_min,
            when.age_max,
            when.sex,
            frozenset(when.and_any),
            frozenset(when.unless),
        )

    def matches(self, present: frozenset[str], chosen: dict[str, str], age: float | None, sex: str | None) -> bool:
        """True when every part of the rule holds for this person."""
        if not self.all <= present or (self.any and not self.any & present):
            return False
        if (self.and_any and not self.and_any & present) or self.unless & present:
            return False
        if any(chosen.get(fid) not in opts for fid, opts in self.values):
            return False
        if self.age_min is not None and (age is None or age < self.age_min):
            return False
        if self.age_max is not None and (age is None or age > self.age_max):
            return False
        return self.sex is None or self.sex == sex


class Answer(NamedTuple):
    """One possible answer, precompiled: its level, its rows and its background probability."""

    level: str
    row: FloatArray
    background: float
    condition_index: int
    movement_index: int


@dataclass(frozen=True)
class Model:
    """Arrays over conditions (C, last one is ``other``) and movements (M)."""

    kb: KnowledgeBase
    condition_ids: tuple[str, ...]
    movement_ids: tuple[str, ...]
    log_prior: FloatArray  # [C]
    log_age: dict[str, FloatArray]  # band -> [C]
    log_sex: dict[str, FloatArray]  # sex -> [C]
    log_movement_given_condition: FloatArray  # [C, M]
    movement_given_condition: FloatArray  # [C, M]
    condition_rows: dict[Outcome, FloatArray]  # (finding, outcome) -> log P(outcome | c) [C]
    movement_rows: dict[Outcome, FloatArray]  # (finding, outcome) -> log P(outcome | m) [M]
    background: dict[Outcome, float]  # P(outcome | unrelated cause)
    level_index: FloatArray  # [C] base triage level of each condition as an index into TRIAGE_ORDER
    red_flag_rules: tuple[CompiledRule, ...]  # same order as kb.red_flags
    # Every possible answer, negated choice options included, as rows of two matrices whose row 0 is
    # all zeros (for answers on the other level): (finding, outcome, negated) -> Answer.
    condition_matrix: FloatArray  # [A, C]
    movement_matrix: FloatArray  # [A', M]
    answers: dict[tuple[str, str, bool], Answer]
    escalations: dict[int, tuple[tuple[CompiledRule, int, str, str], ...]] = field(default_factory=dict)
    harmless: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))  # [C] self-care causes
    # Answers the risk part reads every way (warning signs reported present, and rare findings that no
    # harmless cause produces), and the latter alone (the fit check's "unexplained" findings).
    cautious_keys: frozenset[tuple[str, str, bool]] = frozenset()
    unexplained_keys: frozenset[tuple[str, str, bool]] = frozenset()
    # Which red-flag rules (indices into kb.red_flags) and which conditions' escalations name each finding.
    rules_by_finding: dict[str, tuple[int, ...]] = field(default_factory=dict)
    rule_levels: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # per red flag
    escalations_by_finding: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def other_index(self) -> int:
        return len(self.condition_ids) - 1

    @cached_property
    def condition_headers(self) -> list[dict[str, Any]]:
        """The fixed part of each condition's entry in an assessment (id and names), in model order."""
        headers: list[dict[str, Any]] = [
            {"id": c.id, "name": c.name, "lay_name": c.lay_name, "seriousness": c.seriousness}
            for c in self.kb.conditions.values()
        ]
        headers.append(
            {"id": OTHER_CONDITION_ID, "name": "Other causes", "lay_name": "A cause twitchcheck does not cover"}
        )
        return headers


def _condition_table(kb: KnowledgeBase, finding: Finding, conditions: list[Condition]) -> dict[str, list[float]]:
    """P(outcome | condition) for every outcome, with the background for silent conditions and ``other``."""
    assert finding.background is not None
    background = _outcome_probabilities(finding, finding.background)
    per_condition = [
        _outcome_probabilities(finding, entry.p) if (entry := c.likelihoods.get(finding.id)) else background
        for c in conditions
    ]
    return {outcome: [*(probs[outcome] for probs in per_condition), p] for outcome, p in background.items()}


def compile_model(kb: KnowledgeBase) -> Model:
    """Turn a validated knowledge base into the arrays the engine works on."""
    conditions = list(kb.conditions.values())
    condition_ids = (*(c.id for c in conditions), OTHER_CONDITION_ID)
    priors = [c.prior.value for c in conditions]
    priors.append(max(1.0 - sum(priors), 1e-3))
    log_age: dict[str, FloatArray] = {
        band: np.log([*(getattr(c.age_factors, band) if c.age_factors else 1.0 for c in conditions), 1.0])
        for band, _ in AGE_BANDS
    }
    log_sex: dict[str, FloatArray] = {
        sex: np.log([*(getattr(c.sex_factors, sex) if c.sex_factors else 1.0 for c in conditions), 1.0])
        for sex in ("female", "male")
    }
    pmc = np.full((len(condition_ids), len(MOVEMENT_IDS)), MOVEMENT_FLOOR)
    for i, c in enumerate(conditions):
        for m, share in c.movements.items():
            pmc[i, MOVEMENT_IDS.index(m)] = max(share, MOVEMENT_FLOOR)
    pmc[-1] = [kb.movements[m].other_share for m in MOVEMENT_IDS]
    pmc /= pmc.sum(axis=1, keepdims=True)

    condition_rows: dict[Outcome, FloatArray] = {}
    movement_rows: dict[Outcome, FloatArray] = {}
    background: dict[Outcome, float] = {}
    for f in kb.findings.values():
        if f.level == "condition":
            for outcome, probs in _condition_table(kb, f, conditions).items():
                condition_rows[(f.id, outcome)] = np.log(probs)
                background[(f.id, outcome)] = probs[-1]
        else:
            present = np.array([kb.movements[m].likelihoods[f.id] for m in MOVEMENT_IDS])
            movement_rows[(f.id, "present")] = np.log(present)
            movement_rows[(f.id, "absent")] = np.log1p(-present)
            other = pmc[-1]
            background[(f.id, "present")] = float(other @ present)
            background[(f.id, "absent")] = 1.0 - background[(f.id, "present")]

    condition_matrix, movement_matrix, answers = _answer_matrices(kb, condition_rows, movement_rows, background)
    # A cause outside the knowledge base deserves a routine look by a GP if it is the likely one.
    levels = np.array([TRIAGE_ORDER.index(c.triage.level) for c in conditions] + [1], dtype=float)
    escalations: dict[int, tuple[tuple[CompiledRule, int, str, str], ...]] = {
        i: tuple(
            (CompiledRule.of(e.when), TRIAGE_ORDER.index(e.level), e.clinician, e.why) for e in c.triage.escalations
        )
        for i, c in enumerate(conditions)
        if c.triage.escalations
    }
    harmless = np.array([c.triage.level == "self_care" for c in conditions] + [False])
    unexplained = _unexplained_keys(kb, condition_rows, background, harmless)
    cautious = unexplained | {
        (f.id, "present", False)
        for f in kb.findings.values()
        if f.group == "warning" and f.type == "boolean" and f.level == "condition"
    }
    return Model(
        kb=kb,
        condition_ids=condition_ids,
        movement_ids=MOVEMENT_IDS,
        log_prior=np.log(priors),
        log_age=log_age,
        log_sex=log_sex,
        log_movement_given_condition=np.log(pmc),
        movement_given_condition=pmc,
        condition_rows=condition_rows,
        movement_rows=movement_rows,
        background=background,
        level_index=levels,
        red_flag_rules=tuple(CompiledRule.of(r.when) for r in kb.red_flags),
        condition_matrix=condition_matrix,
        movement_matrix=movement_matrix,
        answers=answers,
        escalations=escalations,
        harmless=harmless,
        cautious_keys=frozenset(cautious),
        unexplained_keys=frozenset(unexplained),
        rules_by_finding=_index_rules([r.when for r in kb.red_flags]),
        rule_levels=np.array([TRIAGE_ORDER.index(r.level) for r in kb.red_flags], dtype=np.int64),
        escalations_by_finding=_index_rules(
            [e.when for c in conditions for e in c.triage.escalations],
            owners=[i for i, c in enumerate(conditions) for _ in c.triage.escalations],
        ),
    )


def _index_rules(whens: list[RuleCondition], owners: list[int] | None = None) -> dict[str, tuple[int, ...]]:
    """Finding id -> the rules (or, with ``owners``, the conditions owning the rules) that name it."""
    index: dict[str, set[int]] = {}
    for i, when in enumerate(whens):
        owner = i if owners is None else owners[i]
        for fid in [*when.all, *when.any, *when.and_any, *when.unless, *when.values]:
            index.setdefault(fid, set()).add(owner)
    return {fid: tuple(sorted(ids)) for fid, ids in index.items()}


def _unexplained_keys(
    kb: KnowledgeBase,
    condition_rows: dict[Outcome, FloatArray],
    background: dict[Outcome, float],
    harmless: NDArray[np.bool_],
) -> set[tuple[str, str, bool]]:
    """Rare answers that no harmless cause makes likelier than an unrelated cause does (the fit check)."""
    fit = kb.policy.fit
    out: set[tuple[str, str, bool]] = set()
    for (fid, outcome), row in condition_rows.items():
        finding = kb.findings[fid]
        if finding.group not in fit.groups or outcome == "absent" or finding.type == "number":
            continue
        bg = background[(fid, outcome)]
        if bg <= fit.rare_background and not (np.exp(row[harmless]) > bg + 1e-12).any():
            out.add((fid, outcome, False))
    return out


def _answer_matrices(
    kb: KnowledgeBase,
    condition_rows: dict[Outcome, FloatArray],
    movement_rows: dict[Outcome, FloatArray],
    background: dict[Outcome, float],
) -> tuple[FloatArray, FloatArray, dict[tuple[str, str, bool], Answer]]:
    """Stack every answer's row (and the negated option rows of choice findings) into matrices."""
    cond_list: list[FloatArray] = [np.zeros(len(next(iter(condition_rows.values()))))]
    move_list: list[FloatArray] = [np.zeros(len(MOVEMENT_IDS))]
    entries: list[tuple[tuple[str, str, bool], str, int, float]] = []
    for (fid, outcome), row in condition_rows.items():
        cond_list.append(row)
        entries.append(((fid, outcome, False), "condition", len(cond_list) - 1, background[(fid, outcome)]))
        if kb.findings[fid].type != "boolean":
            cond_list.append(log_negated(row))
            entries.append(((fid, outcome, True), "condition", len(cond_list) - 1, 1.0 - background[(fid, outcome)]))
    for (fid, outcome), row in movement_rows.items():
        move_list.append(row)
        entries.append(((fid, outcome, False), "movement", len(move_list) - 1, background[(fid, outcome)]))
    cond_matrix, move_matrix = np.array(cond_list), np.array(move_list)
    answers = {}
    for key, level, index, bg in entries:
        if level == "condition":
            answers[key] = Answer(level, cond_matrix[index], bg, index, 0)
        else:
            answers[key] = Answer(level, move_matrix[index], bg, 0, index)
    return cond_matrix, move_matrix, answers


def log_negated(row: FloatArray) -> FloatArray:
    """log(1 - p) from log(p): the likelihood of "not this option"."""
    return np.log1p(-np.minimum(np.exp(row), 1 - 1e-12))


def clamp_log(x: float) -> float:
    """A log value safe to exponentiate in reports."""
    return max(min(x, 700.0), -700.0) if math.isfinite(x) else -700.0
