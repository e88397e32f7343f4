"""Assemble an assessment (``engine.result.Assessment``, the CONTRACT.md shape) from the differential and triage."""

from __future__ import annotations

from typing import Any

import numpy as np

from twitchcheck.engine.differential import (
    Differential,
    Term,
    differential,
    likelihood_ratios,
    movement_reasons,
    movements_without_each,
)
from twitchcheck.engine.evidence import Case
from twitchcheck.engine.firstscreen import (
    also_read,
    harmless_probability,
    headline,
    order_safety_net,
    reason_text,
    worries,
)
from twitchcheck.engine.model import FloatArray, Model
from twitchcheck.engine.result import Assessment
from twitchcheck.engine.triage import TriageResult, triage
from twitchcheck.kb.policy_schema import Presentation
from twitchcheck.kb.schema import TRIAGE_ORDER, Advice, Condition


def round_to_sum(probs: FloatArray, decimals: int = 4) -> list[float]:
    """Round probabilities so they still sum to exactly 1 and keep their order (largest remainder)."""
    scale = 10**decimals
    scaled = probs / probs.sum() * scale
    floors = np.floor(scaled)
    shortfall = round(scale - floors.sum())
    floors[np.argsort(floors - scaled, kind="stable")[:shortfall]] += 1
    return list((floors / scale).tolist())


def _display_order(probs: FloatArray, rounded: list[float]) -> list[int]:
    """Highest first by the shown (rounded) probability, ties by the exact one: the list reads sorted."""
    return sorted(range(len(rounded)), key=lambda i: (-rounded[i], -probs[i]))


def describe(model: Model, term: Term, shared: frozenset[str] = frozenset()) -> str:
    """An answer in the person's words ('“for 3 weeks”') or, when it was not typed, in plain words."""
    item = term.item
    return reason_text(item, model.kb.findings[item.id], item.id in shared, model.kb.policy.sentences)


def _shared_spans(case: Case) -> frozenset[str]:
    """Findings read from words an earlier finding was read from ('calf': the place, then 'one place only')."""
    seen: set[str] = set()
    derived: set[str] = set()
    for item in case.evidence:
        if item.text:
            if item.text in seen:
                derived.add(item.id)
            seen.add(item.text)
    return frozenset(derived)


Reason = dict[str, Any]


def _explanations(
    model: Model, diff: Differential, shared: frozenset[str]
) -> tuple[list[list[Reason]], list[list[Reason]]]:
    """For every condition, the answers for it and against it, strongest first (vectorised)."""
    n_cond = len(model.condition_ids)
    shown = model.kb.policy.presentation
    if not diff.terms:
        return [[] for _ in range(n_cond)], [[] for _ in range(n_cond)]
    ratios = likelihood_ratios(model, diff)
    rounded = np.round(ratios, 2)
    base = [{"evidence": t.item.id, "state": t.item.state, "text": describe(model, t, shared)} for t in diff.terms]
    # Python lists index far faster than numpy scalars in the per-condition loop below.
    ratio_cols = ratios.T.tolist()
    rounded_cols = rounded.T.tolist()
    for_cols = np.argsort(-ratios, axis=0, kind="stable")[: shown.max_reasons].T.tolist()
    against_cols = np.argsort(ratios, axis=0, kind="stable")[: shown.max_reasons].T.tolist()
    above, below = shown.explain_ratio, 1 / shown.explain_ratio
    supporting: list[list[Reason]] = []
    opposing: list[list[Reason]] = []
    for ratio, lr, strongest_for, strongest_against in zip(
        ratio_cols, rounded_cols, for_cols, against_cols, strict=True
    ):
        supporting.append([{**base[i], "likelihood_ratio": lr[i]} for i in strongest_for if ratio[i] >= above])
        opposing.append([{**base[i], "likelihood_ratio": lr[i]} for i in strongest_against if ratio[i] <= below])
    return supporting, opposing


def _label(p: float, shown: Presentation) -> str:
    return "likely" if p >= shown.likely else "possible" if p >= shown.possible else "unlikely"


