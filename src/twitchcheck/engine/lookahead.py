"""One-step lookahead for the interview: what each possible answer to each finding would do.

For every (finding, answer) row of the knowledge base this computes, in a few array operations,
the predictive probability of the answer, P(answer | evidence) = sum_c P(c | e) P(answer | c)
(movement-level findings through P(m | e)), the posterior over conditions and movement types
after that answer, and the triage level the engine would give after it. The triage level comes
from engine.levels, the same function the assessment uses, so the two never disagree.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from twitchcheck.engine.differential import base_scores, evidence_terms, joint_posterior, sum_terms
from twitchcheck.engine.evidence import Case
from twitchcheck.engine.levels import NO_ANSWER, triage_levels
from twitchcheck.engine.model import FloatArray, Model
from twitchcheck.kb.schema import MEASUREMENT_GROUP, Finding

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
_TABLES: dict[int, tuple[Model, Tables]] = {}


@dataclass(frozen=True)
class Tables:
    """The knowledge base's answer rows as arrays, built once per model."""

    findings: tuple[Finding, ...]
    finding_index: dict[str, int]
    rows: tuple[tuple[str, str], ...]  # (finding id, outcome), grouped by finding in findings order
    row_index: dict[tuple[str, str], int]
    row_finding: IntArray  # [K] finding index of each row
    starts: IntArray  # [F] first row of each finding
    cond_rows: IntArray  # rows of condition-level findings
    move_rows: IntArray  # rows of movement-level findings
    cond_lik: FloatArray  # [len(cond_rows), C] P(answer | condition)
    move_lik: FloatArray  # [len(move_rows), M] P(answer | movement)
    row_cond_lik: FloatArray  # [K, C] P(answer | condition), 1 for movement-level rows
    row_move_lik: FloatArray  # [K, M] P(answer | movement), 1 for condition-level rows
    warning: BoolArray  # [F] yes/no warning-sign findings that hang on conditions
    warning_rows: tuple[IntArray, IntArray]  # their "present" rows and their "absent" rows
    askable: BoolArray  # [F] False for measurements (a phone's tremor recording), which are never asked


def tables(model: Model) -> Tables:
    """The row arrays for a model (cached: a model is immutable)."""
    cached = _TABLES.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    findings = tuple(model.kb.findings.values())
    rows = tuple((f.id, outcome) for f in findings for outcome in f.values)
    row_finding = np.array([i for i, f in enumerate(findings) for _ in f.values], dtype=np.int64)
    levels = np.array([f.level == "movement" for f in findings])
    warning = np.array([f.group == "warning" and f.level == "condition" and f.type == "boolean" for f in findings])
    warned = [f.id for f, w in zip(findings, warning, strict=True) if w]
    row_index = {row: k for k, row in enumerate(rows)}
    cond_rows = np.flatnonzero(~levels[row_finding])
    move_rows = np.flatnonzero(levels[row_finding])
    cond_lik = np.exp(np.array([model.condition_rows[rows[k]] for k in cond_rows]))
    move_lik = np.exp(np.array([model.movement_rows[rows[k]] for k in move_rows]))
    row_cond_lik = np.ones((len(rows), len(model.condition_ids)))
    row_cond_lik[cond_rows] = cond_lik
    row_move_lik = np.ones((len(rows), len(model.movement_ids)))
    row_move_lik[move_rows] = move_lik
    built = Tables(
        findings=findings,
        finding_index={f.id: i for i, f in enumerate(findings)},
        rows=rows,
        row_index=row_index,
        row_finding=row_finding,
        starts=np.searchsorted(row_finding, np.arange(len(findings))).astype(np.int64),
        cond_rows=cond_rows,
        move_rows=move_rows,
        cond_lik=cond_lik,
        move_lik=move_lik,
        row_cond_lik=row_cond_lik,
        row_move_lik=row_move_lik,
        warning=warning,
        warning_rows=(
            np.array([row_index[(fid, "present")] for fid in warned], dtype=np.int64),
            np.array([row_index[(fid, "absent")] for fid in warned], dtype=np.int64),
        ),
        askable=np.array([f.group != MEASUREMENT_GROUP for f in findings]),
    )
    _TABLES[id(model)] = (model, built)
    return built


