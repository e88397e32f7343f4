"""The engine's arithmetic, checked by hand on the tiny knowledge base (see fixtures/tiny_kb/README.md)."""

from __future__ import annotations

import pytest

from twitchcheck.engine import Engine, EvidenceError


def probs(result: dict) -> dict[str, float]:
    return {c["id"]: c["probability"] for c in result["conditions"]}


def test_no_evidence_gives_the_priors(tiny: Engine) -> None:
    """With nothing known, each cause's probability is its prior (other takes the rest)."""
    p = probs(tiny.assess({"evidence": []}).to_json_dict())
    assert p == pytest.approx({"harmless": 0.6, "sleepy": 0.3, "danger": 0.05, "other": 0.05}, abs=1e-4)


def test_weakness_updates_by_bayes_rule(tiny: Engine) -> None:
    """Weakness present multiplies each prior by P(weakness | cause) and renormalises."""
    p = probs(tiny.assess({"evidence": [{"id": "weakness", "state": "present"}]}).to_json_dict())
    total = 0.6 * 0.05 + 0.3 * 0.1 + 0.05 * 0.9 + 0.05 * 0.1
    assert p["danger"] == pytest.approx(0.05 * 0.9 / total, abs=1e-4)
    assert p["harmless"] == pytest.approx(0.6 * 0.05 / total, abs=1e-4)


def test_absent_uses_the_complement(tiny: Engine) -> None:
    """Weakness absent multiplies by 1 - P(weakness | cause)."""
    p = probs(tiny.assess({"evidence": [{"id": "weakness", "state": "absent"}]}).to_json_dict())
    total = 0.6 * 0.95 + 0.3 * 0.9 + 0.05 * 0.1 + 0.05 * 0.9
    assert p["danger"] == pytest.approx(0.05 * 0.1 / total, abs=1e-4)


def test_unknown_answers_change_nothing(tiny: Engine) -> None:
    """An unknown answer leaves the probabilities and triage exactly as they were."""
    base = tiny.assess({"evidence": [{"id": "falling_asleep", "state": "present"}]}).to_json_dict()
    more = tiny.assess(
        {"evidence": [{"id": "falling_asleep", "state": "present"}, {"id": "weakness", "state": "unknown"}]}
    ).to_json_dict()
    assert probs(base) == probs(more)
    assert base["triage"] == more["triage"]


def test_number_answers_fall_into_bins(tiny: Engine) -> None:
    """A duration of 30 days uses the 'long' bin of each cause's table."""
    p = probs(tiny.assess({"evidence": [{"id": "duration_days", "state": "present", "value": 30}]}).to_json_dict())
    total = 0.6 * 0.2 + 0.3 * 0.5 + 0.05 * 0.8 + 0.05 * 0.5
    assert p["sleepy"] == pytest.approx(0.3 * 0.5 / total, abs=1e-4)


def test_movement_comes_from_description_and_causes(tiny: Engine) -> None:
    """A jerk when falling asleep is myoclonus; a flicker is a fasciculation."""
    jerk = tiny.assess(
        {"evidence": [{"id": "jerk", "state": "present"}, {"id": "falling_asleep", "state": "present"}]}
    ).to_json_dict()
    assert jerk["movement"][0]["id"] == "myoclonus"
    assert "Falling asleep: yes" in jerk["movement"][0]["reasons"]
    flicker = tiny.assess({"evidence": [{"id": "flicker", "state": "present"}]}).to_json_dict()
    assert flicker["movement"][0]["id"] == "fasciculation"


def test_explanations_give_likelihood_ratios(tiny: Engine) -> None:
    """For 'danger', weakness present counts for it with LR 0.9/0.1 = 9."""
    result = tiny.assess({"evidence": [{"id": "weakness", "state": "present"}]}).to_json_dict()
    danger = next(c for c in result["conditions"] if c["id"] == "danger")
    assert danger["for"][0]["evidence"] == "weakness"
    assert danger["for"][0]["likelihood_ratio"] == pytest.approx(9.0)
    harmless = next(c for c in result["conditions"] if c["id"] == "harmless")
    assert harmless["against"][0]["likelihood_ratio"] == pytest.approx(0.5)


def test_red_flag_sets_minimum_triage(tiny: Engine) -> None:
    """Weakness fires its rule: see a doctor soon, a neurologist, and the rule is named."""
    triage = tiny.assess({"evidence": [{"id": "weakness", "state": "present"}]}).to_json_dict()["triage"]
    assert (triage["level"], triage["clinician"], triage["red_flags"]) == ("soon", "neurologist", ["rf_weak"])


def test_reassurance_cannot_cancel_a_red_flag(tiny: Engine) -> None:
    """However reassuring the rest, a present warning sign keeps its level."""
    evidence = [
        {"id": "weakness", "state": "present"},
        {"id": "falling_asleep", "state": "present"},
        {"id": "jerk", "state": "present"},
        {"id": "duration_days", "state": "present", "value": 2},
    ]
    assert tiny.assess({"evidence": evidence}).to_json_dict()["triage"]["level"] == "soon"


def test_persistence_escalates_a_harmless_cause(tiny: Engine) -> None:
    """'harmless' becomes routine when it lasts long; with a short duration it stays self-care."""
    long = tiny.assess({"evidence": [{"id": "duration_days", "state": "present", "value": 30}]}).to_json_dict()
    short = tiny.assess({"evidence": [{"id": "duration_days", "state": "present", "value": 3}]}).to_json_dict()
    assert long["triage"]["level"] == "routine"
    assert long["triage"]["reasons"][0] == "lasts long"
    assert short["triage"]["level"] == "self_care"


def test_bad_evidence_reports_every_problem(tiny: Engine) -> None:
    """Unknown ids, bad states and bad values are all reported together, nothing is assessed."""
    with pytest.raises(EvidenceError) as info:
        tiny.assess(
            {
                "age": 300,
                "evidence": [
                    {"id": "nope", "state": "present"},
                    {"id": "weakness", "state": "maybe"},
                    {"id": "duration_days", "state": "present", "value": "long"},
                ],
            }
        ).to_json_dict()
    fields = [d["field"] for d in info.value.details]
    assert fields == ["age", "evidence[0]", "evidence[1]", "evidence[2]"]


def test_last_answer_wins(tiny: Engine) -> None:
    """Two answers about one finding: the later one is used."""
    result = tiny.assess(
        {"evidence": [{"id": "weakness", "state": "present"}, {"id": "weakness", "state": "absent"}]}
    ).to_json_dict()
    assert [e["state"] for e in result["evidence"]] == ["absent"]
