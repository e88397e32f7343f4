"""Trends and triggers in plain words: rough multiples, how sure, and thin data said to be thin."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from twitchcheck.diary import analysis, frames, plain, report, synthetic


@pytest.mark.parametrize(
    ("ratio", "words"),
    [
        (2.1, "about twice as many"),
        (3.0, "about three times as many"),
        (1.0, "about as many"),
        (0.5, "about half as many"),
        (0.32, "about a third as many"),
        (0.7, "somewhat fewer"),
    ],
)
def test_ratio_as_a_rough_multiple(ratio: float, words: str) -> None:
    """A rate ratio reads as a rough multiple a person understands."""
    assert plain.multiple(ratio) == words


def test_the_issues_fall_is_not_called_stable() -> None:
    """A 79 % fall with an interval of 0.025-1.8 reads 'fewer lately, but too few entries to be sure'."""
    trend = {"status": "ok", "rate_ratio_per_30_days": 0.213, "ci95": [0.025, 1.796], "direction": "stable"}
    assert plain.trend_sentence(trend) == "Fewer lately, but too few entries to be sure."


@pytest.mark.parametrize(
    ("trend", "expected"),
    [
        (None, "Too few entries to tell whether it is changing."),
        ({"status": "not_enough_data"}, "Too few entries to tell whether it is changing."),
        ({"status": "ok", "rate_ratio_per_30_days": 1.1, "ci95": [0.3, 4.0]}, "Too few entries to tell"),
        ({"status": "ok", "rate_ratio_per_30_days": 0.95, "ci95": [0.8, 1.1]}, "no clear change"),
        ({"status": "ok", "rate_ratio_per_30_days": 0.5, "ci95": [0.3, 0.8]}, "Fewer lately: "),
        ({"status": "ok", "rate_ratio_per_30_days": 2.0, "ci95": [1.2, 3.0]}, "More lately: "),
        ({"status": "ok", "rate_ratio_per_30_days": 2.0, "ci95": [0.6, 6.0]}, "More lately, but too few"),
    ],
)
def test_trend_sentences(trend: dict[str, Any] | None, expected: str) -> None:
    """Each kind of trend gets its sentence; only a narrow interval around no change says 'no clear change'."""
    sentence = plain.trend_sentence(trend)
    assert expected in sentence and "stable" not in sentence


def test_trigger_sentence_says_could_be_chance() -> None:
    """About twice as many on coffee days with an interval including 1 'could still be chance'."""
    row = {"status": "ok", "lag": "same_day", "rate_ratio": 2.05, "ci95": [0.9, 4.6], "clear": False}
    text = plain.trigger_sentence(row, "3 or more coffees")
    assert (
        text
        == "About twice as many twitch episodes on days with 3 or more coffees as on other days; could still be chance."
    )
    assert "a clear link" in plain.trigger_sentence(row | {"clear": True}, "x")
    assert plain.trigger_sentence(row | {"lag": "next_day"}, "x").startswith(
        "About twice as many twitch episodes on the day after"
    )


def test_analysis_carries_plain_words() -> None:
    """The analysis JSON gives every trigger, change and the trend a plain sentence beside its numbers."""
    data = synthetic.generate(days=90, base_rate=3, sleep_effect=2.5, magnesium_start=45, magnesium_effect=0.5, seed=8)
    result = analysis.analyse(frames.build(**data))
    assert all(row["plain"].endswith(".") for row in result["triggers"] + result["changes"])
    sleep = next(r for r in result["triggers"] if r["factor"] == "short_sleep" and r["lag"] == "same_day")
    assert sleep["clear"] and "under 6 hours' sleep" in sleep["plain"] and "clear link" in sleep["plain"]
    assert result["trend"]["plain"]


def test_thin_diary_says_too_few_entries() -> None:
    """A week of a few episodes reads 'too few entries to tell', in the analysis and the report."""
    start = date(2026, 11, 1)
    episodes = [
        {"occurred_at": f"{start + timedelta(days=i)}T09:00:00+00:00", "body_part": "calf", "intensity": 3}
        for i in range(0, 7, 2)
    ]
    tables = frames.build(episodes=episodes)
    result = analysis.analyse(tables, today=start + timedelta(days=7))
    assert result["trend"]["plain"] == "Too few entries to tell whether it is changing."
    html, _ = report.build(tables, who="x", today=start + timedelta(days=7), pdf=False)
    assert "Too few entries to tell" in html and "stable" not in html
