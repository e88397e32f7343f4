"""One-step lookahead for the interview: what each possible answer to each finding would do.

For every (finding, answer) row of the knowledge base this computes, in a few array operations,
the predictive probability of the answer, P(answer | evidence) = sum_c P(c | e) P(answer | c)
(movement-level findings through P(m | e)), the posterior over conditions and movement types
after that answer, and the triage level the engine would give after it. The triage level is
worked out the way engine.triage does it: red-flag rules, each condition's escalations, and the
cautious risk level over every reading of the reported warning signs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from twitchcheck.engine.differential import Term, base_scores, evidence_terms, joint_posterior, sum_terms
from twitchcheck.engine.evidence import Case
from twitchcheck.engine.model import CompiledRule, FloatArray, Model
from twitchcheck.engine.triage import MAX_VARIANT_FLAGS, chosen_values, condition_levels
from twitchcheck.kb.schema import MEASUREMENT_GROUP, TRIAGE_ORDER, Finding

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
# Each reported warning sign triples the readings the cautious triage looks at (present, absent,
# unknown). The lookahead follows the first three exactly (27 readings, about a millisecond);
# with more warning signs reported the rules alone already put triage at "soon" or above.
LOOKAHEAD_VARIANT_FLAGS = 3
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
    thresholds: FloatArray  # [levels] risk threshold of each triage level
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
        thresholds=np.array([lv.risk_threshold for lv in model.kb.policy.levels]),
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


def risk_levels(probs: FloatArray, levels: FloatArray, thresholds: FloatArray) -> IntArray:
    """Vectorised triage.risk_level: [N, C] probabilities and [N, C] (or [C]) levels to [N] levels."""
    steps = np.arange(1, len(TRIAGE_ORDER))
    if levels.ndim == 1:
        mass = probs @ (levels[:, None] >= steps[None, :])  # [N, L-1]
    else:
        mass = (probs[:, None, :] * (levels[:, None, :] >= steps[None, :, None])).sum(axis=-1)
    reached = mass >= thresholds[steps]
    # The highest level reached, or 0 (self care) when none is.
    return np.where(reached.any(axis=-1), len(steps) - np.argmax(reached[:, ::-1], axis=-1), 0).astype(np.int64)


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


def _age_sex_ok(rule: CompiledRule, case: Case) -> bool:
    if rule.age_min is not None and (case.age is None or case.age < rule.age_min):
        return False
    if rule.age_max is not None and (case.age is None or case.age > rule.age_max):
        return False
    return rule.sex is None or rule.sex == case.sex


def single_triggers(
    rule: CompiledRule, case: Case, present: frozenset[str], chosen: dict[str, str]
) -> list[tuple[str, str]]:
    """The (finding, outcome) answers that would each, on their own, make a rule hold that does not yet."""
    if not _age_sex_ok(rule, case):
        return []
    missing = rule.all - present
    any_ok = not rule.any or bool(rule.any & present)
    unmet = [(fid, opts) for fid, opts in rule.values if chosen.get(fid) not in opts]
    if len(missing) + (not any_ok) + len(unmet) != 1:
        return []
    if missing:
        return [(next(iter(missing)), "present")]
    if not any_ok:
        return [(fid, "present") for fid in rule.any]
    fid, opts = unmet[0]
    return [(fid, option) for option in opts]


def _rule_levels(
    model: Model, t: Tables, case: Case, present: frozenset[str], chosen: dict[str, str]
) -> tuple[int, IntArray]:
    """The red-flag level now, and the level after each row's answer."""
    now = 0
    after = np.zeros(len(t.rows), dtype=np.int64)
    for rule, compiled in zip(model.kb.red_flags, model.red_flag_rules, strict=True):
        level = TRIAGE_ORDER.index(rule.level)
        if compiled.matches(present, chosen, case.age, case.sex):
            now = max(now, level)
            continue
        for key in single_triggers(compiled, case, present, chosen):
            if (k := t.row_index.get(key)) is not None:
                after[k] = max(after[k], level)
    return now, np.maximum(after, now)


def _condition_levels(
    model: Model, t: Tables, case: Case, present: frozenset[str], chosen: dict[str, str]
) -> tuple[FloatArray, FloatArray]:
    """Each condition's level now [C], and after each row's answer [K, C] (escalations included)."""
    now, _ = condition_levels(model, case, present, chosen)
    after = np.broadcast_to(now, (len(t.rows), len(now))).copy()
    for index, escalations in model.escalations.items():
        for rule, level, _clinician, _why in escalations:
            if rule.matches(present, chosen, case.age, case.sex):
                continue
            for key in single_triggers(rule, case, present, chosen):
                if (k := t.row_index.get(key)) is not None:
                    after[k, index] = max(after[k, index], level)
    return now, after


