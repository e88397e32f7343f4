"""Importing an export: check everything first, then store it in a few set-based statements.

``prepare`` validates every row with the same rules as the API (types, names, uids, no future
dates, times inside the calendar) and reports all problems at once (up to 50), before any
database work. ``store`` then writes inside the caller's transaction with a bounded number of
statements (one look-up per 500 uids, one bulk insert and one bulk update per kind), so even ten
years of diary holds the write lock for well under a second, and a refused file stores nothing.
Records with a known uid (dates, for days) are updated; the others are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.diary import service as svc
from twitchcheck.diary import tremor_store
from twitchcheck.diary.schemas import (
    UID_PATTERN,
    DayIn,
    EpisodeIn,
    MedicationIn,
    Strict,
    SymptomIn,
    check_assessment,
    parse,
)
from twitchcheck.errors import TwitchcheckError

KINDS = ("episodes", "days", "medications", "symptoms", "assessments", "tremors")
MAX_PROBLEMS = 50
CHUNK = 500


@dataclass
class Prepared:
    """Checked rows, ready to store: plain column values per kind (uids set, times in storage form)."""

    episodes: list[dict[str, Any]] = field(default_factory=list)
    days: dict[date, dict[str, Any]] = field(default_factory=dict)
    medications: list[dict[str, Any]] = field(default_factory=list)
    symptoms: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    tremors: list[dict[str, Any]] = field(default_factory=list)


def _problem(exc: Exception) -> list[dict[str, str]]:
    details = getattr(exc, "details", None)
    if isinstance(details, list) and details:
        return [{"field": str(d.get("field", "")), "problem": str(d.get("problem", ""))} for d in details]
    return [{"field": "", "problem": getattr(exc, "message", None) or str(exc)}]


def _field_error(name: str, problem: str) -> TwitchcheckError:
    return TwitchcheckError("invalid", "validation_error", f"{name}: {problem}", [{"field": name, "problem": problem}])


def _uid(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not UID_PATTERN.fullmatch(value):
        raise _field_error("uid", "must be 32 lower-case hex digits (as exported)")
    return value


def _day(value: Any) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _field_error("date", "must be a date (YYYY-MM-DD)") from None


def _episode(row: dict[str, Any], timezone: str) -> dict[str, Any]:
    item = parse(EpisodeIn, row)
    utc, offset = svc.to_storage(item.occurred_at, timezone, "occurred_at")
    svc.check_moment("occurred_at", utc)
    values = item.model_dump(exclude={"occurred_at", "uid"})
    return values | {"uid": item.uid, "occurred_at": utc, "utc_offset_min": offset}


def _record(model: type[Strict], row: dict[str, Any], timezone: str) -> dict[str, Any]:
    item = parse(model, row)
    if model is MedicationIn:
        svc.check_period(item.start, item.stop, timezone)
    else:
        svc.check_date("date", item.date, timezone)
    return item.model_dump()


def _assessment(row: dict[str, Any]) -> dict[str, Any]:
    uid = _uid(row.get("uid"))
    saved = row.get("saved_at")
    if saved is None:
        when = m.utcnow()
    else:
        try:
            moment = datetime.fromisoformat(saved) if isinstance(saved, str) else None
        except ValueError:
            moment = None
        if moment is None:
            raise _field_error("saved_at", "must be ISO 8601 text, e.g. 2026-11-20T21:15:00+00:00")
        when = svc.to_storage(moment, "UTC", "saved_at")[0]
        svc.check_moment("saved_at", when)
    body = check_assessment(row.get("assessment"))
    return {"uid": uid, "saved_at": when, "triage_level": body["triage"]["level"], "data": body}


def _check_row(kind: str, row: Any, timezone: str, prepared: Prepared) -> None:
    if not isinstance(row, dict):
        raise _field_error("", "must be an object")
    if kind == "episodes":
        prepared.episodes.append(_episode(row, timezone))
    elif kind == "days":
        day = _day(row.get("date"))
        svc.check_date("date", day, timezone)
        prepared.days[day] = parse(DayIn, {k: v for k, v in row.items() if k != "date"}).model_dump()
    elif kind == "medications":
        prepared.medications.append(_record(MedicationIn, row, timezone))
    elif kind == "symptoms":
        prepared.symptoms.append(_record(SymptomIn, row, timezone))
    elif kind == "tremors":
        prepared.tremors.append(tremor_store.row_values(parse(tremor_store.TremorEntry, row), timezone))
    else:
        prepared.assessments.append(_assessment(row))


def _duplicate_uids(prepared: Prepared, problems: list[dict[str, str]]) -> None:
    for kind in ("episodes", "medications", "symptoms", "assessments", "tremors"):
        seen: set[str] = set()
        for i, row in enumerate(getattr(prepared, kind)):
            uid = row.get("uid")
            if uid in seen:
                problems.append({"field": f"{kind}[{i}].uid", "problem": "appears twice in this file"})
            if uid:
                seen.add(uid)


def prepare(data: dict[str, Any], *, timezone: str) -> Prepared:
    """Every row checked (all problems at once, up to 50, with where they are); nothing touches the database."""
    prepared = Prepared()
    problems: list[dict[str, str]] = []
    for kind in KINDS:
        rows = data.get(kind) or []
        if not isinstance(rows, list):
            problems.append({"field": kind, "problem": "must be a list"})
            continue
        for i, row in enumerate(rows):
            try:
                _check_row(kind, row, timezone, prepared)
            except (TwitchcheckError, ValueError, TypeError, KeyError) as exc:
                for detail in _problem(exc):
                    where = f"{kind}[{i}]" + (f".{detail['field']}" if detail["field"] else "")
                    problems.append({"field": where, "problem": detail["problem"]})
            if len(problems) >= MAX_PROBLEMS:
                break
    if not problems:
        _duplicate_uids(prepared, problems)
    if problems:
        first = problems[0]
        message = f"nothing was imported: {first['field']}: {first['problem']}"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TwitchcheckError("invalid", "invalid_import", message + more, problems[:MAX_PROBLEMS])
    return prepared


def _existing(session: Session, model: Any, key: str, user_id: int, keys: list[Any]) -> dict[Any, int]:
    """Key -> id of the person's rows among ``keys`` (one query per CHUNK keys)."""
    column = getattr(model, key)
    found: dict[Any, int] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        query = select(column, model.id).where(model.user_id == user_id, column.in_(chunk))
        found |= {row[0]: row[1] for row in session.execute(query)}
    return found


