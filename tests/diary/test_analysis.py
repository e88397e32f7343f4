"""Analysis on synthetic diaries with known effects: triggers, before/after, trends, spreading."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from twitchcheck.diary import analysis, frames, stats, synthetic


def analysed(**kwargs: Any) -> dict[str, Any]:
    data = synthetic.generate(**kwargs)
    tables = frames.build(episodes=data["episodes"], days=data["days"], medications=data["medications"])
    return analysis.analyse(tables)


def trigger(result: dict[str, Any], factor: str, lag: str = "same_day") -> dict[str, Any]:
    return next(t for t in result["triggers"] if t["factor"] == factor and t["lag"] == lag)


def test_known_sleep_effect_is_found_with_its_ci() -> None:
    """Short sleep that doubles the daily rate gives a rate ratio near 2 whose 95% CI holds 2 and excludes 1."""
    result = analysed(days=240, base_rate=3.0, sleep_effect=2.0, seed=11)
    row = trigger(result, "short_sleep")
    assert row["status"] == "ok" and row["clear"]
    low, high = row["ci95"]
    assert low <= 2.0 <= high and low > 1
    assert 1.6 < row["rate_ratio"] < 2.5


def test_no_effect_is_not_called_clear() -> None:
    """Without a real effect, sleep is not flagged and its CI includes 1."""
    row = trigger(analysed(days=240, base_rate=3.0, sleep_effect=1.0, seed=5), "short_sleep")
    assert row["status"] == "ok" and not row["clear"]
    assert row["ci95"][0] <= 1 <= row["ci95"][1]


def test_next_day_comparison_is_separate() -> None:
    """Same-day sleep effects do not leak into the next-day comparison (independent days)."""
    row = trigger(analysed(days=240, base_rate=3.0, sleep_effect=2.0, seed=11), "short_sleep", "next_day")
    assert row["status"] == "ok" and not row["clear"]


def test_too_few_days_says_so() -> None:
    """With fewer than 3 days with (or without) a factor there is no estimate, only what is missing."""
    days = [{"date": f"2026-10-0{i}", "sleep_hours": 5.0 if i < 3 else 8.0} for i in range(1, 9)]
    episodes = [
        {"occurred_at": f"2026-10-0{i}T10:00:00+00:00", "body_part": "calf", "intensity": 3} for i in range(1, 9)
    ]
    result = analysis.analyse(frames.build(episodes=episodes, days=days))
    row = trigger(result, "short_sleep")
    assert row["status"] == "not_enough_data" and "rate_ratio" not in row
    assert row["days_with"] == 2 and "1 more with" in row["message"]


def test_magnesium_start_before_after() -> None:
    """Starting magnesium that halves the rate is found as a change with a ratio near 0.5 and a CI below 1."""
    result = analysed(days=200, base_rate=4.0, sleep_effect=1.0, magnesium_start=100, magnesium_effect=0.5, seed=3)
    change = next(c for c in result["changes"] if c["label"] == "Started magnesium")
    assert change["status"] == "ok" and change["ci95"][1] < 1
    assert change["ci95"][0] <= 0.5 <= change["ci95"][1] or abs(change["rate_ratio"] - 0.5) < 0.2


def test_caffeine_cut_is_detected() -> None:
    """Days of coffee followed by none are found as 'Cut caffeine' with its date."""
    start = date(2026, 6, 1)
    days = [
        {"date": (start + timedelta(days=i)).isoformat(), "caffeine_mg": 300.0 if i < 30 else 0.0} for i in range(60)
    ]
    episodes = [
        {
            "occurred_at": f"{(start + timedelta(days=i)).isoformat()}T09:00:00+00:00",
            "body_part": "eyelid",
            "intensity": 2,
        }
        for i in range(60)
        for _ in range(3 if i < 30 else 1)
    ]
    result = analysis.analyse(frames.build(episodes=episodes, days=days))
    cut = next(c for c in result["changes"] if c["kind"] == "caffeine_cut")
    assert cut["date"] == (start + timedelta(days=30)).isoformat()
    assert cut["rate_ratio"] == pytest.approx(1 / 3, abs=0.01) and cut["clear"]


def test_custom_change_date_and_too_short_windows() -> None:
    """A named change date is compared; one too close to the start says how many days are missing."""
    data = synthetic.generate(days=60, seed=2)
    tables = frames.build(episodes=data["episodes"], days=data["days"])
    first = date.fromisoformat(data["days"][0]["date"])
    result = analysis.analyse(
        tables, changes=[(first + timedelta(days=30), "New job"), (first + timedelta(days=2), "")]
    )
    named = next(c for c in result["changes"] if c["label"] == "New job")
    assert named["status"] == "ok" and named["days_before"] == 28
    early = next(c for c in result["changes"] if c["date"] == (first + timedelta(days=2)).isoformat())
    assert early["status"] == "not_enough_data" and "before" in early["message"]


def test_spreading_and_places() -> None:
    """New body parts after onset are listed in order; shares sum to 1; hours sum to the total."""
    result = analysed(days=120, seed=4)
    order = [p["body_part"] for p in result["spreading"]["order"]]
    assert order[0] == "calf" and result["spreading"]["is_spreading"]
    assert {p["body_part"] for p in result["spreading"]["new_places"]} <= set(order[1:])
    assert sum(p["share"] for p in result["by_body_part"]) == pytest.approx(1, abs=0.01)
    assert sum(result["by_hour"]) == result["summary"]["episodes"]


def test_trend_direction() -> None:
    """A rate that doubles over the diary is a rising trend; a flat one is stable."""
    rng = np.random.default_rng(2)
    rising = rng.poisson(np.linspace(2, 6, 180)).astype(float)
    trend = stats.poisson_trend(rising)
    assert trend is not None and trend.direction == "rising" and trend.ratio > 1
    flat = stats.poisson_trend(rng.poisson(3, 180).astype(float))
    assert flat is not None and flat.direction == "stable"


@pytest.mark.slow  # a PDF or a statistics cross-check: left out of the quick tier
def test_rate_ratio_matches_statsmodels_quasi_poisson() -> None:
    """The closed-form rate ratio and CI equal statsmodels' Poisson GLM with Pearson dispersion."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(9)
    a = rng.negative_binomial(2, 0.3, 40).astype(float)
    b = rng.negative_binomial(2, 0.5, 60).astype(float)
    ours = stats.rate_ratio(a, b)
    y = np.concatenate([a, b])
    x = sm.add_constant(np.concatenate([np.ones(40), np.zeros(60)]))
    fit = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2")
    low, high = np.exp(fit.conf_int()[1])
    assert ours.ratio == pytest.approx(np.exp(fit.params[1]), rel=1e-9)
    assert (ours.low, ours.high) == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))


def test_trend_matches_statsmodels() -> None:
    """The trend's slope and CI equal statsmodels' Poisson GLM on time (Pearson dispersion)."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(3)
    counts = rng.negative_binomial(2, 2 / (2 + np.linspace(1, 4, 120))).astype(float)  # over-dispersed
    ours = stats.poisson_trend(counts)
    t = np.arange(120) / 30
    fit = sm.GLM(counts, sm.add_constant(t - t.mean()), family=sm.families.Poisson()).fit(scale="X2")
    assert ours is not None and ours.ratio == pytest.approx(np.exp(fit.params[1]), rel=1e-6)
    assert ours.low == pytest.approx(np.exp(fit.conf_int()[1][0]), rel=1e-5)


def test_empty_diary() -> None:
    """An empty diary gives an 'empty' analysis, not an error."""
    result = analysis.analyse(frames.build(episodes=[]))
    assert result["status"] == "empty" and result["triggers"] == []
