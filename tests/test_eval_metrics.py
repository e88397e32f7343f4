"""The evaluation's metrics: text-only sets, same-day under-triage, over-range and red-flag recall."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from twitchcheck.cli import app
from twitchcheck.evaluation.metrics import Outcome, by_red_flag, summarise
from twitchcheck.evaluation.vignettes import Vignette


def _outcome(expected: str, got: str, high: str, red_flag: str | None = None) -> Outcome:
    return Outcome("v", "als", ["als"], "fasciculation", "fasciculation", expected, got, expected, high, (), red_flag)


def test_same_day_under_triage_counts_urgent_and_emergency_cases_sent_lower() -> None:
    """Expected urgent/emergency cases given any less urgent level count as same-day under-triage."""
    s = summarise(
        [
            _outcome("urgent", "soon", "emergency"),
            _outcome("emergency", "urgent", "emergency"),
            _outcome("urgent", "emergency", "emergency"),
            _outcome("soon", "routine", "urgent"),
        ]
    )
    assert (s.same_day, s.same_day_under) == (3, 2)
    assert s.emergencies_missed == 0


def test_over_range_is_above_the_most_urgent_acceptable_level() -> None:
    """A level above the vignette's acceptable range counts as over range; within it does not."""
    s = summarise([_outcome("self_care", "soon", "routine"), _outcome("self_care", "routine", "routine")])
    assert s.over_range == 1


def test_red_flag_recall_groups_probes_by_presentation() -> None:
    """Recall per red flag is the share of its probes triaged at the expected level or above."""
    recalls = by_red_flag(
        [
            _outcome("urgent", "urgent", "emergency", "gbs"),
            _outcome("urgent", "routine", "emergency", "gbs"),
            _outcome("emergency", "emergency", "emergency", "tetanus"),
            _outcome("routine", "routine", "routine"),
        ]
    )
    assert [(r.red_flag, r.n, r.safe) for r in recalls] == [("gbs", 2, 1), ("tetanus", 1, 1)]
    assert recalls[0].recall == 0.5


def test_text_only_vignettes_load_but_have_no_structured_case() -> None:
    """A vignette without evidence is valid, and asking for its structured case says why it cannot."""
    v = Vignette.model_validate(
        {
            "id": "x1",
            "title": "t",
            "basis": "b",
            "text": "my calf twitches",
            "expected": {
                "condition": "benign_fasciculation",
                "movement": "fasciculation",
                "triage": "self_care",
                "triage_range": ["self_care", "routine"],
            },
        }
    )
    with pytest.raises(ValueError, match="text only"):
        v.case()


def test_eval_refuses_text_only_sets_without_text_flag(tmp_path: Path) -> None:
    """`eval` on a text-only set without --text exits non-zero with a one-line reason."""
    path = tmp_path / "set.yaml"
    path.write_text(
        "- id: x1\n  title: t\n  basis: b\n  text: my calf twitches\n  expected: {condition: benign_fasciculation, "
        "movement: fasciculation, triage: self_care, triage_range: [self_care, routine]}\n",
        encoding="utf-8",
    )
    done = CliRunner().invoke(app, ["eval", str(path), "--json"])
    assert done.exit_code != 0
    assert json.loads(done.stdout)["error"]["code"] == "text_only_vignettes"
