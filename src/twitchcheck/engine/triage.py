"""Safe triage: the most urgent of the fired red-flag rules and the risk the differential implies.

Two guarantees hold by construction:
- A red-flag rule looks only at findings that are present, so reporting a warning sign can only
  add rules, never remove them; and no reassuring answer can cancel a fired rule.
- The risk part is computed for every reading of the reported warning signs (present, absent or
  unknown) and the most cautious is kept, so a present warning sign never lowers the risk level
  either, even when it makes a serious cause less likely than another.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from twitchcheck.engine.differential import Differential, Term, joint_posterior, sum_terms
from twitchcheck.engine.evidence import Case
from twitchcheck.engine.model import FloatArray, Model
from twitchcheck.kb.schema import TRIAGE_ORDER, RedFlagRule

MAX_VARIANT_FLAGS = 6  # 3**6 = 729 readings at most; beyond this the extra flags stay as reported


@dataclass(frozen=True)
class TriageResult:
    """The chosen level and everything that explains it."""

    level: int  # index into TRIAGE_ORDER
    clinician: str
    reasons: list[str]
    fired: list[RedFlagRule]
    risk_level: int
    risk_condition: int | None


def chosen_values(model: Model, case: Case) -> dict[str, str]:
    """Choice and number answers as option or bin ids (for rules that look at duration etc.)."""
    out = {}
    for item in case.evidence:
        finding = model.kb.findings[item.id]
        if item.state != "present" or item.value is None:
            continue
        out[item.id] = finding.bin_for(float(item.value)) if finding.type == "number" else str(item.value)
    return out


def fired_rules(model: Model, case: Case, present: frozenset[str], chosen: dict[str, str]) -> list[RedFlagRule]:
    """Red-flag rules whose conditions hold, most urgent first."""
    fired = [
        rule
        for rule, compiled in zip(model.kb.red_flags, model.red_flag_rules, strict=True)
        if compiled.matches(present, chosen, case.age, case.sex)
    ]
    fired.sort(key=lambda r: -TRIAGE_ORDER.index(r.level))
    return fired


def condition_levels(
    model: Model, case: Case, present: frozenset[str], chosen: dict[str, str]
) -> tuple[FloatArray, dict[int, tuple[str, str]]]:
    """Each condition's triage level for this person, after its own escalations (e.g. persistence)."""
    levels = model.level_index.copy()
    why: dict[int, tuple[str, str]] = {}
    for index, escalations in model.escalations.items():
        for rule, level, clinician, reason in escalations:
            if level > levels[index] and rule.matches(present, chosen, case.age, case.sex):
                levels[index] = level
                why[index] = (clinician, reason)
    return levels, why


def risk_level(model: Model, probs: FloatArray, levels: FloatArray) -> tuple[int, int | None]:
    """The highest level whose causes together reach that level's risk threshold."""
    thresholds = [lv.risk_threshold for lv in model.kb.policy.levels]
    for level in range(len(TRIAGE_ORDER) - 1, 0, -1):
        mask = levels >= level
        if probs[mask].sum() >= thresholds[level]:
            masked = np.where(mask, probs, -1.0)
            return level, int(masked.argmax())
    return 0, None


def _cautious_probabilities(model: Model, diff: Differential, warnings: list[Term]) -> FloatArray:
    """[V, C] posteriors for every reading of the reported warning signs."""
    if not warnings:
        return diff.conditions[None, :]
    warnings = warnings[:MAX_VARIANT_FLAGS]
    rest = [t for t in diff.terms if t not in warnings]
    cond, move = sum_terms(model, rest)
    options = []
    for t in warnings:
        present_row = model.condition_rows[(t.item.id, "present")]
        absent_row = model.condition_rows[(t.item.id, "absent")]
        options.append((present_row, absent_row, np.zeros_like(present_row)))
    out = []
    for combo in itertools.product(*options):
        joint = joint_posterior(model, diff.base + cond + np.sum(combo, axis=0), move)
        out.append(joint.sum(axis=1))
    return np.array(out)


def triage(model: Model, case: Case, diff: Differential) -> TriageResult:
    """Decide the triage level, clinician and reasons for a case."""
    present = frozenset(i.id for i in case.evidence if i.state == "present" and i.value is None)
    chosen = chosen_values(model, case)
    fired = fired_rules(model, case, present, chosen)
    levels, escalation_why = condition_levels(model, case, present, chosen)
    warnings = [
        t
        for t in diff.terms
        if t.item.state == "present" and t.level == "condition" and model.kb.findings[t.item.id].group == "warning"
    ]
    risk, risk_condition = 0, None
    for probs in _cautious_probabilities(model, diff, warnings):
        level, contributor = risk_level(model, probs, levels)
        if level > risk or (risk_condition is None and contributor is not None and level == risk):
            risk, risk_condition = level, contributor
    rule_level = TRIAGE_ORDER.index(fired[0].level) if fired else 0
    reasons = [r.reason for r in fired]
    if risk > rule_level and risk_condition is not None:
        level, clinician = risk, _clinician_for(model, risk_condition, escalation_why)
        reasons.insert(0, _risk_reason(model, risk_condition, diff, escalation_why))
    elif fired:
        level, clinician = rule_level, fired[0].clinician
    else:
        level, clinician = 0, _clinician_for(model, int(diff.conditions.argmax()), escalation_why)
        reasons.append("Nothing you reported is a warning sign, and the likely causes are harmless.")
    return TriageResult(level, clinician, reasons, fired, risk, risk_condition)


def _clinician_for(model: Model, index: int, escalation_why: dict[int, tuple[str, str]]) -> str:
    if index in escalation_why:
        return escalation_why[index][0]
    if index == model.other_index:
        return "gp"
    return list(model.kb.conditions.values())[index].triage.clinician


def _risk_reason(model: Model, index: int, diff: Differential, escalation_why: dict[int, tuple[str, str]]) -> str:
    if index in escalation_why:
        return escalation_why[index][1]
    if index == model.other_index:
        return "A cause outside what twitchcheck knows is possible, so a doctor should take a look."
    condition = list(model.kb.conditions.values())[index]
    return f"{condition.lay_name} is possible ({diff.conditions[index]:.0%}). {condition.triage.why}"
