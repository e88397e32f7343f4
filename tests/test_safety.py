"""Issue 9's safety guarantees on the shipped knowledge base: rules, fit check, screen, one triage function."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from twitchcheck.engine.evidence import Case, EvidenceItem, parse_case
from twitchcheck.engine.interview import plan, with_answers
from twitchcheck.engine.levels import triage_levels
from twitchcheck.engine.lookahead import lookahead
from twitchcheck.kb.schema import TRIAGE_ORDER, RedFlagRule
from twitchcheck.service import default_engine

ENGINE = default_engine()
MODEL = ENGINE.model
FINDINGS = sorted(ENGINE.kb.findings.values(), key=lambda f: f.id)
CAP = ENGINE.kb.policy.cautious_readings
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def level_of(raw: dict[str, Any]) -> int:
    return TRIAGE_ORDER.index(ENGINE.assess(raw).to_json_dict()["triage"]["level"])


def minimal_evidence(rule: RedFlagRule) -> dict[str, Any]:
    """The least a person could report for a rule to hold."""
    w = rule.when
    ids = [*w.all, *w.any[:1], *w.and_any[:1]]
    evidence: list[dict[str, Any]] = [{"id": fid, "state": "present"} for fid in dict.fromkeys(ids)]
    for fid, options in w.values.items():
        finding = ENGINE.kb.findings[fid]
        value: Any = options[0]
        if finding.type == "number":
            bins = [b for b in finding.bins if b.id == options[0]]
            value = (bins[0].max or 10_000) - 0.5
        evidence.append({"id": fid, "state": "present", "value": value})
    return {"age": w.age_min or w.age_max or 40, "sex": w.sex, "evidence": evidence}


@pytest.mark.parametrize("rule", ENGINE.kb.red_flags, ids=lambda r: r.id)
def test_every_red_flag_rule_sets_at_least_its_level(rule: RedFlagRule) -> None:
    """Reporting just what a rule names gives a triage at least as urgent as the rule's level."""
    assert level_of(minimal_evidence(rule)) >= TRIAGE_ORDER.index(rule.level)


def test_a_seizure_is_an_emergency_unless_epilepsy_is_known() -> None:
    """A first seizure means calling an ambulance; in known epilepsy it means telling the team within days."""
    first = level_of({"evidence": [{"id": "seizure", "state": "present"}]})
    known = level_of(
        {"evidence": [{"id": "seizure", "state": "present"}, {"id": "known_epilepsy", "state": "present"}]}
    )
    assert TRIAGE_ORDER[first] == "emergency"
    assert TRIAGE_ORDER[known] == "soon"


def test_feeling_weak_and_losing_function_are_told_apart() -> None:
    """Feeling weak alone is a routine GP visit (NHS); being unable to do what one could is 'soon'."""
    calf = [{"id": "loc_calf", "state": "present"}, {"id": "brief_flicker", "state": "present"}]
    feels = level_of({"age": 30, "evidence": [*calf, {"id": "weakness", "state": "present"}]})
    lost = level_of({"age": 30, "evidence": [*calf, {"id": "loss_of_function", "state": "present"}]})
    assert (TRIAGE_ORDER[feels], TRIAGE_ORDER[lost]) == ("routine", "soon")


def test_weakness_spreading_over_days_goes_to_same_day_care() -> None:
    """Weakness getting worse day by day (Guillain-Barré) is urgent; with trouble swallowing, an emergency."""
    fast = [{"id": "weakness", "state": "present"}, {"id": "course", "state": "present", "value": "worse_fast"}]
    assert TRIAGE_ORDER[level_of({"evidence": fast})] == "urgent"
    bulbar = [*fast, {"id": "swallowing_difficulty", "state": "present"}]
    assert TRIAGE_ORDER[level_of({"evidence": bulbar})] == "emergency"