def _upsert(
    session: Session,
    model: Any,
    key: str,
    rows: list[dict[str, Any]],
    user_id: int,
    *,
    on_insert: dict[str, Any] | None = None,
    kept: tuple[str, ...] = (),
) -> dict[str, int]:
    """Known keys are updated by primary key in bulk (but not ``kept``); the rest inserted in bulk.

    Inserted rows get the ``on_insert`` values, and a new uid when they have none.
    """
    keys = [row[key] for row in rows if row.get(key) is not None]
    known = _existing(session, model, key, user_id, keys)
    updates = [
        {k: v for k, v in row.items() if k != key and k not in kept} | {"id": known[row[key]]}
        for row in rows
        if row.get(key) in known
    ]
    inserts = [
        row
        | (on_insert or {})
        | {"user_id": user_id}
        | ({key: m.new_uid()} if key == "uid" and not row.get(key) else {})
        for row in rows
        if row.get(key) not in known
    ]
    if updates:
        session.execute(update(model), updates)
    if inserts:
        session.execute(insert(model), inserts)
    return {"added": len(inserts), "updated": len(updates)}


def store(session: Session, *, user: m.User, prepared: Prepared) -> dict[str, dict[str, int]]:
    """Store checked rows in the person's diary (inside the caller's transaction)."""
    now = m.utcnow()
    episodes = [row | {"updated_at": now} for row in prepared.episodes]
    counts = {"episodes": _upsert(session, m.Episode, "uid", episodes, user.id, on_insert={"created_at": now})}
    days = [values | {"date": day, "updated_at": now} for day, values in sorted(prepared.days.items())]
    counts["days"] = _upsert(session, m.Day, "date", days, user.id)
    for kind, model in (("medications", m.Medication), ("symptoms", m.Symptom)):
        rows = getattr(prepared, kind)
        counts[kind] = _upsert(session, model, "uid", rows, user.id, on_insert={"created_at": now})
    counts["assessments"] = _upsert(
        session, m.SavedAssessment, "uid", prepared.assessments, user.id, kept=("saved_at",)
    )
    counts["tremors"] = _upsert(
        session, m.TremorRecording, "uid", prepared.tremors, user.id, on_insert={"created_at": now}
    )
    return counts


def import_data(session: Session, *, user: m.User, data: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Check and store an export in one go (for callers that already hold a transaction)."""
    return store(session, user=user, prepared=prepare(data, timezone=user.timezone))
