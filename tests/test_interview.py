"""The adaptive interview: question order, grouping, stopping and the simulation loop."""

from __future__ import annotations

import math
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from twitchcheck.engine import Case, Engine
from twitchcheck.engine.differential import differential
from twitchcheck.engine.evidence import EvidenceItem
from twitchcheck.engine.interview import (
    MAX_QUESTIONS,
    answer_items,
    interview_step,
    next_question,
    plan,
    questions_asked,
    should_stop,
    with_answers,
)
from twitchcheck.engine.lookahead import joint_gain, lookahead
from twitchcheck.engine.questions import representative_value
from twitchcheck.engine.triage import triage
from twitchcheck.evaluation.interview import play_vignette, simulate_interview
from twitchcheck.evaluation.vignettes import load_vignettes
from twitchcheck.kb.schema import TRIAGE_ORDER

ROOT = Path(__file__).parent.parent


def case_of(engine: Engine, evidence: list[dict[str, Any]], **extra: Any) -> Case:
    return engine.case({"evidence": evidence, **extra})


def item(fid: str, state: str = "present", value: Any = None) -> EvidenceItem:
    return EvidenceItem(fid, state, value)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def dev_vignettes() -> dict[str, Any]:
    return {v.id: v for v in load_vignettes(ROOT / "vignettes" / "dev.yaml")}


def test_warning_signs_are_asked_first_in_a_few_groups(engine: Engine) -> None:
    """From a bare complaint, the first questions are groups that together cover every applicable warning sign."""
    case = case_of(engine, [{"id": "brief_flicker"}, {"id": "loc_calf"}], age=30)
    warnings = {f.id for f in engine.kb.findings.values() if f.group == "warning" and f.applies_to(30, None)}
    asked: set[str] = set()
    for _ in range(3):
        question = next_question(engine.model, case)
        assert question is not None and question.type == "group" and question.id == "warning_signs"
        assert {o["id"] for o in question.options or ()} == set(question.findings)
        asked |= set(question.findings)
        case = with_answers(case, [EvidenceItem(f, "absent", source="asked") for f in question.findings])
        if asked >= warnings:
            break
    assert asked == warnings
    assert "child_regression" not in asked  # asked only about small children


def test_single_warning_sign_on_the_tiny_kb_comes_first(tiny: Engine) -> None:
    """On the tiny knowledge base the only warning sign (weakness) is the first question, as yes/no."""
    question = next_question(tiny.model, case_of(tiny, []))
    assert question is not None and (question.id, question.type) == ("weakness", "yes_no")
    assert not should_stop(tiny.model, case_of(tiny, []), asked=0)


def test_answered_warning_signs_are_not_asked_again(engine: Engine) -> None:
    """Once the warning signs are answered (even "don't know"), the group does not come back."""
    warnings = [f.id for f in engine.kb.findings.values() if f.group == "warning"]
    evidence = [{"id": "brief_flicker"}, *({"id": w, "state": "unknown"} for w in warnings)]
    question = next_question(engine.model, case_of(engine, evidence))
    assert question is not None and not set(question.findings) & set(warnings)


def test_never_asks_a_known_finding(tiny: Engine) -> None:
    """Every finding but one answered (one as unknown): the next question is about the remaining one."""
    evidence = [
        {"id": "weakness", "state": "absent"},
        {"id": "falling_asleep", "state": "unknown"},
        {"id": "duration_days", "state": "present", "value": 3},
        {"id": "flicker", "state": "absent"},
    ]
    question = next_question(tiny.model, case_of(tiny, evidence))
    assert question is not None and question.findings == ("jerk",)
    everything = [*evidence, {"id": "jerk", "state": "unknown"}]
    assert next_question(tiny.model, case_of(tiny, everything)) is None
    assert should_stop(tiny.model, case_of(tiny, everything))