@dataclass(frozen=True)
class Lookahead:
    """Everything the question chooser needs, for the current evidence and every possible answer."""

    tables: Tables
    joint: FloatArray  # [C, M] P(c, m | e) now
    conditions: FloatArray  # [C] P(c | e) now
    movements: FloatArray  # [M] P(m | e) now
    predictive: FloatArray  # [K] P(answer | e)
    posterior: FloatArray  # [K, C] P(c | e, answer)
    gain: FloatArray  # [F] expected fall in the entropy of P(condition), in bits
    movement_gain: FloatArray  # [F] the same for P(movement)
    level_now: int
    levels: IntArray  # [K] triage level after each answer
    rule_levels: IntArray  # [K] the red-flag rules' part of it (a rule fires on that answer alone)
    unasked: BoolArray  # [F] askable findings with no answer of any kind yet


def entropy(p: FloatArray) -> FloatArray:
    """Shannon entropy in bits along the last axis."""
    safe = np.where(p > 0, p, 1.0)
    return np.asarray(-(p * np.log2(safe)).sum(axis=-1))


def _rows_given(t: Tables, joint: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Unnormalised P(c, answer | e) [K, C] and P(m, answer | e) [K, M] for every row."""
    pc, pm = joint.sum(axis=1), joint.sum(axis=0)
    by_condition = np.empty((len(t.rows), joint.shape[0]))
    by_movement = np.empty((len(t.rows), joint.shape[1]))
    by_condition[t.cond_rows] = t.cond_lik * pc
    by_movement[t.cond_rows] = t.cond_lik @ joint
    by_condition[t.move_rows] = t.move_lik @ joint.T
    by_movement[t.move_rows] = t.move_lik * pm
    return by_condition, by_movement


def joint_gain(la: Lookahead, members: list[int]) -> tuple[float, float]:
    """Expected fall in the entropies of P(condition) and P(movement), in bits, from several yes/no answers.

    Every combination of answers is enumerated, so the gain is exact (not a sum of single gains).
    """
    t = la.tables
    combos = itertools.product(*(((f, "present"), (f, "absent")) for f in members))
    rows = np.array([[t.row_index[(t.findings[f].id, o)] for f, o in combo] for combo in combos])  # [2^n, n]
    cond_like = t.row_cond_lik[rows].prod(axis=1)  # [2^n, C]
    move_like = t.row_move_lik[rows].prod(axis=1)  # [2^n, M]
    by_condition = cond_like * (move_like @ la.joint.T)
    by_movement = move_like * (cond_like @ la.joint)
    pred = np.maximum(by_condition.sum(axis=1), 1e-300)
    gain = entropy(la.conditions) - float(pred @ entropy(by_condition / pred[:, None]))
    movement_gain = entropy(la.movements) - float(pred @ entropy(by_movement / pred[:, None]))
    return float(gain), float(movement_gain)


def lookahead(model: Model, case: Case) -> Lookahead:
    """Predict every possible next answer: its probability, the posterior and the triage after it."""
    t = tables(model)
    terms = evidence_terms(model, case)
    cond, move = sum_terms(model, terms)
    joint = joint_posterior(model, base_scores(model, case) + cond, move)
    pc, pm = joint.sum(axis=1), joint.sum(axis=0)
    by_condition, by_movement = _rows_given(t, joint)
    predictive = np.maximum(by_condition.sum(axis=1), 1e-300)
    posterior = by_condition / predictive[:, None]
    movement_post = by_movement / predictive[:, None]
    gain = entropy(pc) - np.add.reduceat(predictive * entropy(posterior), t.starts)
    movement_gain = entropy(pm) - np.add.reduceat(predictive * entropy(movement_post), t.starts)

    known = {item.id for item in case.evidence}
    unasked = np.array([f.id not in known and f.applies_to(case.age, case.sex) for f in t.findings]) & t.askable
    # The triage after each answer, computed by the function the assessment uses (answered or
    # inapplicable findings are skipped: no question is asked about them).
    keys = [NO_ANSWER] + [
        (fid, outcome, False) if unasked[t.finding_index[fid]] else NO_ANSWER for fid, outcome in t.rows
    ]
    batch = triage_levels(model, case, keys)
    # Once the person has said where it is, other body parts are asked only if they could change the triage.
    if any(
        item.state == "present" and t.findings[t.finding_index[item.id]].group == "location" for item in case.evidence
    ):
        changes = np.add.reduceat((batch.level[1:] != batch.level[0]).astype(int), t.starts) > 0
        places = np.array([f.group == "location" and f.type == "boolean" for f in t.findings])
        unasked &= ~(places & ~changes)
    return Lookahead(
        tables=t,
        joint=joint,
        conditions=pc,
        movements=pm,
        predictive=predictive,
        posterior=posterior,
        gain=gain,
        movement_gain=movement_gain,
        level_now=int(batch.level[0]),
        levels=batch.level[1:],
        rule_levels=batch.rule[1:],
        unasked=unasked,
    )
