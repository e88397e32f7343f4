"""The engine's differential equals exact inference on the same network in pgmpy."""

from __future__ import annotations

import pytest

from twitchcheck.engine import Engine
from twitchcheck.evaluation.pgmpy_reference import reference_differential

CASES = [
    {"evidence": []},
    {
        "age": 70,
        "sex": "male",
        "evidence": [{"id": "weakness", "state": "present"}, {"id": "flicker", "state": "present"}],
    },
    {
        "age": 8,
        "evidence": [
            {"id": "jerk", "state": "present"},
            {"id": "falling_asleep", "state": "absent"},
            {"id": "duration_days", "state": "present", "value": 60},
        ],
    },
]


@pytest.mark.parametrize("raw", CASES)
def test_tiny_kb_matches_pgmpy(tiny: Engine, raw: dict) -> None:
    """On the tiny knowledge base, P(condition | evidence) agrees with pgmpy to 1e-9."""
    case = tiny.case(raw)
    ours = {c["id"]: c for c in tiny.assess(case).to_json_dict()["conditions"]}
    theirs = reference_differential(tiny.model, case)
    for cid, p in theirs.items():
        assert ours[cid]["probability"] == pytest.approx(p, abs=1e-4)


def test_shipped_kb_matches_pgmpy(engine: Engine) -> None:
    """On the shipped knowledge base, a rich case gives the same differential as pgmpy."""
    from twitchcheck.engine.differential import differential

    raw = {
        "age": 45,
        "sex": "female",
        "evidence": [
            {"id": "loc_calf", "state": "present"},
            {"id": "brief_flicker", "state": "present"},
            {"id": "weakness", "state": "absent"},
            {"id": "caffeine_mg_per_day", "state": "present", "value": 500},
            {"id": "frequency", "state": "present", "value": "daily"},
            {"id": "stress_anxiety", "state": "present"},
        ],
    }
    case = engine.case(raw)
    ours = differential(engine.model, case).conditions
    theirs = reference_differential(engine.model, case)
    for index, cid in enumerate(engine.model.condition_ids):
        assert ours[index] == pytest.approx(theirs[cid], abs=1e-9)