def test_simulated_interviews_never_repeat_a_finding(engine: Engine, dev_vignettes: dict[str, Any]) -> None:
    """Across whole simulated interviews no finding is asked twice or asked after it was given."""
    for vignette_id in ("dev002", "dev040", "dev087", "dev121"):
        run = play_vignette(engine.model, dev_vignettes[vignette_id])
        initial = {e["id"] for e in dev_vignettes[vignette_id].evidence}
        asked = [fid for q in run.questions for fid in q.findings]
        assert len(asked) == len(set(asked))
        complaint = {i.id for i in run.case.evidence if i.source != "asked"}
        assert not complaint & set(asked) and complaint <= initial


def test_every_question_has_a_rationale_naming_causes(tiny: Engine, engine: Engine) -> None:
    """Questions explain themselves; an information question names the causes it separates by lay name."""
    question = next_question(tiny.model, case_of(tiny, [{"id": "weakness", "state": "absent"}]))
    assert question is not None
    assert "harmless" in question.rationale and "sleepy" in question.rationale
    case = case_of(engine, [{"id": "rhythmic_shaking"}, {"id": "loc_hand"}])
    run = simulate_interview(engine.model, [], case)
    assert run.questions and all(q.rationale.strip() for q in run.questions)
    lay = [c.lay_name.lower() for c in engine.kb.conditions.values()]
    informative = [q for q in run.questions if q.id not in ("warning_signs", "triage_checks")]
    assert any(any(name in q.rationale.lower() for name in lay) for q in informative)


def test_choice_and_number_questions_carry_options(tiny: Engine, engine: Engine) -> None:
    """Number findings are asked over their bins, each with a value inside the bin; choices over options."""
    evidence = [{"id": "weakness", "state": "absent"}, {"id": "falling_asleep", "state": "absent"}]
    evidence += [{"id": "flicker", "state": "present"}, {"id": "jerk", "state": "absent"}]
    question = next_question(tiny.model, case_of(tiny, evidence))
    assert question is not None and (question.id, question.type) == ("duration_days", "single")
    finding = tiny.kb.findings["duration_days"]
    assert [o["id"] for o in question.options or ()] == ["short", "long"]
    assert all(finding.bin_for(o["value"]) == o["id"] for o in question.options or ())
    assert all(o["label"] for o in question.options or ())
    for fid in ("duration_days", "caffeine_mg_per_day"):
        f = engine.kb.findings[fid]
        assert all(f.bin_for(representative_value(f, b.id)) == b.id for b in f.bins)
    assert representative_value(engine.kb.findings["duration_days"], "under_2_weeks") == 7


def test_answers_become_evidence_items(tiny: Engine) -> None:
    """A chosen option carries its value; group members left out are absent; unknown stays unknown."""
    case = case_of(tiny, [{"id": "weakness", "state": "absent"}, {"id": "falling_asleep", "state": "absent"}])
    case = with_answers(case, [item("flicker"), item("jerk", "absent")])
    question = next_question(tiny.model, case)
    assert question is not None and question.id == "duration_days"
    [long] = answer_items(question, "long")
    assert (long.state, long.source, tiny.kb.findings["duration_days"].bin_for(float(long.value or 0))) == (
        "present",
        "asked",
        "long",
    )
    assert answer_items(question, "unknown")[0].state == "unknown"
    with pytest.raises(ValueError, match="no option"):
        answer_items(question, "forever")


def test_should_stop_when_triage_is_settled_and_the_top_cause_clear(tiny: Engine) -> None:
    """Weakness ruled out, jerks on falling asleep: no answer left changes triage and sleepy is clear."""
    evidence = [
        {"id": "weakness", "state": "absent"},
        {"id": "falling_asleep", "state": "present"},
        {"id": "jerk", "state": "present"},
    ]
    case = case_of(tiny, evidence)
    chosen = plan(tiny.model, case, asked=3)
    la = chosen.lookahead
    assert la.conditions.max() >= 0.6
    unasked_rows = la.unasked[la.tables.row_finding]
    assert not ((la.levels != la.level_now) & unasked_rows & (la.predictive >= 0.02)).any()
    assert chosen.should_stop and "clear" in chosen.reason


