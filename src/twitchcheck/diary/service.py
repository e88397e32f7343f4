"""Adding to and changing one person's diary. Every function takes the owner and touches only their rows.

Reading, patching and deleting go through the generic owned-records repositories (``records``:
``EPISODES``, ``DAYS``, ``MEDICATIONS``, ``SYMPTOMS``, ``ASSESSMENTS``); this module adds what is
particular to each kind: new entries, their checks and the episode filters.

A record that does not exist and a record that belongs to someone else are the same ``not_found``,
so ids reveal nothing. Times typed without an offset are read in the person's time zone; nothing may be
dated in the future. Callers hold the transaction (``Database.write()``), so an entry is stored
whole or not at all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.diary.clock import (
    UTC,
    check_date,
    check_moment,
    from_storage,
    iso,
    local_today,
    to_storage,
    zone,
)
from twitchcheck.diary.records import ALL, ASSESSMENTS, DAYS, EPISODES, MEDICATIONS, SYMPTOMS, OwnedRecords
from twitchcheck.diary.schemas import (
    DayIn,
    EpisodeIn,
    EpisodePatch,
    MedicationIn,
    MedicationPatch,
    SymptomIn,
    check_assessment,
)
from twitchcheck.errors import TwitchcheckError, invalid

__all__ = [
    "ASSESSMENTS",
    "DAYS",
    "EPISODES",
    "MEDICATIONS",
    "SYMPTOMS",
    "UTC",
    "OwnedRecords",
    "check_date",
    "check_moment",
    "from_storage",
    "iso",
    "local_today",
    "to_storage",
    "zone",
]


def _uid_taken(session: Session, model: type[m.Base], user_id: int, uid: str | None) -> None:
    if uid is None:
        return
    existing = session.scalar(select(model.id).where(model.user_id == user_id, model.uid == uid))  # type: ignore[attr-defined]
    if existing is not None:
        raise TwitchcheckError(
            "conflict", "duplicate", f"this entry is already in your diary (id {existing})", {"id": existing}
        )


# --- Episodes ---------------------------------------------------------------------------------


def add_episode(session: Session, *, user: m.User, data: EpisodeIn) -> m.Episode:
    """Store a new episode."""
    utc, offset = to_storage(data.occurred_at, user.timezone, "occurred_at")
    check_moment("occurred_at", utc)
    _uid_taken(session, m.Episode, user.id, data.uid)
    fields = data.model_dump(exclude={"occurred_at", "uid"})
    episode = m.Episode(user_id=user.id, occurred_at=utc, utc_offset_min=offset, **fields)
    if data.uid:
        episode.uid = data.uid
    session.add(episode)
    session.flush()
    return episode


def episode_filters(
    start: datetime | None = None, end: datetime | None = None, body_part: str | None = None
) -> list[ColumnElement[bool]]:
    """Conditions for ``EPISODES.list`` and ``EPISODES.count``: within [start, end), or one body part."""
    where: list[ColumnElement[bool]] = []
    if start is not None:
        where.append(m.Episode.occurred_at >= to_storage(start, "UTC", "from")[0])
    if end is not None:
        where.append(m.Episode.occurred_at < to_storage(end, "UTC", "to")[0])
    if body_part is not None:
        where.append(m.Episode.body_part == body_part)
    return where


def update_episode(session: Session, *, user: m.User, episode_id: int, patch: EpisodePatch) -> m.Episode:
    """Change the given fields of an episode."""
    changes = patch.model_dump(exclude_unset=True)
    if "occurred_at" in changes:
        utc, offset = to_storage(changes.pop("occurred_at"), user.timezone, "occurred_at")
        check_moment("occurred_at", utc)
        changes |= {"occurred_at": utc, "utc_offset_min": offset}
    return EPISODES.patch(session, user_id=user.id, key=episode_id, changes=changes)


def last_episode(session: Session, *, user_id: int) -> m.Episode | None:
    """The most recent episode (the quick form starts from its place and kind)."""
    rows = EPISODES.list(session, user_id=user_id, limit=1, newest_first=True)
    return rows[0] if rows else None


def day_filters(start: date | None = None, end: date | None = None) -> list[ColumnElement[bool]]:
    """Conditions for ``DAYS.list``: the days within [start, end]."""
    where: list[ColumnElement[bool]] = []
    if start is not None:
        where.append(m.Day.date >= start)
    if end is not None:
        where.append(m.Day.date <= end)
    return where


# --- Days -------------------------------------------------------------------------------------


def put_day(session: Session, *, user: m.User, day: date, data: DayIn) -> tuple[m.Day, bool]:
    """Record (or replace) a day's factors; returns the day and whether it is new."""
    check_date("date", day, user.timezone)
    values = data.model_dump()
    query = select(m.Day).where(m.Day.user_id == user.id, m.Day.date == day).with_for_update()
    row = session.scalar(query)
    if row is None:
        try:
            with session.begin_nested():  # a concurrent PUT of the same new day may win the insert
                row = m.Day(user_id=user.id, date=day, **values)
                session.add(row)
                session.flush()
            return row, True
        except IntegrityError:
            row = session.scalar(query)
            assert row is not None
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    return row, False


