"""A diary as tables for analysis: episodes at local time, day factors by date, medicines, symptoms.

Loading reads plain columns (no ORM objects), so ten years of entries load in a fraction of a
second; the same tables can be built from plain records for tests and benchmarks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.diary import tremor_store

EPISODE_COLUMNS = ["occurred_at", "utc_offset_min", "body_part", "side", "movement", "count", "duration_s", "intensity"]
FACTOR_COLUMNS = ["sleep_hours", "caffeine_mg", "alcohol_units", "stress", "exercise_minutes"]


@dataclass
class DiaryFrames:
    """One person's diary as tables (episodes carry ``local``, ``date`` and ``hour`` columns)."""

    episodes: pd.DataFrame
    days: pd.DataFrame
    medications: list[dict[str, Any]] = field(default_factory=list)
    symptoms: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    timezone: str = "UTC"
    tremors: list[dict[str, Any]] = field(default_factory=list)  # phone measurements, in export form


def _episodes_frame(rows: Iterable[Any]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=EPISODE_COLUMNS)
    if frame.empty:
        frame = frame.astype({"intensity": "float64", "duration_s": "float64", "count": "float64"})
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"])
    offsets = pd.to_timedelta(frame["utc_offset_min"].astype("int64"), unit="m")
    frame["local"] = frame["occurred_at"] + offsets
    frame["date"] = frame["local"].dt.normalize()
    frame["hour"] = frame["local"].dt.hour
    for name in ("count", "duration_s", "intensity"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return frame.sort_values("occurred_at", kind="stable").reset_index(drop=True)


def _days_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame([dict(r) for r in rows], columns=["date", *FACTOR_COLUMNS, "supplements"])
    frame["date"] = pd.to_datetime(frame["date"])
    for name in FACTOR_COLUMNS:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    frame["supplements"] = frame["supplements"].map(lambda s: list(s) if isinstance(s, (list, tuple)) else [])
    return frame.set_index("date").sort_index()


def build(
    *,
    episodes: Iterable[Mapping[str, Any]],
    days: Iterable[Mapping[str, Any]] = (),
    medications: Iterable[Mapping[str, Any]] = (),
    symptoms: Iterable[Mapping[str, Any]] = (),
    assessments: Iterable[Mapping[str, Any]] = (),
    timezone: str = "UTC",
    tremors: Iterable[Mapping[str, Any]] = (),
) -> DiaryFrames:
    """Tables from plain records (episodes with an aware or naive-UTC ``occurred_at``)."""
    rows = []
    for e in episodes:
        moment = e["occurred_at"]
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        offset = 0
        if moment.tzinfo is not None:
            offset = int((moment.utcoffset() or pd.Timedelta(0)).total_seconds() // 60)
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        rows.append(
            (
                moment,
                offset,
                e["body_part"],
                e.get("side", "none"),
                e.get("movement", "fasciculation"),
                e.get("count"),
                e.get("duration_s"),
                e["intensity"],
            )
        )
    return DiaryFrames(
        episodes=_episodes_frame(rows),
        days=_days_frame({**d, "date": _as_date(d["date"])} for d in days),
        medications=[{**x, "start": _as_date(x["start"]), "stop": _as_date(x.get("stop"))} for x in medications],
        symptoms=[{**x, "date": _as_date(x["date"])} for x in symptoms],
        assessments=[dict(a) for a in assessments],
        timezone=timezone,
        tremors=[dict(t) for t in tremors],
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load(session: Session, *, user_id: int, timezone: str = "UTC") -> DiaryFrames:
    """One person's whole diary as tables."""
    columns = [getattr(m.Episode, name) for name in EPISODE_COLUMNS]
    episodes = session.execute(select(*columns).where(m.Episode.user_id == user_id)).all()
    day_columns = [m.Day.date, *(getattr(m.Day, name) for name in FACTOR_COLUMNS), m.Day.supplements]
    days = [r._asdict() for r in session.execute(select(*day_columns).where(m.Day.user_id == user_id))]
    meds = session.scalars(select(m.Medication).where(m.Medication.user_id == user_id).order_by(m.Medication.start))
    symptoms = session.scalars(select(m.Symptom).where(m.Symptom.user_id == user_id).order_by(m.Symptom.date))
    saved = session.scalars(
        select(m.SavedAssessment).where(m.SavedAssessment.user_id == user_id).order_by(m.SavedAssessment.saved_at)
    )
    tremors = [tremor_store.export_row(r) for r in tremor_store.list_tremors(session, user_id=user_id)]
    return DiaryFrames(
        episodes=_episodes_frame(episodes),
        days=_days_frame(days),
        medications=[{"name": r.name, "dose": r.dose, "start": r.start, "stop": r.stop} for r in meds],
        symptoms=[{"date": r.date, "symptom": r.symptom, "severity": r.severity, "notes": r.notes} for r in symptoms],
        assessments=[{"saved_at": r.saved_at, "data": r.data} for r in saved],
        timezone=timezone,
        tremors=tremors,
    )
