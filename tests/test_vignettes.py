"""The development vignettes: the engine meets the issue's targets on structured evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchcheck.engine import Engine
from twitchcheck.evaluation.metrics import Outcome, by_triage_level, outcome, summarise
from twitchcheck.evaluation.vignettes import load_vignettes
from twitchcheck.kb.schema import TRIAGE_ORDER

DEV = Path(__file__).parent.parent / "vignettes" / "dev.yaml"


@pytest.fixture(scope="module")
def outcomes(engine: Engine) -> list[Outcome]:
    return [outcome(v, engine.assess(v.case())) for v in load_vignettes(DEV)]


def test_the_set_covers_every_condition_and_triage_level(engine: Engine) -> None:
    """At least 80 vignettes, every condition as an expected cause, every triage level expected."""
    vignettes = load_vignettes(DEV)
    assert len(vignettes) >= 80
    assert {v.expected.condition for v in vignettes} == set(engine.kb.conditions)
    assert {v.expected.triage for v in vignettes} == set(TRIAGE_ORDER)


def test_headline_targets(outcomes: list[Outcome]) -> None:
    """Top-3 >= 90 %, triage exact >= 80 %, movement type >= 88 %, and no emergency missed."""
    s = summarise(outcomes)
    assert s.top3 >= 0.90
    assert s.triage_exact >= 0.80
    assert s.movement >= 0.88
    assert s.emergencies_missed == 0


def test_triage_is_rarely_outside_the_acceptable_range(outcomes: list[Outcome]) -> None:
    """At least 90 % of triage levels fall within each vignette's acceptable range."""
    assert summarise(outcomes).triage_in_range >= 0.90


def test_every_emergency_goes_to_same_day_care(outcomes: list[Outcome]) -> None:
    """Each emergency vignette is sent to urgent or emergency care."""
    missed = [
        o.vignette_id for o in outcomes if o.expected_triage == "emergency" and o.triage not in ("urgent", "emergency")
    ]
    assert missed == []


def test_harmless_cases_are_not_sent_to_a_doctor_in_a_hurry(outcomes: list[Outcome]) -> None:
    """Expected self-care cases are mostly self-care, and never sent for urgent or emergency care."""
    self_care = by_triage_level(outcomes)["self_care"]
    assert self_care.triage_exact >= 0.85
    assert not [o for o in outcomes if o.expected_triage == "self_care" and o.triage in ("urgent", "emergency")]


def test_als_is_not_first_for_twitching_without_weakness(engine: Engine) -> None:
    """No vignette without weakness, wasting or bulbar symptoms has ALS as the leading cause."""
    wrongly_first = []
    for v in load_vignettes(DEV):
        present = {e["id"] for e in v.evidence if e["state"] == "present"}
        if present & {"weakness", "muscle_wasting", "swallowing_difficulty", "speech_difficulty"}:
            continue
        if engine.assess(v.case()).to_json_dict()["conditions"][0]["id"] == "als":
            wrongly_first.append(v.id)
    assert wrongly_first == []


def test_from_the_lay_text_alone(engine: Engine) -> None:
    """Read from the lay text only, the vignettes still keep every emergency and most causes."""
    from twitchcheck.service import assess

    results = [outcome(v, assess(v.text, age=v.age, sex=v.sex)) for v in load_vignettes(DEV)]
    s = summarise(results)
    assert s.emergencies_missed == 0
    assert s.top3 >= 0.85
    assert s.triage_safe >= 0.80