def _conditions(model: Model, diff: Differential, rounded: list[float], shared: frozenset[str]) -> list[dict[str, Any]]:
    supporting, opposing = _explanations(model, diff, shared)
    headers = model.condition_headers
    return [
        {
            **headers[i],
            "probability": rounded[i],
            "label": _label(rounded[i], model.kb.policy.presentation),
            "for": supporting[i],
            "against": opposing[i],
        }
        for i in _display_order(diff.conditions, rounded)
    ]


def _movements(model: Model, diff: Differential, shared: frozenset[str]) -> list[dict[str, Any]]:
    rounded = round_to_sum(diff.movements)
    without = movements_without_each(model, diff)
    out = []
    for index in _display_order(diff.movements, rounded):
        movement = model.kb.movements[model.movement_ids[index]]
        reasons = []
        if diff.movements[index] >= model.kb.policy.presentation.possible:
            reasons = [describe(model, t, shared) for t in movement_reasons(diff, without, int(index))]
        out.append({"id": movement.id, "name": movement.lay_name, "probability": rounded[index], "reasons": reasons})
    return out


def likely_conditions(model: Model, diff: Differential) -> list[Condition]:
    """The causes that advice and tests are given for: the top ones, until enough probability is covered."""
    shown = model.kb.policy.presentation
    limit, cover, possible = shown.advice_causes, shown.advice_cover, shown.possible
    chosen: list[Condition] = []
    total = 0.0
    kb_conditions = list(model.kb.conditions.values())
    for index in np.argsort(-diff.conditions, kind="stable"):
        p = float(diff.conditions[index])
        if len(chosen) >= limit or total >= cover or (chosen and p < possible):
            break
        total += p
        if index != model.other_index:
            chosen.append(kb_conditions[index])
    return chosen


def fitting_conditions(model: Model, diff: Differential, tri: TriageResult) -> list[Condition]:
    """The causes tests and advice are given for: the leading one or two, and the one that sets the triage."""
    chosen = likely_conditions(model, diff)
    risk = tri.risk_condition
    if risk is not None and risk != model.other_index and tri.risk_level == tri.level and tri.level > 0:
        condition = list(model.kb.conditions.values())[risk]
        if condition not in chosen:
            chosen.append(condition)
    return chosen


def _urgent(model: Model, level: int) -> bool:
    """Whether the result is beyond self-care advice (same-day care or an ambulance, by the policy)."""
    return level > TRIAGE_ORDER.index(model.kb.policy.presentation.self_care_up_to)


def _tests(model: Model, conditions: list[Condition], level: int, present: frozenset[str]) -> list[dict[str, str]]:
    """The leading causes' tests, only when the result sends the person to a doctor, checked by ``only_if``.

    With a same-day or emergency result, only the tests of causes that themselves need care that urgently.
    """
    if level < TRIAGE_ORDER.index(model.kb.policy.presentation.tests_from):
        return []
    if _urgent(model, level):
        conditions = [c for c in conditions if _urgent(model, TRIAGE_ORDER.index(c.triage.level))]
    seen: dict[str, dict[str, str]] = {}
    for c in conditions:
        for t in c.tests:
            if t.id not in seen and (not t.only_if or present & set(t.only_if)):
                test = model.kb.tests[t.id]
                seen[t.id] = {"id": t.id, "name": test.name, "why": t.why, "for": c.id}
    return list(seen.values())


def _fitting_advice(
    model: Model, advice_id: str, level: int, present: frozenset[str], active: set[str]
) -> Advice | None:
    """The advice to give for this person (or what to give instead), or None when it does not fit."""
    shown = model.kb.policy.presentation
    a = model.kb.advice[advice_id]
    if present & set(a.avoid_if) or active & set(a.not_with):
        if a.instead is None:
            return None
        a = model.kb.advice[a.instead]
    if _urgent(model, level) and not a.urgent:  # same day or an ambulance: only what to do now
        return None
    if a.kind == "treatment" and level < TRIAGE_ORDER.index(shown.treatments_from):
        return None
    return a


def _advice(
    model: Model, conditions: list[Condition], level: int, present: frozenset[str], active: set[str]
) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for c in conditions:
        for advice_id in c.advice:
            a = _fitting_advice(model, advice_id, level, present, active)
            if a is None:
                continue
            if a.id in seen:
                if c.id not in seen[a.id]["for"]:
                    seen[a.id]["for"].append(c.id)
                continue
            seen[a.id] = {"id": a.id, "text": a.text, "kind": a.kind, "evidence": a.evidence, "for": [c.id]}
    return list(seen.values())


