"""A person's diary records: one generic repository for reading, changing and deleting them, and how each is shown.

``OwnedRecords`` lists, counts, gets, patches and deletes one kind of record, always within one
person's rows: a record that does not exist and one that belongs to someone else are the same
``not_found``, so ids reveal nothing. Episodes, days, medicines, other symptoms, saved
assessments and tremor measurements are each one instance (``EPISODES``, ``DAYS`` … ``TREMORS``).
Adding a record and the checks that need the person's clock stay in ``service`` (``tremor_store``
for tremor measurements).

Each record is shown (API, pages, command line, export) by one output model (``EpisodeOut`` …),
made from a stored row by ``of``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.diary.clock import UTC, from_storage, iso
from twitchcheck.errors import not_found

T = TypeVar("T", bound=m.Base)
Key = int | date
MAX_ID = 2**31 - 1  # ids are 32-bit integers; larger ones cannot exist


class OwnedRecords(Generic[T]):
    """One kind of record, read and changed only within its owner's rows."""

    def __init__(self, model: type[T], kind: str, order: tuple[str, ...], key: str = "id") -> None:
        self.model, self.kind, self.order, self.key = model, kind, order, key

    def _column(self, name: str) -> Any:
        return getattr(self.model, name)

    def query(self, user_id: int, where: Iterable[ColumnElement[bool]] = ()) -> Select[Any]:
        """The owner's rows (and any further conditions), unordered."""
        return select(self.model).where(self._column("user_id") == user_id, *where)

    def list(
        self,
        session: Session,
        *,
        user_id: int,
        where: Iterable[ColumnElement[bool]] = (),
        newest_first: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[T]:
        """The owner's rows in their order (oldest first unless ``newest_first``), a page at a time."""
        columns = [self._column(name) for name in self.order]
        query = self.query(user_id, where).order_by(*(c.desc() for c in columns) if newest_first else columns)
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return list(session.scalars(query))

    def count(self, session: Session, *, user_id: int, where: Iterable[ColumnElement[bool]] = ()) -> int:
        """How many rows the owner has (within the same conditions as ``list``)."""
        query = self.query(user_id, where).with_only_columns(func.count()).order_by(None)
        return int(session.scalar(query) or 0)

    def get(self, session: Session, *, user_id: int, key: Key) -> T:
        """One of the owner's rows by its id (or date); ``not_found`` for anyone else's."""
        if self.key == "id":
            row = session.get(self.model, key) if isinstance(key, int) and 0 <= key <= MAX_ID else None
            if row is not None and row.user_id == user_id:  # type: ignore[attr-defined]
                return row
        else:
            found: T | None = session.scalar(self.query(user_id, [self._column(self.key) == key]))
            if found is not None:
                return found
        raise not_found(self.kind, key.isoformat() if isinstance(key, date) else key)

    def patch(self, session: Session, *, user_id: int, key: Key, changes: Mapping[str, Any]) -> T:
        """Set the given fields of one of the owner's rows."""
        row = self.get(session, user_id=user_id, key=key)
        for name, value in changes.items():
            setattr(row, name, value)
        session.flush()
        return row

    def delete(self, session: Session, *, user_id: int, key: Key) -> None:
        """Delete one of the owner's rows."""
        session.delete(self.get(session, user_id=user_id, key=key))


EPISODES = OwnedRecords(m.Episode, "episode", ("occurred_at", "id"))
DAYS = OwnedRecords(m.Day, "day", ("date",), key="date")
MEDICATIONS = OwnedRecords(m.Medication, "medication", ("start", "id"))
SYMPTOMS = OwnedRecords(m.Symptom, "symptom", ("date", "id"))
ASSESSMENTS = OwnedRecords(m.SavedAssessment, "assessment", ("saved_at", "id"))
TREMORS = OwnedRecords(m.TremorRecording, "tremor measurement", ("recorded_at", "id"))  # shown by tremor_store
ALL = (EPISODES, DAYS, MEDICATIONS, SYMPTOMS, ASSESSMENTS, TREMORS)


def _utc(moment: Any) -> str:
    return iso(moment.replace(tzinfo=UTC))


class EpisodeOut(BaseModel):
    """A stored episode."""

    id: int
    uid: str
    occurred_at: str
    body_part: str
    side: str
    movement: str
    count: int | None
    duration_s: float | None
    intensity: int
    notes: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, row: m.Episode) -> EpisodeOut:
        """The episode as it is shown (its time in the zone it was written in)."""
        return cls(
            id=row.id,
            uid=row.uid,
            occurred_at=iso(from_storage(row.occurred_at, row.utc_offset_min)),
            body_part=row.body_part,
            side=row.side,
            movement=row.movement,
            count=row.count,
            duration_s=row.duration_s,
            intensity=row.intensity,
            notes=row.notes,
            created_at=_utc(row.created_at),
            updated_at=_utc(row.updated_at),
        )


class DayOut(BaseModel):
    """A recorded day's factors."""

    date: str
    sleep_hours: float | None
    caffeine_mg: float | None
    alcohol_units: float | None
    stress: int | None
    exercise_minutes: float | None
    supplements: list[str]
    notes: str | None

    @classmethod
    def of(cls, row: m.Day) -> DayOut:
        """The day as it is shown."""
        return cls(
            date=row.date.isoformat(),
            sleep_hours=row.sleep_hours,
            caffeine_mg=row.caffeine_mg,
            alcohol_units=row.alcohol_units,
            stress=row.stress,
            exercise_minutes=row.exercise_minutes,
            supplements=list(row.supplements or []),
            notes=row.notes,
        )


class MedicationOut(BaseModel):
    """A medicine."""

    id: int
    uid: str
    name: str
    dose: str | None
    start: str
    stop: str | None
    notes: str | None

    @classmethod
    def of(cls, row: m.Medication) -> MedicationOut:
        """The medicine as it is shown."""
        stop = row.stop.isoformat() if row.stop else None
        return cls(
            id=row.id,
            uid=row.uid,
            name=row.name,
            dose=row.dose,
            start=row.start.isoformat(),
            stop=stop,
            notes=row.notes,
        )


class SymptomOut(BaseModel):
    """Another symptom."""

    id: int
    uid: str
    date: str
    symptom: str
    severity: int | None
    notes: str | None

    @classmethod
    def of(cls, row: m.Symptom) -> SymptomOut:
        """The symptom entry as it is shown."""
        return cls(
            id=row.id,
            uid=row.uid,
            date=row.date.isoformat(),
            symptom=row.symptom,
            severity=row.severity,
            notes=row.notes,
        )


class AssessmentOut(BaseModel):
    """A saved assessment: when, the triage level, the top cause and (when asked for one) the assessment itself."""

    id: int
    uid: str
    saved_at: str
    triage_level: str
    top_condition: str | None
    assessment: dict[str, Any] | None = Field(default=None, exclude_if=lambda value: value is None)

    @classmethod
    def of(cls, row: m.SavedAssessment, *, full: bool = True) -> AssessmentOut:
        """The saved assessment as it is shown; ``full`` adds the assessment itself."""
        top = (row.data.get("conditions") or [{}])[0]
        return cls(
            id=row.id,
            uid=row.uid,
            saved_at=_utc(row.saved_at),
            triage_level=row.triage_level,
            top_condition=top.get("id"),
            assessment=row.data if full else None,
        )