# --- Medications ------------------------------------------------------------------------------


def check_period(start: date, stop: date | None, timezone: str) -> None:
    check_date("start", start, timezone)
    if stop is not None:
        check_date("stop", stop, timezone)
        if stop < start:
            raise invalid("stop", "is before the start date", "stop_before_start")


def add_medication(session: Session, *, user: m.User, data: MedicationIn) -> m.Medication:
    """Store a medicine."""
    check_period(data.start, data.stop, user.timezone)
    _uid_taken(session, m.Medication, user.id, data.uid)
    row = m.Medication(user_id=user.id, **data.model_dump(exclude={"uid"}))
    if data.uid:
        row.uid = data.uid
    session.add(row)
    session.flush()
    return row


def update_medication(session: Session, *, user: m.User, medication_id: int, patch: MedicationPatch) -> m.Medication:
    """Change a medicine, e.g. record the day it was stopped."""
    row = MEDICATIONS.get(session, user_id=user.id, key=medication_id)
    changes = patch.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise invalid("name", "cannot be cleared")
    if "start" in changes and changes["start"] is None:
        raise invalid("start", "cannot be cleared")
    check_period(changes.get("start", row.start), changes.get("stop", row.stop), user.timezone)
    return MEDICATIONS.patch(session, user_id=user.id, key=medication_id, changes=changes)


# --- Other symptoms ---------------------------------------------------------------------------


def add_symptom(session: Session, *, user: m.User, data: SymptomIn) -> m.Symptom:
    """Store another symptom."""
    check_date("date", data.date, user.timezone)
    _uid_taken(session, m.Symptom, user.id, data.uid)
    row = m.Symptom(user_id=user.id, **data.model_dump(exclude={"uid"}))
    if data.uid:
        row.uid = data.uid
    session.add(row)
    session.flush()
    return row


# --- Saved assessments ------------------------------------------------------------------------


def save_assessment(
    session: Session, *, user_id: int, data: Any, saved_at: datetime | None = None, uid: str | None = None
) -> m.SavedAssessment:
    """Keep an assessment (the contract's JSON) in the diary."""
    body = check_assessment(data)
    when = to_storage(saved_at, "UTC", "saved_at")[0] if saved_at else m.utcnow()
    check_moment("saved_at", when)
    _uid_taken(session, m.SavedAssessment, user_id, uid)
    row = m.SavedAssessment(user_id=user_id, saved_at=when, triage_level=body["triage"]["level"], data=body)
    if uid:
        row.uid = uid
    session.add(row)
    session.flush()
    return row


def delete_all(session: Session, *, user_id: int) -> None:
    """Empty the diary (the account stays)."""
    for records in ALL:
        session.execute(delete(records.model).where(records.model.user_id == user_id))
