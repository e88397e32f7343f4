"""The analysis and the report on awkward diaries: never a crash, never a meaningless estimate."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchcheck.diary import analysis, frames, report, stats

MAX_SPAN = stats.MAX_CI_SPAN
PARTS = ["calf", "eyelid", "thigh", "hand", "face"]


def sane(row: dict[str, Any], ratio_key: str) -> None:
    """An estimate is finite, positive, inside its interval, and the interval is not absurdly wide."""
    ratio, (low, high) = row[ratio_key], row["ci95"]
    assert all(isinstance(v, float) and math.isfinite(v) for v in (ratio, low, high)), row
    assert 0 < low <= ratio <= high, row
    assert high / low <= MAX_SPAN * 1.01, row
    assert 1 / stats.MAX_RATIO <= ratio <= stats.MAX_RATIO, row


def check_analysis(result: dict[str, Any]) -> None:
    """Every estimate in an analysis is sane or marked not enough data; the JSON has no NaN or infinity."""
    json.dumps(result, allow_nan=False)
    if result["status"] == "empty":
        return
    trend = result["trend"]
    assert trend["status"] in ("ok", "not_enough_data"), trend
    if trend["status"] == "ok":
        sane(trend, "rate_ratio_per_30_days")
    else:
        assert "rate_ratio_per_30_days" not in trend and trend["message"]
    for row in [*result["triggers"], *result["changes"]]:
        assert row["status"] in ("ok", "not_enough_data"), row
        if row["status"] == "ok":
            sane(row, "rate_ratio")
        else:
            assert "rate_ratio" not in row and row["message"]


def one_day_of_factors_then_one_twitch() -> frames.DiaryFrames:
    """The issue's diary: the day's factors on 1 November, one twitch on 20 November."""
    return frames.build(
        episodes=[{"occurred_at": "2025-11-20T10:00:00+00:00", "body_part": "calf", "intensity": 3}],
        days=[{"date": "2025-11-01", "sleep_hours": 5.0, "caffeine_mg": 300.0}],
    )


def test_one_day_of_factors_and_one_twitch_later_is_not_enough_for_a_trend() -> None:
    """Factors on 1 Nov and one twitch on 20 Nov: no crash, and the trend says there is not enough data."""
    result = analysis.analyse(one_day_of_factors_then_one_twitch(), today=date(2025, 11, 21))
    check_analysis(result)
    assert result["trend"]["status"] == "not_enough_data"


def test_report_of_that_diary_is_written() -> None:
    """The doctor report (PDF) of that diary is written and says there are too few entries for a trend."""
    html, pdf = report.build(one_day_of_factors_then_one_twitch(), who="t@example.org", today=date(2025, 11, 21))
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert "too few entries to tell" in html.lower() and "stable" not in html.lower()


def test_a_late_burst_gives_no_absurd_trend() -> None:
    """Weeks of nothing then a burst on the last days is 'not enough data', not a ratio in the thousands."""
    counts = np.zeros(40)
    counts[-2:] = [4, 9]
    assert stats.poisson_trend(counts) is None


def test_no_episodes_on_one_side_gives_no_ratio() -> None:
    """A factor whose days have no episodes at all gets no (continuity-corrected, meaningless) rate ratio."""
    start = date(2025, 6, 1)
    days = [{"date": (start + timedelta(days=i)).isoformat(), "stress": 8 if i % 2 else 2} for i in range(20)]
    episodes = [
        {
            "occurred_at": f"{(start + timedelta(days=i)).isoformat()}T09:00:00+00:00",
            "body_part": "calf",
            "intensity": 2,
        }
        for i in range(20)
        if i % 2 and i < 4
    ]
    result = analysis.analyse(frames.build(episodes=episodes, days=days), today=date(2025, 7, 1))
    check_analysis(result)
    row = next(t for t in result["triggers"] if t["factor"] == "stress" and t["lag"] == "same_day")
    assert row["status"] == "not_enough_data" and "episodes" in row["message"]


def test_small_ratios_keep_their_digits() -> None:
    """A rate ratio well below 1 is shown with significant digits, never rounded to 0."""
    rr = stats.rate_ratio(np.array([1.0] * 10 + [0.0] * 40), np.array([20.0] * 50))
    assert analysis.significant(rr.ratio) > 0 and analysis.significant(rr.low) > 0


# --- Random diaries -------------------------------------------------------------------------------


@st.composite
def diaries(draw: st.DrawFn) -> frames.DiaryFrames:
    """Random diaries: one day, sparse, bursty, or ten years; with day factors, supplements and medicines."""
    shape = draw(st.sampled_from(["one_day", "sparse", "bursty", "ten_years", "weeks"]))
    span = {"one_day": 1, "sparse": 400, "bursty": 90, "ten_years": 3652, "weeks": 30}[shape]
    start = date(2014, 1, 1) + timedelta(days=draw(st.integers(0, 365)))
    n_days = draw(st.integers(0, 60))
    n_episodes = draw(st.integers(0, 80))
    day_offsets = draw(st.lists(st.integers(0, span - 1), min_size=n_episodes, max_size=n_episodes))
    if shape == "bursty" and day_offsets:
        burst = day_offsets[0]
        day_offsets = [burst + (d % 3) for d in day_offsets]
    episodes = [
        {
            "occurred_at": f"{(start + timedelta(days=d)).isoformat()}T{draw(st.integers(0, 23)):02d}:00:00+00:00",
            "body_part": draw(st.sampled_from(PARTS)),
            "intensity": draw(st.integers(0, 10)),
            "count": draw(st.none() | st.integers(1, 500)),
            "duration_s": draw(st.none() | st.floats(0, 86_400)),
        }
        for d in day_offsets
    ]
    factor = st.none() | st.floats(0, 24)
    days = [
        {
            "date": (start + timedelta(days=d)).isoformat(),
            "sleep_hours": draw(factor),
            "caffeine_mg": draw(st.none() | st.sampled_from([0.0, 50.0, 300.0, 900.0])),
            "alcohol_units": draw(st.none() | st.floats(0, 10)),
            "stress": draw(st.none() | st.integers(0, 10)),
            "exercise_minutes": draw(st.none() | st.floats(0, 200)),
            "supplements": draw(st.lists(st.sampled_from(["magnesium", "vitamin d"]), max_size=2, unique=True)),
        }
        for d in sorted(set(draw(st.lists(st.integers(0, span - 1), min_size=n_days, max_size=n_days))))
    ]
    medications = [
        {"name": "sertraline", "start": (start + timedelta(days=draw(st.integers(0, span - 1)))).isoformat()}
        for _ in range(draw(st.integers(0, 2)))
    ]
    return frames.build(episodes=episodes, days=days, medications=medications)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(diaries(), st.lists(st.integers(0, 4000), max_size=2))
def test_analysis_never_fails_and_every_estimate_is_sane(diary: frames.DiaryFrames, change_days: list[int]) -> None:
    """Random diaries (sparse, bursty, one day, ten years): the analysis runs and every estimate is sane."""
    changes = [(date(2014, 1, 1) + timedelta(days=d), "") for d in change_days]
    check_analysis(analysis.analyse(diary, changes=changes, today=date(2026, 1, 1)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(diaries())
def test_report_never_fails(diary: frames.DiaryFrames) -> None:
    """The doctor report (HTML with its charts) is written for random diaries."""
    html, _ = report.build(diary, who="t@example.org", today=date(2026, 1, 1), pdf=False)
    assert "summary for the doctor" in html
