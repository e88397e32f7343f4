"""Reading and changing one person's diary. Every function takes the owner and touches only their rows.

A record that does not exist and a record that belongs to someone else give the same 404, so ids
reveal nothing. Times typed without an offset are read in the person's time zone; nothing may be
dated in the future. Callers hold the transaction (``Database.write()``), so an entry is stored
whole or not at all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, delete, func, select
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
from twitchcheck.diary.schemas import (
    DayIn,
    EpisodeIn,
    EpisodePatch,
    MedicationIn,
    MedicationPatch,
    SymptomIn,
    check_assessment,
)
from twitchcheck.errors import TwitchcheckError, invalid, not_found

__all__ = ["UTC", "check_date", "check_moment", "from_storage", "iso", "local_today", "to_storage", "zone"]

T = TypeVar("T", bound=m.Base)


MAX_ID = 2**31 - 1  # ids are 32-bit integers; larger ones cannot exist


def _owned(session: Session, model: type[T], user_id: int, record_id: int, kind: str) -> T:
    row = session.get(model, record_id) if 0 <= record_id <= MAX_ID else None
    if row is None or row.user_id != user_id:  # type: ignore[attr-defined]
        raise not_found(kind, record_id)
    return row


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


def _episode_query(
    user_id: int, start: datetime | None, end: datetime | None, body_part: str | None
) -> Select[m.Episode]:
    query = select(m.Episode).where(m.Episode.user_id == user_id)
    if start is not None:
        query = query.where(m.Episode.occurred_at >= to_storage(start, "UTC", "from")[0])
    if end is not None:
        query = query.where(m.Episode.occurred_at < to_storage(end, "UTC", "to")[0])
    if body_part is not None:
        query = query.where(m.Episode.body_part == body_part)
    return query


def list_episodes(
    session: Session,
    *,
    user_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    body_part: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[m.Episode]:
    """The person's episodes in time order, optionally within [start, end) or for one body part."""
    query = _episode_query(user_id, start, end, body_part)
    order = (
        (m.Episode.occurred_at.desc(), m.Episode.id.desc()) if newest_first else (m.Episode.occurred_at, m.Episode.id)
    )
    query = query.order_by(*order).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_episodes(
    session: Session,
    *,
    user_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    body_part: str | None = None,
) -> int:
    """How many episodes the person has logged (within the same filters as ``list_episodes``)."""
    query = _episode_query(user_id, start, end, body_part).with_only_columns(func.count()).order_by(None)
    return int(session.scalar(query) or 0)


def get_episode(session: Session, *, user_id: int, episode_id: int) -> m.Episode:
    """One of the person's episodes (404 otherwise)."""
    return _owned(session, m.Episode, user_id, episode_id, "episode")


def update_episode(session: Session, *, user: m.User, episode_id: int, patch: EpisodePatch) -> m.Episode:
    """Change the given fields of an episode."""
    episode = get_episode(session, user_id=user.id, episode_id=episode_id)
    changes = patch.model_dump(exclude_unset=True)
    if "occurred_at" in changes:
        utc, offset = to_storage(changes.pop("occurred_at"), user.timezone, "occurred_at")
        check_moment("occurred_at", utc)
        episode.occurred_at, episode.utc_offset_min = utc, offset
    for key, value in changes.items():
        setattr(episode, key, value)
    session.flush()
    return episode


def delete_episode(session: Session, *, user_id: int, episode_id: int) -> None:
    """Delete an episode."""
    session.delete(get_episode(session, user_id=user_id, episode_id=episode_id))


def last_episode(session: Session, *, user_id: int) -> m.Episode | None:
    """The most recent episode (the quick form starts from its place and kind)."""
    rows = list_episodes(session, user_id=user_id, limit=1, newest_first=True)
    return rows[0] if rows else None


def episode_dict(episode: m.Episode) -> dict[str, Any]:
    """An episode as the API shows it."""
    return {
        "id": episode.id,
        "uid": episode.uid,
        "occurred_at": iso(from_storage(episode.occurred_at, episode.utc_offset_min)),
        "body_part": episode.body_part,
        "side": episode.side,
        "movement": episode.movement,
        "count": episode.count,
        "duration_s": episode.duration_s,
        "intensity": episode.intensity,
        "notes": episode.notes,
        "created_at": iso(episode.created_at.replace(tzinfo=UTC)),
        "updated_at": iso(episode.updated_at.replace(tzinfo=UTC)),
    }


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


def list_days(session: Session, *, user_id: int, start: date | None = None, end: date | None = None) -> list[m.Day]:
    """The person's recorded days, oldest first, optionally within [start, end]."""
    query = select(m.Day).where(m.Day.user_id == user_id)
    if start is not None:
        query = query.where(m.Day.date >= start)
    if end is not None:
        query = query.where(m.Day.date <= end)
    return list(session.scalars(query.order_by(m.Day.date)))