def unexplained_symptom() -> str:
    """A rare yes/no symptom that no harmless cause produces and no rule names on its own."""
    ruled = {fid for r in ENGINE.kb.red_flags for fid in [*r.when.all, *r.when.any, *r.when.and_any]}
    return next(
        fid
        for fid, outcome, _ in sorted(MODEL.unexplained_keys)
        if outcome == "present" and ENGINE.kb.findings[fid].group == "symptom" and fid not in ruled
    )


def test_a_finding_no_harmless_cause_explains_is_never_sent_home() -> None:
    """A short calf twitch is self-care; with a rare symptom no harmless cause produces it is not, and says why."""
    calf = {
        "age": 30,
        "evidence": [
            {"id": "loc_calf", "state": "present"},
            {"id": "brief_flicker", "state": "present"},
            {"id": "duration_days", "state": "present", "value": 3},
        ],
    }
    assert ENGINE.assess(calf).to_json_dict()["triage"]["level"] == "self_care"
    fid = unexplained_symptom()
    result = ENGINE.assess({**calf, "evidence": [*calf["evidence"], {"id": fid, "state": "present"}]}).to_json_dict()
    assert result["triage"]["level"] != "self_care"
    assert result["triage"]["fits_harmless_pattern"] is False
    assert any("harmless pattern" in reason for reason in result["triage"]["reasons"])


def test_unscreened_self_care_says_so_and_lists_the_unasked_warning_signs() -> None:
    """Before the warning signs are answered, self-care is qualified; once all are answered it is not."""
    calf = [{"id": "loc_calf", "state": "present"}, {"id": "duration_days", "state": "present", "value": 3}]
    first = ENGINE.assess({"age": 30, "evidence": calf}).to_json_dict()["triage"]
    assert first["level"] == "self_care" and first["screened"] is False
    assert {"loss_of_function", "breathing_difficulty", "seizure"} <= set(first["unasked_warning_signs"])
    assert "if none of the warning signs apply" in first["label"]
    denied = [{"id": fid, "state": "absent"} for fid in first["unasked_warning_signs"]]
    dont_know = [{"id": first["unasked_warning_signs"][0], "state": "unknown"}]
    half = ENGINE.assess({"age": 30, "evidence": [*calf, *denied[1:], *dont_know]}).to_json_dict()["triage"]
    assert half["screened"] is False and half["unasked_warning_signs"] == first["unasked_warning_signs"][:1]
    done = ENGINE.assess({"age": 30, "evidence": [*calf, *denied]}).to_json_dict()["triage"]
    assert done["screened"] is True and done["unasked_warning_signs"] == []
    assert done["label"] == ENGINE.kb.policy.levels[0].label


@st.composite
def answer(draw: st.DrawFn) -> dict[str, Any]:
    f = draw(st.sampled_from(FINDINGS))
    state = draw(st.sampled_from(["present", "absent", "unknown"]))
    item: dict[str, Any] = {"id": f.id, "state": state}
    if f.type == "choice" and state != "unknown":
        item["value"] = draw(st.sampled_from(f.values))
    elif f.type == "number" and state != "unknown":
        item["value"] = draw(st.integers(min_value=0, max_value=2000))
    return item


cases = st.fixed_dictionaries(
    {
        "age": st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
        "sex": st.sampled_from([None, "female", "male"]),
        "evidence": st.lists(answer(), max_size=10),
    }
)


def cautious_count(evidence: list[dict[str, Any]]) -> int:
    case = parse_case({"evidence": evidence}, ENGINE.kb.findings)
    return sum(
        1 for i in case.evidence if (i.id, i.state if i.value is None else str(i.value), False) in MODEL.cautious_keys
    )