def test_does_not_stop_while_an_answer_could_change_triage(tiny: Engine) -> None:
    """With duration unknown for likely harmless twitching, a long duration would raise triage: keep asking."""
    case = case_of(tiny, [{"id": "weakness", "state": "absent"}, {"id": "flicker"}])
    chosen = plan(tiny.model, case, asked=2)
    assert not chosen.should_stop and "triage" in chosen.reason


def test_stops_at_the_question_limit(engine: Engine) -> None:
    """should_stop is true at MAX_QUESTIONS whatever else holds, and the simulation obeys a lower limit."""
    case = case_of(engine, [{"id": "brief_flicker"}])
    assert not should_stop(engine.model, case, asked=0)
    assert should_stop(engine.model, case, asked=MAX_QUESTIONS)
    run = simulate_interview(engine.model, [], case, max_questions=3)
    assert len(run.questions) == 3 and "limit" in run.stop_reason


def test_a_warning_sign_found_in_the_interview_sets_the_triage(engine: Engine, tiny: Engine) -> None:
    """Fever and confusion, not in the complaint, are found by the interview and give an emergency."""
    truth = [item("jerk_moves_limb"), item("loc_arm"), item("fever"), item("confusion")]
    initial = case_of(engine, [{"id": "jerk_moves_limb"}, {"id": "loc_arm"}], age=40)
    run = simulate_interview(engine.model, truth, initial)
    assert run.questions[0].id == "warning_signs"
    assert run.assessment.to_json_dict()["triage"]["level"] == "emergency"
    assert "rf_encephalitis" in run.assessment.to_json_dict()["triage"]["red_flags"]
    tiny_run = simulate_interview(tiny.model, [item("weakness")], case_of(tiny, []))
    assert tiny_run.question_ids[0] == "weakness" and tiny_run.assessment.triage.level == "soon"


def test_lookahead_predicts_the_engine_triage_after_each_answer(engine: Engine) -> None:
    """For every possible next answer, the lookahead's triage level equals the engine's triage."""
    model = engine.model
    cases = [
        case_of(engine, [{"id": "brief_flicker"}, {"id": "loc_calf"}], age=35),
        case_of(engine, [{"id": "jerk_moves_limb"}, {"id": "fever"}, {"id": "med_ssri"}], age=50, sex="female"),
        case_of(engine, [{"id": "rhythmic_shaking"}, {"id": "weakness"}, {"id": "duration_days", "value": 40}]),
    ]
    for case in cases:
        la = lookahead(model, case)
        assert la.level_now == triage(model, case, differential(model, case)).level
        for k, (fid, outcome) in enumerate(la.tables.rows):
            if not la.unasked[la.tables.finding_index[fid]]:
                continue
            finding = engine.kb.findings[fid]
            if finding.type == "boolean":
                answer = item(fid, outcome)
            elif finding.type == "number":
                answer = item(fid, "present", representative_value(finding, outcome))
            else:
                answer = item(fid, "present", outcome)
            after = with_answers(case, [answer])
            assert la.levels[k] == triage(model, after, differential(model, after)).level, (fid, outcome)


