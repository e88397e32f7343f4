"""Synthetic diaries with known effects, for tests, benchmarks and the README's example report.

``generate`` draws daily factors and then episodes from a Poisson rate that is multiplied by
``sleep_effect`` on days with under 6 hours of sleep and by ``magnesium_effect`` after magnesium is
started, so the analysis has a known answer to find.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import numpy as np

PLACES = (("calf", "left"), ("calf", "right"), ("eyelid", "left"), ("thigh", "left"), ("arm", "right"))


def generate(
    *,
    days: int = 120,
    start: date | None = None,
    base_rate: float = 2.0,
    sleep_effect: float = 2.0,
    magnesium_start: int | None = None,
    magnesium_effect: float = 1.0,
    seed: int = 7,
    offset_min: int = 60,
) -> dict[str, list[dict[str, Any]]]:
    """Episodes, days, medicines and symptoms as plain records (API input shapes)."""
    rng = np.random.default_rng(seed)
    start = start or (datetime.now(UTC).date() - timedelta(days=days))
    zone = timezone(timedelta(minutes=offset_min))
    episodes: list[dict[str, Any]] = []
    day_rows: list[dict[str, Any]] = []
    for i in range(days):
        day = start + timedelta(days=i)
        sleep = float(np.round(rng.choice([5.0, 5.5, 7.0, 7.5, 8.0], p=[0.2, 0.15, 0.25, 0.25, 0.15]), 1))
        magnesium = magnesium_start is not None and i >= magnesium_start
        rate = base_rate * (sleep_effect if sleep < 6 else 1.0) * (magnesium_effect if magnesium else 1.0)
        caffeine = float(rng.choice([0, 95, 190, 285]))
        day_rows.append(
            {
                "date": day.isoformat(),
                "sleep_hours": sleep,
                "caffeine_mg": caffeine,
                "alcohol_units": float(rng.choice([0, 0, 0, 2])),
                "stress": int(rng.integers(0, 11)),
                "exercise_minutes": float(rng.choice([0, 20, 45])),
                "supplements": ["magnesium"] if magnesium else [],
            }
        )
        places_today = PLACES[: 1 + min(len(PLACES) - 1, i * len(PLACES) // max(days, 1))]
        for _ in range(int(rng.poisson(rate))):
            part, side = places_today[int(rng.integers(0, len(places_today)))]
            moment = datetime(
                day.year, day.month, day.day, int(rng.integers(7, 23)), int(rng.integers(0, 60)), tzinfo=zone
            )
            episodes.append(
                {
                    "occurred_at": moment.isoformat(),
                    "body_part": part,
                    "side": side,
                    "movement": "fasciculation",
                    "count": int(rng.integers(1, 20)),
                    "duration_s": float(rng.integers(1, 120)),
                    "intensity": int(rng.integers(1, 8)),
                }
            )
    medications = [
        {"name": "Sertraline", "dose": "50 mg daily", "start": (start + timedelta(days=days // 3)).isoformat()}
    ]
    symptoms = [{"date": (start + timedelta(days=days // 2)).isoformat(), "symptom": "fatigue", "severity": 4}]
    return {"episodes": episodes, "days": day_rows, "medications": medications, "symptoms": symptoms}
