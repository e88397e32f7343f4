"""Safe triage: the level from engine.levels, and everything that explains it.

The level is the most urgent of the red-flag rules that hold, the risk the differential implies (read
cautiously) and the fit check (engine.levels explains each part). This module adds what a person reads:
which rules fired, which cause carries the risk, why a description does not fit a harmless pattern,
whom to see, and whether the warning-sign screen is complete.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twitchcheck.engine.differential import Differential
from twitchcheck.engine.evidence import Case
from twitchcheck.engine.levels import NO_ANSWER, chosen_values, present_findings, triage_levels
from twitchcheck.engine.model import Model
from twitchcheck.kb.schema import TRIAGE_ORDER, RedFlagRule


@dataclass(frozen=True)
class TriageResult:
    """The chosen level and everything that explains it."""

    level: int  # index into TRIAGE_ORDER
    clinician: str
    reasons: list[str]
    fired: list[RedFlagRule]
    risk_level: int
    risk_condition: int | None
    poor_fit: bool
    unasked_warning_signs: list[str]

    @property
    def screened(self) -> bool:
        """True when every warning sign that could change this triage has an answer."""
        return not self.unasked_warning_signs


def fired_rules(model: Model, case: Case) -> list[RedFlagRule]:
    """Red-flag rules whose conditions hold, most urgent first."""
    present, chosen = present_findings(case), chosen_values(model, case)
    fired = [
        rule
        for rule, compiled in zip(model.kb.red_flags, model.red_flag_rules, strict=True)
        if compiled.matches(present, chosen, case.age, case.sex)
    ]
    fired.sort(key=lambda r: -TRIAGE_ORDER.index(r.level))
    return fired


def _screen_candidates(model: Model, case: Case) -> list[str]:
    """Warning signs not yet answered ("don't know" counts as unanswered) that apply to this person."""
    answered = {i.id for i in case.evidence if i.state != "unknown"}
    return [
        f.id
        for f in model.kb.findings.values()
        if f.group == "warning" and f.type == "boolean" and f.id not in answered and f.applies_to(case.age, case.sex)
    ]


def triage(model: Model, case: Case, diff: Differential) -> TriageResult:
    """Decide the triage level, clinician and reasons for a case, and which warning signs are still unasked."""
    candidates = _screen_candidates(model, case)
    batch = triage_levels(model, case, [NO_ANSWER, *((fid, "present", False) for fid in candidates)])
    level, rule_level, risk = int(batch.level[0]), int(batch.rule[0]), int(batch.risk[0])
    # Unasked: those whose "yes" would raise the triage (the screen is complete when none is left).
    unasked = [fid for fid, after in zip(candidates, batch.level[1:], strict=True) if after > level]
    poor_fit = bool(batch.poor_fit[0])
    fired = fired_rules(model, case)
    escalation_why = _escalation_reasons(model, case)
    risk_condition = _risk_condition(model, batch.risk_probs, batch.condition_levels[0], risk)
    reasons = [r.reason for r in fired]
    if risk > rule_level and risk_condition is not None:
        clinician = _clinician_for(model, risk_condition, escalation_why)
        reasons.insert(0, _risk_reason(model, risk_condition, diff, escalation_why))
    elif fired:
        clinician = fired[0].clinician
    else:
        clinician = _clinician_for(model, int(diff.conditions.argmax()), escalation_why)
    if poor_fit and level == TRIAGE_ORDER.index(model.kb.policy.fit.level) and level > max(rule_level, risk):
        reasons.insert(0, _fit_reason(model, case))
        clinician = "gp"
    if level == 0:
        reasons.append(model.kb.policy.sentences.harmless)
    return TriageResult(level, clinician, reasons, fired, risk, risk_condition, poor_fit, unasked)


def _risk_condition(model: Model, probs: np.ndarray, levels: np.ndarray, risk: int) -> int | None:
    """The cause carrying most of the risk at the risk level (None below routine)."""
    if risk == 0:
        return None
    masked = np.where(levels >= risk, probs, -1.0)
    return int(masked.argmax())


def _escalation_reasons(model: Model, case: Case) -> dict[int, tuple[str, str]]:
    """For conditions escalated by a pattern in this case: (clinician, why)."""
    present, chosen = present_findings(case), chosen_values(model, case)
    why: dict[int, tuple[str, str]] = {}
    for index, escalations in model.escalations.items():
        best = int(model.level_index[index])
        for rule, level, clinician, reason in escalations:
            if level > best and rule.matches(present, chosen, case.age, case.sex):
                best, why[index] = level, (clinician, reason)
    return why


def _fit_reason(model: Model, case: Case) -> str:
    """Why the description does not fit a harmless pattern, naming the findings no harmless cause explains."""
    names = [
        model.kb.findings[i.id].name.lower()
        for i in case.evidence
        if (i.id, i.state if i.value is None else str(i.value), False) in model.unexplained_keys
    ]
    sentences = model.kb.policy.sentences
    if names:
        return sentences.poor_fit_named.format(findings=", ".join(dict.fromkeys(names)))
    return sentences.poor_fit


def _clinician_for(model: Model, index: int, escalation_why: dict[int, tuple[str, str]]) -> str:
    if index in escalation_why:
        return escalation_why[index][0]
    if index == model.other_index:
        return "gp"
    return list(model.kb.conditions.values())[index].triage.clinician


def _risk_reason(model: Model, index: int, diff: Differential, escalation_why: dict[int, tuple[str, str]]) -> str:
    if index in escalation_why:
        return escalation_why[index][1]
    sentences = model.kb.policy.sentences
    if index == model.other_index:
        return sentences.cause_outside
    condition = list(model.kb.conditions.values())[index]
    probability = f"{diff.conditions[index]:.0%}"
    return sentences.cause_possible.format(cause=condition.lay_name, probability=probability, why=condition.triage.why)
