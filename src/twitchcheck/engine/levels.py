"""The triage level of a case, and of the same case after each possible next answer, computed one way.

The assessment asks for the level now; the interview's look-ahead asks for the level after every answer
it might get. Both call :func:`triage_levels`, so the look-ahead can never disagree with the assessment.
A level is the most urgent of three parts:

- **Rules**: the red-flag rules that hold (they look at what is present, and an ``unless`` finding is
  never a warning sign, so a reported warning sign only adds rules).
- **Risk**: the highest level whose causes together reach that level's risk threshold. The reported
  warning signs and unexplained findings (the first ``policy.cautious_readings`` of them, in the order
  they were reported) are read every way (present, absent, unknown) and the most cautious reading is
  kept, so reporting one never lowers the risk part either.
- **Fit**: when no harmless cause explains what was reported (a rare finding none of them produces,
  evidence far likelier under another cause, or much probability outside the knowledge base), the
  level is at least the fit check's level: such a description is never sent home.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from twitchcheck.engine.differential import Term, base_scores, evidence_terms
from twitchcheck.engine.evidence import Case
from twitchcheck.engine.model import FloatArray, Model
from twitchcheck.kb.schema import TRIAGE_ORDER

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
AnswerKey = tuple[str, str, bool]  # (finding id, outcome, negated): a row of model.answers
NO_ANSWER: AnswerKey = ("", "", False)  # "nothing more is said": the level of the case as it is
STEPS = np.arange(1, len(TRIAGE_ORDER))


@dataclass(frozen=True)
class LevelBatch:
    """Levels (indices into TRIAGE_ORDER) after each answer, with their parts."""

    level: IntArray  # [K] the triage level
    rule: IntArray  # [K] the red-flag rules' part
    risk: IntArray  # [K] the risk part (most cautious reading)
    poor_fit: BoolArray  # [K] no harmless cause fits
    risk_probs: FloatArray  # [C] P(condition) in the reading that gave the first answer's risk part
    condition_levels: FloatArray  # [K, C] each condition's level after its escalations
    reported: FloatArray  # [K, C] P(condition) with everything read as reported


def chosen_values(model: Model, case: Case) -> dict[str, str]:
    """Choice and number answers as option or bin ids (for rules that look at duration etc.)."""
    out = {}
    for item in case.evidence:
        finding = model.kb.findings[item.id]
        if item.state != "present" or item.value is None:
            continue
        out[item.id] = finding.bin_for(float(item.value)) if finding.type == "number" else str(item.value)
    return out


def present_findings(case: Case) -> frozenset[str]:
    """The yes/no findings reported present."""
    return frozenset(i.id for i in case.evidence if i.state == "present" and i.value is None)


def rule_level(model: Model, present: frozenset[str], chosen: dict[str, str], case: Case) -> int:
    """The level of the most urgent red-flag rule that holds (0 when none does)."""
    levels = [
        TRIAGE_ORDER.index(rule.level)
        for rule, compiled in zip(model.kb.red_flags, model.red_flag_rules, strict=True)
        if compiled.matches(present, chosen, case.age, case.sex)
    ]
    return max(levels, default=0)


def escalated_levels(model: Model, present: frozenset[str], chosen: dict[str, str], case: Case) -> FloatArray:
    """Each condition's triage level for this person, after its own escalations (e.g. persistence)."""
    levels = model.level_index.copy()
    for index, escalations in model.escalations.items():
        for rule, level, _clinician, _why in escalations:
            if level > levels[index] and rule.matches(present, chosen, case.age, case.sex):
                levels[index] = level
    return levels


def risk_levels(probs: FloatArray, levels: FloatArray, thresholds: FloatArray) -> IntArray:
    """The highest level whose causes reach its threshold, for [N, C] probabilities and [N, C] levels."""
    mass = (probs[:, None, :] * (levels[:, None, :] >= STEPS[None, :, None])).sum(axis=-1)  # [N, L-1]
    reached = mass >= thresholds[STEPS]
    return np.where(reached.any(axis=-1), len(STEPS) - np.argmax(reached[:, ::-1], axis=-1), 0).astype(np.int64)