def test_predictive_probabilities_and_gain_follow_bayes(tiny: Engine) -> None:
    """P(answer | e) sums to 1 per finding, and the information gain equals the hand-computed one."""
    case = case_of(tiny, [{"id": "weakness", "state": "absent"}])
    la = lookahead(tiny.model, case)
    sums = np.add.reduceat(la.predictive, la.tables.starts)
    assert np.allclose(sums, 1.0)

    def entropy(p: list[float]) -> float:
        return -sum(x * math.log2(x) for x in p if x > 0)

    def posterior(extra: list[dict[str, Any]]) -> list[float]:
        result = tiny.assess({"evidence": [{"id": "weakness", "state": "absent"}, *extra]}).to_json_dict()
        return [c["probability"] for c in result["conditions"]]

    prior = posterior([])
    order = [c["id"] for c in tiny.assess(case).to_json_dict()["conditions"]]
    likelihood = {"danger": 0.1, "harmless": 0.1, "sleepy": 0.9, "other": 0.1}
    p_yes = sum(p * likelihood[c] for p, c in zip(prior, order, strict=True))
    expected = entropy(prior) - (
        p_yes * entropy(posterior([{"id": "falling_asleep"}]))
        + (1 - p_yes) * entropy(posterior([{"id": "falling_asleep", "state": "absent"}]))
    )
    f = la.tables.finding_index["falling_asleep"]
    assert la.gain[f] == pytest.approx(expected, abs=2e-3)
    assert joint_gain(la, [f]) == pytest.approx((la.gain[f], la.movement_gain[f]), abs=1e-9)


def test_joint_gain_of_a_checklist_is_at_least_its_best_member(engine: Engine) -> None:
    """Asking several findings together is worth at least the best of them, and at most their sum."""
    la = lookahead(engine.model, case_of(engine, [{"id": "rhythmic_shaking"}, {"id": "loc_hand"}]))
    members = [la.tables.finding_index[f] for f in ("med_ssri", "med_lithium", "med_beta_agonist")]
    gain, _ = joint_gain(la, members)
    assert max(la.gain[members]) - 1e-9 <= gain <= la.gain[members].sum() + 1e-9


def test_simulation_loop_on_a_structured_vignette(engine: Engine, dev_vignettes: dict[str, Any]) -> None:
    """A hypnic-jerk vignette played from its complaint ends at the right cause and triage, briefly."""
    vignette = dev_vignettes["dev007"]
    run = play_vignette(engine.model, vignette)
    assert 1 <= len(run.questions) <= 12
    assert run.assessment.to_json_dict()["conditions"][0]["id"] == "hypnic_jerk"
    assert run.assessment.to_json_dict()["triage"]["level"] == vignette.expected.triage
    asked = {i.id: i for i in run.case.evidence if i.source == "asked"}
    assert asked["falling_asleep"].state == "present"
    assert questions_asked(engine.model, run.case) == len(run.questions)


def test_api_step_has_the_contract_shape(engine: Engine) -> None:
    """interview_step gives {"question": {id, text, type, options?, rationale}, "should_stop", "assessment"}."""
    step = interview_step(engine.model, case_of(engine, [{"id": "brief_flicker"}]))
    out = step.to_dict()
    assert set(out) == {"question", "should_stop", "assessment"}
    assert {"id", "text", "type", "rationale"} <= set(out["question"]) <= {"id", "text", "type", "options", "rationale"}
    assert out["question"]["type"] in ("yes_no", "single", "group")
    assert out["should_stop"] is False and out["assessment"]["conditions"]


def test_next_question_is_fast(engine: Engine, dev_vignettes: dict[str, Any]) -> None:
    """next_question on a mid-interview case takes a few milliseconds (the target is a 5 ms median)."""
    run = play_vignette(engine.model, dev_vignettes["dev017"])
    half = {fid for q in run.questions[: len(run.questions) // 2] for fid in q.findings}
    case = Case(tuple(i for i in run.case.evidence if i.source != "asked" or i.id in half), run.case.age, None)
    next_question(engine.model, case)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        next_question(engine.model, case)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.025  # generous: shared test machines are noisy


def test_triage_levels_are_known(engine: Engine) -> None:
    """The lookahead's levels are valid indexes into the triage order."""
    la = lookahead(engine.model, case_of(engine, [{"id": "painful_tightening"}]))
    assert 0 <= la.level_now < len(TRIAGE_ORDER)
    assert ((la.levels >= 0) & (la.levels < len(TRIAGE_ORDER))).all()