def get_day(session: Session, *, user_id: int, day: date) -> m.Day:
    """One recorded day (404 when nothing was recorded)."""
    row = session.scalar(select(m.Day).where(m.Day.user_id == user_id, m.Day.date == day))
    if row is None:
        raise not_found("day", day.isoformat())
    return row


def delete_day(session: Session, *, user_id: int, day: date) -> None:
    """Forget a day's factors."""
    session.delete(get_day(session, user_id=user_id, day=day))


def day_dict(day: m.Day) -> dict[str, Any]:
    """A day as the API shows it."""
    return {
        "date": day.date.isoformat(),
        "sleep_hours": day.sleep_hours,
        "caffeine_mg": day.caffeine_mg,
        "alcohol_units": day.alcohol_units,
        "stress": day.stress,
        "exercise_minutes": day.exercise_minutes,
        "supplements": list(day.supplements or []),
        "notes": day.notes,
    }


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


def list_medications(session: Session, *, user_id: int) -> list[m.Medication]:
    """The person's medicines, by start date."""
    query = select(m.Medication).where(m.Medication.user_id == user_id)
    return list(session.scalars(query.order_by(m.Medication.start, m.Medication.id)))


def get_medication(session: Session, *, user_id: int, medication_id: int) -> m.Medication:
    """One of the person's medicines (404 otherwise)."""
    return _owned(session, m.Medication, user_id, medication_id, "medication")


def update_medication(session: Session, *, user: m.User, medication_id: int, patch: MedicationPatch) -> m.Medication:
    """Change a medicine, e.g. record the day it was stopped."""
    row = get_medication(session, user_id=user.id, medication_id=medication_id)
    changes = patch.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise invalid("name", "cannot be cleared")
    if "start" in changes and changes["start"] is None:
        raise invalid("start", "cannot be cleared")
    check_period(changes.get("start", row.start), changes.get("stop", row.stop), user.timezone)
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    return row


def delete_medication(session: Session, *, user_id: int, medication_id: int) -> None:
    """Delete a medicine."""
    session.delete(get_medication(session, user_id=user_id, medication_id=medication_id))


def medication_dict(row: m.Medication) -> dict[str, Any]:
    """A medicine as the API shows it."""
    return {
        "id": row.id,
        "uid": row.uid,
        "name": row.name,
        "dose": row.dose,
        "start": row.start.isoformat(),
        "stop": row.stop.isoformat() if row.stop else None,
        "notes": row.notes,
    }


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


def list_symptoms(session: Session, *, user_id: int) -> list[m.Symptom]:
    """The person's other symptoms, by date."""
    query = select(m.Symptom).where(m.Symptom.user_id == user_id)
    return list(session.scalars(query.order_by(m.Symptom.date, m.Symptom.id)))


def get_symptom(session: Session, *, user_id: int, symptom_id: int) -> m.Symptom:
    """One of the person's symptoms (404 otherwise)."""
    return _owned(session, m.Symptom, user_id, symptom_id, "symptom")


def delete_symptom(session: Session, *, user_id: int, symptom_id: int) -> None:
    """Delete a symptom entry."""
    session.delete(get_symptom(session, user_id=user_id, symptom_id=symptom_id))


def symptom_dict(row: m.Symptom) -> dict[str, Any]:
    """A symptom entry as the API shows it."""
    return {
        "id": row.id,
        "uid": row.uid,
        "date": row.date.isoformat(),
        "symptom": row.symptom,
        "severity": row.severity,
        "notes": row.notes,
    }


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


def list_assessments(session: Session, *, user_id: int) -> list[m.SavedAssessment]:
    """The person's saved assessments, oldest first."""
    query = select(m.SavedAssessment).where(m.SavedAssessment.user_id == user_id)
    return list(session.scalars(query.order_by(m.SavedAssessment.saved_at, m.SavedAssessment.id)))


def get_assessment(session: Session, *, user_id: int, assessment_id: int) -> m.SavedAssessment:
    """One saved assessment (404 otherwise)."""
    return _owned(session, m.SavedAssessment, user_id, assessment_id, "assessment")


def delete_assessment(session: Session, *, user_id: int, assessment_id: int) -> None:
    """Delete a saved assessment."""
    session.delete(get_assessment(session, user_id=user_id, assessment_id=assessment_id))


def assessment_dict(row: m.SavedAssessment, *, full: bool = True) -> dict[str, Any]:
    """A saved assessment: when, the triage level, the top cause and (full) the assessment itself."""
    top = (row.data.get("conditions") or [{}])[0]
    out: dict[str, Any] = {
        "id": row.id,
        "uid": row.uid,
        "saved_at": iso(row.saved_at.replace(tzinfo=UTC)),
        "triage_level": row.triage_level,
        "top_condition": top.get("id"),
    }
    if full:
        out["assessment"] = row.data
    return out


def delete_all(session: Session, *, user_id: int) -> None:
    """Empty the diary (the account stays)."""
    for model in (m.Episode, m.Day, m.Medication, m.Symptom, m.SavedAssessment, m.TremorRecording):
        session.execute(delete(model).where(model.user_id == user_id))
