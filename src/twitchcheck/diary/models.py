"""The stored records: people (accounts), their sign-ins, and their diary.

Every diary row belongs to one user (``user_id``, deleted with the user). Times are stored as
naive UTC with the person's UTC offset beside them, so the same instant sorts the same on SQLite
and PostgreSQL and is shown back at the local time it was written. ``uid`` is a stable record
identity used by export and import (re-importing a file updates instead of duplicating).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Now, as naive UTC (the storage convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_uid() -> str:
    """A new random record identity (32 hex digits)."""
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    """The declarative base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


def _owner() -> Mapped[int]:
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class User(Base):
    """A person with an account (email and password), or the command line's local profile."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The doctor report's header (all optional): a name to show, year of birth, sex, and when the
    # twitching began in the person's own words or as a date ("2026-10-15", "2026-10", "mid October").
    display_name: Mapped[str | None] = mapped_column(String(200))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(8))
    twitching_began: Mapped[str | None] = mapped_column(String(200))


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _owner()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class WebSession(Base):
    """A signed-in browser: the cookie's SHA-256 and the session's CSRF token."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _owner()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)


class RecoveryCode(Base):
    """A one-time recovery code (a way back in without email): a salted SHA-256, never the code itself."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _owner()
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class ReadinessCheck(Base):
    """One row the readiness probe writes, to prove the database takes writes."""

    __tablename__ = "readiness_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LoginAttempt(Base):
    """A failed sign-in, kept for the rate limit (the account as a hash, never the address in clear)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_account_client", "account_key", "client"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Episode(Base):
    """One episode of twitching: when, where, what kind, how many, how long and how strong."""

    __tablename__ = "episodes"
    __table_args__ = (
        UniqueConstraint("user_id", "uid", name="uq_episodes_user_uid"),
        Index("ix_episodes_user_time", "user_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), default=new_uid)
    user_id: Mapped[int] = _owner()
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    utc_offset_min: Mapped[int] = mapped_column(Integer, default=0)
    body_part: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(8))
    movement: Mapped[str] = mapped_column(String(16))
    count: Mapped[int | None] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    intensity: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Day(Base):
    """The day's factors: sleep, caffeine, alcohol, stress, exercise and supplements taken."""

    __tablename__ = "days"
    __table_args__ = (UniqueConstraint("user_id", "date", name="uq_days_user_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _owner()
    date: Mapped[date] = mapped_column(Date)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    caffeine_mg: Mapped[float | None] = mapped_column(Float)
    alcohol_units: Mapped[float | None] = mapped_column(Float)
    stress: Mapped[int | None] = mapped_column(Integer)
    exercise_minutes: Mapped[float | None] = mapped_column(Float)
    supplements: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    # The drinks tapped on the day form (caffeine_mg holds the day's total, these only refill the form).
    coffee_cups: Mapped[int | None] = mapped_column(Integer)
    tea_cups: Mapped[int | None] = mapped_column(Integer)
    energy_drinks: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Medication(Base):
    """A medicine taken: name, dose, and the dates it was started and stopped."""

    __tablename__ = "medications"
    __table_args__ = (UniqueConstraint("user_id", "uid", name="uq_medications_user_uid"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), default=new_uid)
    user_id: Mapped[int] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    dose: Mapped[str | None] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    stop: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Symptom(Base):
    """Another symptom noticed on a day (a knowledge-base finding id, or the person's own words)."""

    __tablename__ = "symptoms"
    __table_args__ = (UniqueConstraint("user_id", "uid", name="uq_symptoms_user_uid"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), default=new_uid)
    user_id: Mapped[int] = _owner()
    date: Mapped[date] = mapped_column(Date)
    symptom: Mapped[str] = mapped_column(String(200))
    severity: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SavedAssessment(Base):
    """An assessment (the contract's JSON) the person chose to keep, with its triage level."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("user_id", "uid", name="uq_assessments_user_uid"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), default=new_uid)
    user_id: Mapped[int] = _owner()
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    triage_level: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class TremorRecording(Base):
    """One phone tremor measurement (``twitchcheck.tremor``): its numbers, a small spectrum and trace, a note.

    ``task`` is how it was recorded (rest, postural = arms out, kinetic = finger to nose; null when not
    said). ``frequency_hz``, ``amplitude_m_s2`` and ``displacement_cm`` are null when no tremor stood out;
    ``stands_out`` says whether any rhythm rose above the sensor's noise (a visible tremor or the
    normal tiny one). ``spectrum`` and ``trace`` are downsampled for plots, not for re-analysis.
    """

    __tablename__ = "tremor_recordings"
    __table_args__ = (
        UniqueConstraint("user_id", "uid", name="uq_tremor_recordings_user_uid"),
        Index("ix_tremor_recordings_user_time", "user_id", "recorded_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), default=new_uid)
    user_id: Mapped[int] = _owner()
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    utc_offset_min: Mapped[int] = mapped_column(Integer, default=0)
    task: Mapped[str | None] = mapped_column(String(16))
    verdict: Mapped[str] = mapped_column(String(16))
    frequency_hz: Mapped[float | None] = mapped_column(Float)
    amplitude_m_s2: Mapped[float | None] = mapped_column(Float)
    displacement_cm: Mapped[float | None] = mapped_column(Float)
    frequency_sd_hz: Mapped[float | None] = mapped_column(Float)
    steady: Mapped[bool | None] = mapped_column(Boolean)
    stands_out: Mapped[bool] = mapped_column(Boolean)
    detection_limit_m_s2: Mapped[float] = mapped_column(Float)
    sample_rate_hz: Mapped[float] = mapped_column(Float)
    duration_s: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text)
    spectrum: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    trace: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
