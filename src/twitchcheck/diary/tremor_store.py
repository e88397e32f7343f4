"""Tremor measurements in the diary: store one phone measurement with its date, list, show and delete them.

A measurement comes from ``twitchcheck.tremor`` (a ``TremorResult``, analysed on the server or sent
back as the API printed it) and is kept as plain columns (frequency, size, steadiness, how it was
recorded) with the small spectrum and trace the report draws. ``TremorEntry`` is the one strict form
of a stored measurement: the API, the pages, the command line and import all pass through it, so a
measurement that could not have come from the analysis (a frequency outside 2-16 Hz, a tremor
without a frequency, a trace of a million points, "5" or "yes" for a number or a yes/no) is refused whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StrictBool, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.diary.clock import UTC, check_moment, from_storage, iso, to_storage
from twitchcheck.diary.records import TREMORS
from twitchcheck.diary.schemas import IsoDateTime, Notes, Strict, parse
from twitchcheck.errors import TwitchcheckError
from twitchcheck.tremor.result import EvidenceOut, Spectrum, Trace, TremorResult

MAX_SPECTRUM_POINTS = 400  # the analysis keeps 2-16 Hz at 0.25 Hz: 57 points
MAX_TRACE_POINTS = 1000  # the analysis keeps 4 s at up to 100 samples a second
MAX_EVIDENCE = 20
TaskName = Literal["rest", "postural", "kinetic"]
NonNegative = Annotated[float, Field(strict=True, ge=0, le=1000)]
Acceleration = Annotated[float, Field(strict=True, ge=-1000, le=1000)]
EXPORT_FIELDS = (
    "uid",
    "recorded_at",
    "task",
    "verdict",
    "frequency_hz",
    "amplitude_m_s2",
    "displacement_cm",
    "frequency_sd_hz",
    "steady",
    "stands_out",
    "detection_limit_m_s2",
    "sample_rate_hz",
    "duration_s",
    "summary",
    "spectrum",
    "trace",
    "evidence",
    "note",
)


class SpectrumIn(Strict):
    """The stored spectrum: frequencies (Hz), power and noise floor ((m/s^2)^2 per Hz), equally long."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    frequency_hz: list[Annotated[float, Field(strict=True, ge=0, le=1000)]] = Field(max_length=MAX_SPECTRUM_POINTS)
    power: list[NonNegative] = Field(max_length=MAX_SPECTRUM_POINTS)
    noise_floor: list[NonNegative] = Field(max_length=MAX_SPECTRUM_POINTS)

    @model_validator(mode="after")
    def _same_length(self) -> SpectrumIn:
        if not len(self.frequency_hz) == len(self.power) == len(self.noise_floor):
            raise ValueError("frequency_hz, power and noise_floor must be equally long")
        return self


class TraceIn(Strict):
    """The stored trace: a few seconds of the tremor band at ``rate_hz`` samples a second."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    rate_hz: Annotated[float, Field(strict=True, gt=0, le=10_000)]
    start_s: Annotated[float, Field(strict=True, ge=0, le=100_000)]
    acceleration_m_s2: list[Acceleration] = Field(max_length=MAX_TRACE_POINTS)


class TremorEntry(Strict):
    """One stored measurement, as the API shows it and as export writes it (without the database id)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    uid: Annotated[str | None, Field(pattern=r"^[0-9a-f]{32}$")] = None
    recorded_at: IsoDateTime
    task: TaskName | None = Field(default=None, description="rest, postural (arms out), kinetic; null: not said")
    verdict: Literal["none", "physiological", "tremor"]
    frequency_hz: Annotated[float, Field(strict=True, ge=2, le=16)] | None = None
    amplitude_m_s2: Annotated[float, Field(strict=True, ge=0, le=100)] | None = None
    displacement_cm: Annotated[float, Field(strict=True, ge=0, le=1000)] | None = None
    frequency_sd_hz: Annotated[float, Field(strict=True, ge=0, le=20)] | None = None
    steady: StrictBool | None = None
    stands_out: StrictBool
    detection_limit_m_s2: Annotated[float, Field(strict=True, ge=0, le=100)]
    sample_rate_hz: Annotated[float, Field(strict=True, gt=0, le=10_000)]
    duration_s: Annotated[float, Field(strict=True, gt=0, le=3600)]
    summary: Annotated[str, Field(max_length=1000)]
    spectrum: SpectrumIn | None = None
    trace: TraceIn | None = None
    evidence: list[EvidenceOut] = Field(default_factory=list, max_length=MAX_EVIDENCE)
    note: Notes = None

    @model_validator(mode="after")
    def _consistent(self) -> TremorEntry:
        measured = (self.frequency_hz, self.amplitude_m_s2)
        if self.verdict == "tremor" and None in measured:
            raise ValueError("a tremor needs its frequency_hz and amplitude_m_s2")
        if self.verdict != "tremor" and measured != (None, None):
            raise ValueError("frequency_hz and amplitude_m_s2 are null unless the verdict is 'tremor'")
        if self.verdict != "none" and not self.stands_out:
            raise ValueError("a rhythm that does not stand out of the noise has the verdict 'none'")
        return self


