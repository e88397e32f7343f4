"""The Bayesian differential: P(condition, movement | evidence), and why.

P(c, m | e) is proportional to prior(c) x age and sex factors x P(m | c) x the likelihoods of the
movement-level findings given m x the likelihoods of the condition-level findings given c.
Explanations compare each answer's likelihood under a cause with its likelihood under an
unrelated cause (the finding's background): that ratio is the likelihood ratio shown to users.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twitchcheck.engine.evidence import Case, EvidenceItem
from twitchcheck.engine.model import FloatArray, Model, log_negated, outcome_of
from twitchcheck.kb.schema import age_band


@dataclass(frozen=True, slots=True)
class Term:
    """One answer's contribution: a log-likelihood row over conditions or over movements."""

    item: EvidenceItem
    outcome: str
    negated: bool
    level: str  # "condition" | "movement"
    row: FloatArray
    background: float  # P(this answer | an unrelated cause)


def evidence_terms(model: Model, case: Case) -> list[Term]:
    """Turn the known answers into likelihood terms (unknown answers give none)."""
    terms = []
    findings = model.kb.findings
    for item in case.evidence:
        finding = findings[item.id]
        selected = outcome_of(item, finding)
        if selected is None:
            continue
        outcome, negated = selected
        rows = model.condition_rows if finding.level == "condition" else model.movement_rows
        row = rows[(item.id, outcome)]
        background = model.background[(item.id, outcome)]
        if negated:
            row, background = log_negated(row), 1.0 - background
        terms.append(Term(item, outcome, negated, finding.level, row, background))
    return terms


def base_scores(model: Model, case: Case) -> FloatArray:
    """Log prior of each condition, adjusted for age and sex."""
    score = model.log_prior.copy()
    if case.age is not None:
        score += model.log_age[age_band(case.age)]
    if case.sex is not None:
        score += model.log_sex[case.sex]
    return score


def sum_terms(model: Model, terms: list[Term]) -> tuple[FloatArray, FloatArray]:
    """Total log-likelihood over conditions and over movements."""
    cond = np.zeros(len(model.condition_ids))
    move = np.zeros(len(model.movement_ids))
    for t in terms:
        if t.level == "condition":
            cond += t.row
        else:
            move += t.row
    return cond, move


def joint_posterior(model: Model, cond_scores: FloatArray, move_scores: FloatArray) -> FloatArray:
    """P(c, m | e) as a [C, M] array that sums to 1."""
    joint = cond_scores[:, None] + model.log_movement_given_condition + move_scores[None, :]
    joint = np.exp(joint - joint.max())
    return joint / joint.sum()


@dataclass(frozen=True)
class Differential:
    """The posterior and what went into it."""

    conditions: FloatArray  # [C]
    movements: FloatArray  # [M]
    terms: list[Term]
    base: FloatArray  # [C] prior with age and sex


def differential(model: Model, case: Case) -> Differential:
    """Compute the posterior over conditions and movements for a case."""
    terms = evidence_terms(model, case)
    base = base_scores(model, case)
    cond, move = sum_terms(model, terms)
    joint = joint_posterior(model, base + cond, move)
    return Differential(joint.sum(axis=1), joint.sum(axis=0), terms, base)


def likelihood_ratios(model: Model, terms: list[Term]) -> FloatArray:
    """[E, C] likelihood ratio of each answer under each condition versus an unrelated cause."""
    if not terms:
        return np.zeros((0, len(model.condition_ids)))
    ratios = np.empty((len(terms), len(model.condition_ids)))
    for i, t in enumerate(terms):
        if t.level == "condition":
            ratios[i] = np.exp(t.row) / t.background
        else:
            ratios[i] = (model.movement_given_condition @ np.exp(t.row)) / t.background
    return ratios


def movement_reasons(model: Model, diff: Differential, movement: int, limit: int = 3) -> list[Term]:
    """The answers that most raised the probability of one movement type (leave-one-out)."""
    cond, move = sum_terms(model, diff.terms)
    effects = []
    for t in diff.terms:
        if t.level == "condition":
            joint = joint_posterior(model, diff.base + cond - t.row, move)
        else:
            joint = joint_posterior(model, diff.base + cond, move - t.row)
        without = joint.sum(axis=0)[movement]
        effects.append((diff.movements[movement] / max(without, 1e-12), t))
    effects.sort(key=lambda pair: -pair[0])
    return [t for ratio, t in effects[:limit] if ratio > 1.1]