def _safety_net(model: Model, conditions: list[Condition], tri: TriageResult) -> list[str]:
    lines: list[str] = []
    for c in conditions:
        lines += [s for s in c.safety_net if s not in lines]
    generic = model.kb.policy.sentences.generic_safety_net
    if generic not in lines and TRIAGE_ORDER[tri.level] in ("self_care", "routine"):
        lines.append(generic)
    return order_safety_net(model, lines)


def _active(model: Model, diff: Differential, tri: TriageResult) -> set[str]:
    """Causes at a 'possible' chance or more, and the red-flag rules that hold: what advice cautions check."""
    possible = model.kb.policy.presentation.possible
    ids = [cid for cid, p in zip(model.condition_ids, diff.conditions.tolist(), strict=False) if p >= possible]
    return {*ids, *(r.id for r in tri.fired)}


def _mentioned(conditions: list[dict[str, Any]], movements: list[dict[str, Any]], diff: Differential) -> set[str]:
    ids = {r["evidence"] for c in conditions for r in (*c["for"], *c["against"])}
    if any(m["reasons"] for m in movements):
        ids |= {t.item.id for t in diff.terms if t.level == "movement"}
    return ids


def _uncertainty(model: Model, conditions: list[dict[str, Any]], case: Case) -> str:
    shown, sentences = model.kb.policy.presentation, model.kb.policy.sentences
    top = conditions[0]["probability"]
    known = sum(1 for i in case.evidence if i.state != "unknown")
    if known < shown.few_answers:
        return sentences.few_answers
    sentence = sentences.fairly_clear if top >= shown.fairly_clear else sentences.no_clear_cause
    return sentence.format(probability=f"{top:.0%}")


def assess(model: Model, case: Case) -> Assessment:
    """Evidence in, assessment out: movement type, causes, triage, tests, advice and safety net.

    The parts are assembled as plain data and validated into the frozen models in one call (pydantic's
    core does that far faster than building each part as a model).
    """
    diff = differential(model, case)
    tri = triage(model, case, diff)
    shared = _shared_spans(case)
    conditions = _conditions(model, diff, round_to_sum(diff.conditions), shared)
    movements = _movements(model, diff, shared)
    chosen = fitting_conditions(model, diff, tri)
    present = frozenset(i.id for i in case.evidence if i.state == "present")
    level = model.kb.policy.levels[tri.level]
    label, time_frame, reasons = level.label, level.time_frame, tri.reasons
    if tri.level == 0 and not tri.screened:
        qualified = model.kb.policy.unscreened_self_care
        label, time_frame, reasons = qualified.label, qualified.time_frame, [qualified.reason, *reasons]
    safety_net = _safety_net(model, chosen, tri)
    harmless = harmless_probability(model, conditions)
    return Assessment.model_validate(
        {
            "age": case.age if case.age is None or not float(case.age).is_integer() else int(case.age),
            "sex": case.sex,
            "evidence": [item.to_dict() for item in case.evidence],
            "movement": movements,
            "conditions": conditions,
            "triage": {
                "level": level.id,
                "label": label,
                "time_frame": time_frame,
                "clinician": tri.clinician,
                "clinician_name": model.kb.policy.clinicians[tri.clinician],  # type: ignore[index]
                "reasons": reasons,
                "red_flags": [r.id for r in tri.fired],
                "screened": tri.screened,
                "unasked_warning_signs": tri.unasked_warning_signs,
                "fits_harmless_pattern": not tri.poor_fit,
            },
            "tests": _tests(model, chosen, tri.level, present),
            "advice": _advice(model, chosen, tri.level, present, _active(model, diff, tri)),
            "safety_net": safety_net,
            "worries": worries(model, case.worries, conditions, present),
            "uncertainty": _uncertainty(model, conditions, case),
            "disclaimer": model.kb.policy.disclaimer,
            "first_screen": {
                **headline(model, conditions, tri.level, harmless),
                "harmless_probability": harmless,
                "safety_net": safety_net[: model.kb.policy.presentation.safety_net_first],
                "also_read": also_read(model, case.evidence, _mentioned(conditions, movements, diff)),
            },
        }
    )
