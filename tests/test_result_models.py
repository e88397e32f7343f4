"""The typed assessment: its JSON keeps the contract's shape, key order and types, and round-trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twitchcheck.engine import Assessment
from twitchcheck.evaluation.vignettes import load_vignettes
from twitchcheck.service import assess, assess_raw

DEV = Path(__file__).parent.parent / "vignettes" / "dev.yaml"
CONTRACT_KEYS = ["age", "sex", "evidence", "movement", "conditions", "triage", "tests", "advice", "safety_net"]


@pytest.fixture(scope="module")
def assessments() -> list[Assessment]:
    vignettes = load_vignettes(DEV)
    return [assess_raw(v.case()) for v in vignettes] + [assess(v.text, age=v.age, sex=v.sex) for v in vignettes[:40]]


def test_json_round_trips_byte_for_byte(assessments: list[Assessment]) -> None:
    """Reading an assessment's JSON back into the model and writing it again gives the same bytes."""
    for a in assessments:
        text = json.dumps(a.to_json_dict())
        assert json.dumps(Assessment.model_validate_json(text).to_json_dict()) == text


def test_json_has_the_contract_keys_in_order(assessments: list[Assessment]) -> None:
    """Top-level keys come in the contract's order; 'for' is spelled 'for'; absent optional parts are left out."""
    for a in assessments:
        data = a.to_json_dict()
        assert [k for k in data if k in CONTRACT_KEYS] == CONTRACT_KEYS
        assert {"level", "time_frame", "clinician", "reasons", "red_flags", "screened"} <= set(data["triage"])
        assert all({"for", "against"} <= set(c) and "for_" not in c for c in data["conditions"])
        assert all("value" in e or e.get("value", 0) is not None for e in data["evidence"])
        other = next(c for c in data["conditions"] if c["id"] == "other")
        assert "seriousness" not in other
        assert all(None not in (e.get("value", 0), e.get("text", "")) for e in data["evidence"])


def test_whole_numbers_stay_whole(assessments: list[Assessment]) -> None:
    """An age of 30 is written 30, not 30.0, and a count answer keeps its type."""
    ages = [a.to_json_dict()["age"] for a in assessments if a.age is not None]
    assert any(isinstance(x, int) for x in ages)
    assert all(isinstance(x, int) or not float(x).is_integer() for x in ages)


def test_the_model_is_frozen(assessments: list[Assessment]) -> None:
    """An assessment cannot be changed after the engine made it."""
    with pytest.raises(ValueError, match="frozen"):
        assessments[0].triage.level = "emergency"  # type: ignore[misc]