def _variant_joints(model: Model, case: Case, terms: list[Term], joint: FloatArray) -> list[FloatArray]:
    """P(c, m | e) for every reading of the reported warning signs (as engine.triage reads them)."""
    warnings = [
        t
        for t in terms
        if t.item.state == "present" and t.level == "condition" and model.kb.findings[t.item.id].group == "warning"
    ][:LOOKAHEAD_VARIANT_FLAGS]
    if not warnings:
        return [joint]
    flagged = {id(t) for t in warnings}
    cond, move = sum_terms(model, [t for t in terms if id(t) not in flagged])
    base = base_scores(model, case) + cond
    zero = np.zeros_like(base)
    options = [
        (model.condition_rows[(t.item.id, "present")], model.condition_rows[(t.item.id, "absent")], zero)
        for t in warnings
    ]
    return [joint_posterior(model, base + np.sum(combo, axis=0), move) for combo in itertools.product(*options)]


def _present_warning_count(model: Model, terms: list[Term]) -> int:
    return sum(
        1
        for t in terms
        if t.item.state == "present" and t.level == "condition" and model.kb.findings[t.item.id].group == "warning"
    )


def _risk(
    model: Model,
    t: Tables,
    case: Case,
    *,
    terms: list[Term],
    joint: FloatArray,
    posterior: FloatArray,
    levels: tuple[FloatArray, FloatArray],
) -> tuple[int, IntArray]:
    """The cautious risk level now, and after each row's answer (every reading of the warning signs)."""
    levels_now, levels_after = levels
    variants = np.stack(_variant_joints(model, case, terms, joint))  # [V, C, M]
    v_pc = variants.sum(axis=2)
    if len(variants) == 1:
        v_post = posterior[None]
    else:
        v_rows = np.empty((len(variants), len(t.rows), joint.shape[0]))
        v_rows[:, t.cond_rows] = t.cond_lik[None] * v_pc[:, None, :]
        v_rows[:, t.move_rows] = t.move_lik @ variants.transpose(0, 2, 1)
        v_post = v_rows / np.maximum(v_rows.sum(axis=2, keepdims=True), 1e-300)
    n_var, n_rows = v_post.shape[:2]
    risk = risk_levels(v_post.reshape(n_var * n_rows, -1), levels_now, t.thresholds).reshape(n_var, n_rows)
    changed = np.flatnonzero((levels_after != levels_now).any(axis=1))
    if len(changed):
        redo = v_post[:, changed].reshape(n_var * len(changed), -1)
        risk[:, changed] = risk_levels(redo, np.tile(levels_after[changed], (n_var, 1)), t.thresholds).reshape(
            n_var, -1
        )
    risk_after = risk.max(axis=0)
    # A newly reported warning sign is read cautiously too: as present, absent or unknown.
    if _present_warning_count(model, terms) < MAX_VARIANT_FLAGS:
        present_rows, absent_rows = t.warning_rows
        shadow = np.tile(levels_after[present_rows], (n_var, 1))
        as_absent = v_post[:, absent_rows].reshape(n_var * len(absent_rows), -1)
        as_unknown = np.repeat(v_pc, len(absent_rows), axis=0)
        cautious = np.maximum(
            risk_levels(as_absent, shadow, t.thresholds), risk_levels(as_unknown, shadow, t.thresholds)
        )
        risk_after[present_rows] = np.maximum(risk_after[present_rows], cautious.reshape(n_var, -1).max(axis=0))
    return int(risk_levels(v_pc, levels_now, t.thresholds).max()), risk_after


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

    present = frozenset(i.id for i in case.evidence if i.state == "present" and i.value is None)
    chosen = chosen_values(model, case)
    rule_now, rule_after = _rule_levels(model, t, case, present, chosen)
    levels = _condition_levels(model, t, case, present, chosen)
    risk_now, risk_after = _risk(model, t, case, terms=terms, joint=joint, posterior=posterior, levels=levels)
    known = {item.id for item in case.evidence}
    return Lookahead(
        tables=t,
        joint=joint,
        conditions=pc,
        movements=pm,
        predictive=predictive,
        posterior=posterior,
        gain=gain,
        movement_gain=movement_gain,
        level_now=max(rule_now, risk_now),
        levels=np.maximum(rule_after, risk_after),
        rule_levels=rule_after,
        unasked=np.array([f.id not in known for f in t.findings]) & t.askable,
    )
