"""The frozen independent sets keep the safety and accuracy reached for issue 9 (regression floors).

These sets were run blind once (vignettes/independent/README.md) and then used to find general gaps in the
reader and the knowledge base, so they are no longer blind; vignettes/holdout/ is the honest estimate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchcheck.evaluation.metrics import Outcome, by_red_flag, outcome, summarise
from twitchcheck.evaluation.vignettes import load_vignettes
from twitchcheck.service import assess

FOLDER = Path(__file__).parent.parent / "vignettes" / "independent"


def run(name: str) -> list[Outcome]:
    return [outcome(v, assess(v.text, age=v.age, sex=v.sex)) for v in load_vignettes(FOLDER / name)]


@pytest.fixture(scope="module")
def probes() -> list[Outcome]:
    return run("red_flags.yaml")


@pytest.fixture(scope="module")
def general() -> list[Outcome]:
    return run("general.yaml")


def test_no_emergency_probe_is_sent_below_same_day_care(probes: list[Outcome]) -> None:
    """Every emergency probe goes to urgent or emergency care, and at most 1 same-day probe is under-triaged."""
    s = summarise(probes)
    assert s.emergencies_missed == 0
    assert s.same_day_under <= 1


def test_look_alike_probes_are_not_over_triaged(probes: list[Outcome]) -> None:
    """The probes that only look alarming stay within their acceptable range."""
    looks = [o for o in probes if (o.red_flag or "").startswith("not_flag")]
    assert looks and all(o.in_range for o in looks)


def test_every_red_flag_presentation_is_caught_at_least_once(probes: list[Outcome]) -> None:
    """Each red-flag presentation has at least one of its two phrasings triaged safely."""
    assert all(r.safe >= 1 for r in by_red_flag(probes))


def test_general_set_floors(general: list[Outcome]) -> None:
    """On the 180 general cases: top-3 >= 80 %, in range >= 90 %, over range <= 6 %, no emergency missed."""
    s = summarise(general)
    assert s.top3 >= 0.80
    assert s.triage_in_range >= 0.90
    assert s.over_range / s.n <= 0.06
    assert s.emergencies_missed == 0