def _answer_state(model: Model, key: AnswerKey, present: frozenset[str], chosen: dict[str, str]) -> tuple:
    """The present set and chosen values once ``key`` is answered."""
    fid, outcome, negated = key
    if not fid or negated:
        return present, chosen
    if model.kb.findings[fid].type == "boolean":
        return (present | {fid}, chosen) if outcome == "present" else (present, chosen)
    return present, {**chosen, fid: outcome}


def _readings(model: Model, terms: list[Term]) -> list[tuple[FloatArray, FloatArray, FloatArray]]:
    """For each cautious term: its row as reported, as denied, and as unknown (zeros)."""
    out = []
    for t in terms:
        fid, outcome, negated = t.item.id, t.outcome, t.negated
        opposite = (fid, "absent", False) if model.kb.findings[fid].type == "boolean" else (fid, outcome, not negated)
        out.append((t.row, model.answers[opposite].row, np.zeros_like(t.row)))
    return out


def _softmax(scores: FloatArray) -> FloatArray:
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _movement_marginal(model: Model, move: FloatArray) -> FloatArray:
    """Log sum_m P(m | c) exp(move[m]) for [..., M] movement scores: [..., C]."""
    weights = np.exp(move - move.max(axis=-1, keepdims=True))
    return np.log(weights @ model.movement_given_condition.T) + move.max(axis=-1, keepdims=True)


def _rule_parts(model: Model, case: Case, answers: Sequence[AnswerKey]) -> tuple[IntArray, FloatArray]:
    """The rules' level [K] and each condition's escalated level [K, C] after each answer.

    Only the rules and escalations that name an answer's finding can change, so only those are tested again.
    """
    present, chosen = present_findings(case), chosen_values(model, case)
    rule_levels = model.rule_levels
    fired = np.array(
        [compiled.matches(present, chosen, case.age, case.sex) for compiled in model.red_flag_rules], dtype=bool
    )
    levels_now = escalated_levels(model, present, chosen, case)
    rules_now = int(rule_levels[fired].max(initial=0))
    out_rule = np.full(len(answers), rules_now, dtype=np.int64)
    out_levels = np.broadcast_to(levels_now, (len(answers), len(levels_now))).copy()
    for k, key in enumerate(answers):
        fid = key[0]
        touched_rules = model.rules_by_finding.get(fid, ())
        touched_conditions = model.escalations_by_finding.get(fid, ())
        if not fid or not (touched_rules or touched_conditions):
            continue
        p_k, c_k = _answer_state(model, key, present, chosen)
        if touched_rules:
            still = fired.copy()
            for i in touched_rules:
                still[i] = model.red_flag_rules[i].matches(p_k, c_k, case.age, case.sex)
            out_rule[k] = int(rule_levels[still].max(initial=0))
        for index in touched_conditions:
            level = model.level_index[index]
            for rule, esc_level, _clinician, _why in model.escalations[index]:
                if esc_level > level and rule.matches(p_k, c_k, case.age, case.sex):
                    level = esc_level
            out_levels[k, index] = level
    return out_rule, out_levels


def _answer_rows(model: Model, answers: Sequence[AnswerKey]) -> tuple[FloatArray, FloatArray]:
    """Each answer's log-likelihood row over conditions [K, C] and over movement types [K, M] (zeros elsewhere)."""
    rows_c = np.zeros((len(answers), len(model.condition_ids)))
    rows_m = np.zeros((len(answers), len(model.movement_ids)))
    for k, key in enumerate(answers):
        answer = model.answers.get(key)
        if answer is not None:
            (rows_c if answer.level == "condition" else rows_m)[k] = answer.row
    return rows_c, rows_m


