"""The Bayesian differential: P(condition, movement | evidence), and why.

P(c, m | e) is proportional to prior(c) x age and sex factors x P(m | c) x the likelihoods of the
movement-level findings given m x the likelihoods of the condition-level findings given c.
Explanations compare each answer's likelihood under a cause with its likelihood under an
unrelated cause (the finding's background): that ratio is the likelihood ratio shown to users.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from twitchcheck.engine.evidence import Case, EvidenceItem
from twitchcheck.engine.model import FloatArray, Model, outcome_of
from twitchcheck.kb.schema import age_band


class Term(NamedTuple):
    """One answer's contribution: a log-likelihood row over conditions or over movements."""

    item: EvidenceItem
    outcome: str
    negated: bool
    level: str  # "condition" | "movement"
    row: FloatArray
    background: float  # P(this answer | an unrelated cause)
    condition_index: int = 0  # row in model.condition_matrix (0: the zero row)
    movement_index: int = 0  # row in model.movement_matrix (0: the zero row)


def evidence_terms(model: Model, case: Case) -> list[Term]:
    """Turn the known answers into likelihood terms (unknown answers give none)."""
    terms = []
    findings, answers = model.kb.findings, model.answers
    for item in case.evidence:
        if item.state == "unknown":
            continue
        selected = (item.state, False) if item.value is None else outcome_of(item, findings[item.id])
        if selected is None:
            continue
        answer = answers[(item.id, *selected)]
        terms.append(
            Term(
                item,
                selected[0],
                selected[1],
                answer.level,
                answer.row,
                answer.background,
                answer.condition_index,
                answer.movement_index,
            )
        )
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
    """The posterior and what went into it.

    ``cond_rows`` and ``move_rows`` hold each answer's log-likelihood row (zeros where the answer
    belongs to the other level), so sums, explanations and leave-one-out are single array operations.
    """

    conditions: FloatArray  # [C]
    movements: FloatArray  # [M]
    terms: list[Term]
    base: FloatArray  # [C] prior with age and sex
    cond_rows: FloatArray  # [E, C]
    move_rows: FloatArray  # [E, M]


def stack_terms(model: Model, terms: list[Term]) -> tuple[FloatArray, FloatArray]:
    """[E, C] and [E, M] log-likelihood rows of the answers (zeros on the other level)."""
    return (
        model.condition_matrix[[t.condition_index for t in terms]],
        model.movement_matrix[[t.movement_index for t in terms]],
    )


def differential(model: Model, case: Case) -> Differential:
    """Compute the posterior over conditions and movements for a case."""
    terms = evidence_terms(model, case)
    base = base_scores(model, case)
    cond_rows, move_rows = stack_terms(model, terms)
    joint = joint_posterior(model, base + cond_rows.sum(axis=0), move_rows.sum(axis=0))
    return Differential(joint.sum(axis=1), joint.sum(axis=0), terms, base, cond_rows, move_rows)


def likelihood_ratios(model: Model, diff: Differential) -> FloatArray:
    """[E, C] likelihood ratio of each answer under each condition versus an unrelated cause.

    A movement-level answer's likelihood under a condition is averaged over the movements that
    condition produces: P(answer | c) = sum_m P(m | c) P(answer | m).
    """
    if not diff.terms:
        return np.zeros((0, len(model.condition_ids)))
    is_condition = np.array([t.level == "condition" for t in diff.terms])
    backgrounds = np.array([t.background for t in diff.terms])
    via_movement = np.exp(diff.move_rows) @ model.movement_given_condition.T
    likelihood = np.where(is_condition[:, None], np.exp(diff.cond_rows), via_movement)
    return likelihood / backgrounds[:, None]


def movements_without_each(model: Model, diff: Differential) -> FloatArray:
    """[E, M] P(movement | evidence without answer e), for every answer at once (leave-one-out).

    Removing a condition-level answer changes only the condition scores, and removing a
    movement-level answer only the movement scores, so each case is one matrix product.
    """
    cond = diff.base + diff.cond_rows.sum(axis=0)
    move = diff.move_rows.sum(axis=0)
    cond_without = cond[None, :] - diff.cond_rows
    move_without = move[None, :] - diff.move_rows
    cond_weights = np.exp(cond_without - cond_without.max(axis=1, keepdims=True))
    move_weights = np.exp(move_without - move_without.max(axis=1, keepdims=True))
    marginal = (cond_weights @ model.movement_given_condition) * move_weights
    return marginal / marginal.sum(axis=1, keepdims=True)


def movement_reasons(diff: Differential, without: FloatArray, movement: int, limit: int = 3) -> list[Term]:
    """The answers that most raised the probability of one movement type."""
    if not diff.terms:
        return []
    ratios = diff.movements[movement] / np.maximum(without[:, movement], 1e-12)
    order = np.argsort(-ratios, kind="stable")[:limit]
    return [diff.terms[i] for i in order if ratios[i] > 1.1]