@SETTINGS
@given(cases, st.sampled_from(sorted(k for k in MODEL.unexplained_keys)))
def test_a_poorly_explained_finding_never_lowers_triage(raw: dict[str, Any], key: tuple[str, str, bool]) -> None:
    """Adding a finding that no harmless cause explains never gives a less urgent triage."""
    fid, outcome, _ = key
    others = [e for e in raw["evidence"] if e["id"] != fid]
    assume(cautious_count(others) < CAP)
    finding = ENGINE.kb.findings[fid]
    added = {"id": fid, "state": "present"} | ({} if finding.type == "boolean" else {"value": outcome})
    assert level_of({**raw, "evidence": [*others, added]}) >= level_of({**raw, "evidence": others})


@SETTINGS
@given(cases, st.data())
def test_the_lookahead_level_equals_the_assessment_after_that_answer(raw: dict[str, Any], data: st.DataObject) -> None:
    """For any case and any unasked answer, the look-ahead's level is the level the assessment then gives."""
    case = parse_case(raw, ENGINE.kb.findings)
    la = lookahead(MODEL, case)
    t = la.tables
    rows = [k for k in range(len(t.rows)) if la.unasked[t.row_finding[k]]]
    assume(rows)
    k = data.draw(st.sampled_from(rows))
    fid, outcome = t.rows[k]
    finding = ENGINE.kb.findings[fid]
    if finding.type == "boolean":
        item = EvidenceItem(fid, outcome)  # type: ignore[arg-type]
    elif finding.type == "choice":
        item = EvidenceItem(fid, "present", outcome)
    else:
        item = EvidenceItem(fid, "present", next(b.max or 99_999 for b in finding.bins if b.id == outcome))
    after = with_answers(case, [item])
    assert int(la.levels[k]) == int(triage_levels(MODEL, after).level[0])
    assert TRIAGE_ORDER.index(ENGINE.assess(after).to_json_dict()["triage"]["level"]) == int(la.levels[k])


SAME_DAY_RULES = [r for r in ENGINE.kb.red_flags if r.level in ("urgent", "emergency")]


@SETTINGS
@given(cases, st.sampled_from(SAME_DAY_RULES))
def test_an_emergency_ends_the_interview_and_urgent_asks_at_most_three_more(
    raw: dict[str, Any], rule: RedFlagRule
) -> None:
    """At an emergency the interview stops at once; from an urgent level it asks at most 3 more questions."""
    minimal = minimal_evidence(rule)
    named = {e["id"] for e in minimal["evidence"]}
    evidence = [*(e for e in raw["evidence"] if e["id"] not in named), *minimal["evidence"]]
    case = parse_case({**raw, "age": minimal["age"], "evidence": evidence}, ENGINE.kb.findings)
    level = int(triage_levels(MODEL, case).level[0])
    assume(level >= TRIAGE_ORDER.index("urgent"))
    step = plan(MODEL, case, asked=0)
    if level == TRIAGE_ORDER.index("emergency"):
        assert step.should_stop and step.question is None
        return
    asked = 0
    while not step.should_stop and step.question is not None:
        asked += 1
        assert asked <= 3
        answers = [EvidenceItem(f, "absent", source="asked") for f in step.question.findings]
        if step.question.type == "single" and step.question.options:
            answers = [EvidenceItem(step.question.findings[0], "present", step.question.options[-1]["value"])]
        case = with_answers(case, answers)
        step = plan(MODEL, case, asked=asked)


def test_applies_to_keeps_child_and_pregnancy_questions_to_whom_they_concern() -> None:
    """The lost-skills question is for small children, the pregnancy one for women of child-bearing age."""
    regression, pregnancy = ENGINE.kb.findings["child_regression"], ENGINE.kb.findings["pregnancy"]
    assert (
        regression.applies_to(2, None)
        and not regression.applies_to(30, "male")
        and not regression.applies_to(None, None)
    )
    assert (
        pregnancy.applies_to(30, "female")
        and not pregnancy.applies_to(30, "male")
        and not pregnancy.applies_to(70, "female")
    )
    la = lookahead(MODEL, Case((EvidenceItem("loc_calf", "present"),), 40.0, "male"))
    assert not la.unasked[la.tables.finding_index["pregnancy"]]