def triage_levels(model: Model, case: Case, answers: Sequence[AnswerKey] = (NO_ANSWER,)) -> LevelBatch:
    """The triage level after each answer in ``answers`` (by default: of the case as it is)."""
    policy = model.kb.policy
    thresholds = np.array([lv.risk_threshold for lv in policy.levels])
    terms = evidence_terms(model, case)
    keys = [(t.item.id, t.outcome, t.negated) for t in terms]
    cautious = [t for t, k in zip(terms, keys, strict=True) if t.level == "condition" and k in model.cautious_keys]
    cautious = cautious[: policy.cautious_readings]
    n_cond = len(model.condition_ids)
    prior = base_scores(model, case)
    likelihood_now = sum((t.row for t in terms if t.level == "condition"), np.zeros(n_cond))
    fixed = prior + likelihood_now - sum((t.row for t in cautious), np.zeros(n_cond))
    move = sum((t.row for t in terms if t.level == "movement"), np.zeros(len(model.movement_ids)))
    readings = np.array(
        [fixed + np.sum(combo, axis=0) for combo in itertools.product(*_readings(model, cautious))]
        if cautious
        else [fixed]
    )  # [V, C]

    rule, levels = _rule_parts(model, case, answers)
    rows_c, rows_m = _answer_rows(model, answers)
    marginal = _movement_marginal(model, move[None, :] + rows_m)  # [K, C]
    probs = _softmax(readings[:, None, :] + rows_c[None] + marginal[None])  # [V, K, C]
    risks = _risks(probs, levels, thresholds)  # [V, K]
    risk = risks.max(axis=0)
    first_probs = probs[int(np.argmax(risks[:, 0])), 0]
    # A new cautious answer (while there is room) is read every way too: as reported (above), denied, unknown.
    new = [
        k
        for k, key in enumerate(answers)
        if key in model.cautious_keys and len(cautious) < policy.cautious_readings and key in model.answers
    ]
    if new:
        denied = np.array([model.answers[_denied(model, answers[k])].row for k in new])  # [N, C]
        unknown = np.broadcast_to(readings[:, None, :], (len(readings), len(new), n_cond))
        more_probs = _softmax(np.concatenate([readings[:, None, :] + denied[None], unknown]) + marginal[new][None])
        more_risks = _risks(more_probs, levels[new], thresholds)  # [2V, N]
        if new[0] == 0 and more_risks[:, 0].max() > risk[0]:
            first_probs = more_probs[int(np.argmax(more_risks[:, 0])), 0]
        risk[new] = np.maximum(risk[new], more_risks.max(axis=0))
    reported = _softmax(prior + likelihood_now + rows_c + marginal)
    unexplained = any(k in model.unexplained_keys for k in keys) | np.array(
        [key in model.unexplained_keys for key in answers]
    )
    poor_fit = _poor_fit(model, likelihood_now + rows_c + marginal, reported, unexplained)
    fit_level = TRIAGE_ORDER.index(policy.fit.level)
    level = np.maximum(np.maximum(rule, risk), np.where(poor_fit, fit_level, 0))
    return LevelBatch(level, rule, risk, poor_fit, first_probs, levels, reported)


def _denied(model: Model, key: AnswerKey) -> AnswerKey:
    """The opposite answer: "absent" for a yes/no finding, "not this option" for a choice."""
    fid, outcome, negated = key
    return (fid, "absent", False) if model.kb.findings[fid].type == "boolean" else (fid, outcome, not negated)


def _risks(probs: FloatArray, levels: FloatArray, thresholds: FloatArray) -> IntArray:
    """risk_levels for [V, K, C] probabilities with [K, C] levels: [V, K].

    Most answers leave every condition's level as it is, so one product covers them; the few that
    change a level (through an escalation) are done again with their own levels.
    """
    n_var, n_rows, n_cond = probs.shape
    common = levels[0]
    mass = probs.reshape(-1, n_cond) @ (common[:, None] >= STEPS[None, :]).astype(float)  # [V*K, L-1]
    mass = mass.reshape(n_var, n_rows, -1)
    for k in np.flatnonzero((levels != common).any(axis=1)):
        mass[:, k] = probs[:, k] @ (levels[k][:, None] >= STEPS[None, :]).astype(float)
    reached = mass >= thresholds[STEPS]
    top = np.where(reached.any(axis=-1), len(STEPS) - np.argmax(reached[..., ::-1], axis=-1), 0)
    return np.asarray(top, dtype=np.int64)


def _poor_fit(model: Model, likelihood: FloatArray, reported: FloatArray, unexplained: BoolArray) -> BoolArray:
    """[K] whether no harmless cause explains the evidence, from [K, C] log-likelihoods and posteriors."""
    fit = model.kb.policy.fit
    best_harmless = likelihood[:, model.harmless].max(axis=1)
    best_other = likelihood[:, ~model.harmless].max(axis=1)
    far_likelier = best_other - best_harmless >= np.log(fit.likelihood_ratio)
    return np.asarray(unexplained | (reported[:, model.other_index] >= fit.other_mass) | far_likelier)