def entry_from_result(result: TremorResult, *, note: str | None = None, recorded_at: datetime | None = None) -> Any:
    """A checked ``TremorEntry`` from an analysis result (its date, else ``recorded_at``, else now)."""
    when = result.recorded_at or recorded_at or datetime.now(UTC)
    data = {
        "recorded_at": when,
        "task": result.task,
        "verdict": result.verdict,
        "frequency_hz": result.frequency_hz,
        "amplitude_m_s2": result.amplitude_m_s2,
        "displacement_cm": result.displacement_cm,
        "frequency_sd_hz": result.stability.frequency_sd_hz if result.stability else None,
        "steady": result.steady,
        "stands_out": result.rhythm is not None,
        "detection_limit_m_s2": result.detection_limit_m_s2,
        "sample_rate_hz": result.sample_rate_hz,
        "duration_s": result.duration_s,
        "summary": result.summary,
        "spectrum": result.spectrum.model_dump() if result.spectrum else None,
        "trace": result.trace.model_dump() if result.trace else None,
        "evidence": [e.model_dump(mode="json") for e in result.evidence],
        "note": note,
    }
    return parse(TremorEntry, data)


def row_values(entry: TremorEntry, timezone: str) -> dict[str, Any]:
    """The table's column values of an entry (time as naive UTC with its offset), checked against the clock."""
    utc, offset = to_storage(entry.recorded_at, timezone, "recorded_at")
    check_moment("recorded_at", utc)
    values = entry.model_dump(mode="json", exclude={"uid", "recorded_at"})
    return values | {"uid": entry.uid, "recorded_at": utc, "utc_offset_min": offset}


def add_tremor(session: Session, *, user: m.User, entry: TremorEntry) -> m.TremorRecording:
    """Store a measurement in the person's diary."""
    values = row_values(entry, user.timezone)
    if entry.uid is not None:
        existing = session.scalar(
            select(m.TremorRecording.id).where(m.TremorRecording.user_id == user.id, m.TremorRecording.uid == entry.uid)
        )
        if existing is not None:
            raise TwitchcheckError(
                "conflict", "duplicate", f"this measurement is already in your diary (id {existing})", {"id": existing}
            )
    row = m.TremorRecording(user_id=user.id, **{k: v for k, v in values.items() if k != "uid"})
    if entry.uid:
        row.uid = entry.uid
    session.add(row)
    session.flush()
    return row


def _task(task: str | None) -> list[Any]:
    return [m.TremorRecording.task == task] if task is not None else []


def list_tremors(
    session: Session, *, user_id: int, task: str | None = None, limit: int | None = None, offset: int = 0
) -> list[m.TremorRecording]:
    """The person's measurements, oldest first (optionally of one task), a page at a time."""
    return TREMORS.list(session, user_id=user_id, where=_task(task), limit=limit, offset=offset)


def count_tremors(session: Session, *, user_id: int, task: str | None = None) -> int:
    """How many measurements the person has stored (of one task, if given)."""
    return TREMORS.count(session, user_id=user_id, where=_task(task))


def get_tremor(session: Session, *, user_id: int, tremor_id: int) -> m.TremorRecording:
    """One of the person's measurements (404 for another person's id, as for one that does not exist)."""
    return TREMORS.get(session, user_id=user_id, key=tremor_id)


def delete_tremor(session: Session, *, user_id: int, tremor_id: int) -> None:
    """Delete a measurement."""
    TREMORS.delete(session, user_id=user_id, key=tremor_id)


def tremor_dict(row: m.TremorRecording, *, full: bool = True) -> dict[str, Any]:
    """A measurement as the API shows it (``full``: with its spectrum, trace and evidence)."""
    out: dict[str, Any] = {"id": row.id}
    for name in EXPORT_FIELDS:
        out[name] = getattr(row, name)
    out["recorded_at"] = iso(from_storage(row.recorded_at, row.utc_offset_min))
    out["evidence"] = list(row.evidence or [])
    out["created_at"] = iso(row.created_at.replace(tzinfo=UTC))
    if not full:
        for name in ("spectrum", "trace", "evidence"):
            out.pop(name)
    return out


def export_row(row: m.TremorRecording) -> dict[str, Any]:
    """A measurement in export form (no database id or bookkeeping time)."""
    return {k: v for k, v in tremor_dict(row).items() if k in EXPORT_FIELDS}


def as_result(entry: dict[str, Any]) -> TremorResult:
    """A stored measurement (export form) as a ``TremorResult`` for ``twitchcheck.tremor.plot``."""
    return TremorResult(
        task=entry.get("task"),
        verdict=entry["verdict"],
        frequency_hz=entry.get("frequency_hz"),
        amplitude_m_s2=entry.get("amplitude_m_s2"),
        displacement_cm=entry.get("displacement_cm"),
        steady=entry.get("steady"),
        detection_limit_m_s2=entry["detection_limit_m_s2"],
        duration_s=entry["duration_s"],
        sample_rate_hz=entry["sample_rate_hz"],
        samples=round(entry["duration_s"] * entry["sample_rate_hz"]),
        summary=entry["summary"],
        notes=[],
        evidence=[],
        spectrum=Spectrum.model_validate(entry["spectrum"]) if entry.get("spectrum") else None,
        trace=Trace.model_validate(entry["trace"]) if entry.get("trace") else None,
    )
