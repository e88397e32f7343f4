"""Export and import: JSON and CSV that round-trip exactly (export, import, export gives the same bytes).

Every record carries its ``uid``, so importing a file twice updates instead of duplicating, and a
diary moves between accounts, databases and the command line unchanged. Import checks every row
first (with the same rules as the API) and stores all of them or none.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.diary import service as svc
from twitchcheck.diary.errors import DiaryError
from twitchcheck.diary.schemas import DayIn, EpisodeIn, MedicationIn, Strict, SymptomIn, check_assessment, parse

FORMAT, VERSION = "twitchcheck-diary", 1
KINDS = ("episodes", "days", "medications", "symptoms", "assessments")
EPISODE_FIELDS = ("uid", "occurred_at", "body_part", "side", "movement", "count", "duration_s", "intensity", "notes")
DAY_FIELDS = (
    "date",
    "sleep_hours",
    "caffeine_mg",
    "alcohol_units",
    "stress",
    "exercise_minutes",
    "supplements",
    "notes",
)
MEDICATION_FIELDS = ("uid", "name", "dose", "start", "stop", "notes")
SYMPTOM_FIELDS = ("uid", "date", "symptom", "severity", "notes")
CSV_COLUMNS = (
    "record",
    "uid",
    "date",
    "occurred_at",
    "body_part",
    "side",
    "movement",
    "count",
    "duration_s",
    "intensity",
    "sleep_hours",
    "caffeine_mg",
    "alcohol_units",
    "stress",
    "exercise_minutes",
    "supplements",
    "name",
    "dose",
    "start",
    "stop",
    "symptom",
    "severity",
    "notes",
    "saved_at",
    "assessment",
)
INTEGERS = {"count", "intensity", "stress", "severity"}
FLOATS = {"duration_s", "sleep_hours", "caffeine_mg", "alcohol_units", "exercise_minutes"}
RECORD = {"episode": "episodes", "day": "days", "medication": "medications", "symptom": "symptoms"}
RECORD |= {"assessment": "assessments"}


def collect(session: Session, *, user: m.User) -> dict[str, Any]:
    """The whole diary in export form (sorted, without database ids or bookkeeping times)."""
    episodes = [
        {k: v for k, v in svc.episode_dict(e).items() if k in EPISODE_FIELDS}
        for e in svc.list_episodes(session, user_id=user.id)
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "timezone": user.timezone,
        "episodes": sorted(episodes, key=lambda e: (datetime.fromisoformat(e["occurred_at"]), e["uid"])),
        "days": [svc.day_dict(d) for d in svc.list_days(session, user_id=user.id)],
        "medications": [
            {k: v for k, v in svc.medication_dict(r).items() if k in MEDICATION_FIELDS}
            for r in sorted(svc.list_medications(session, user_id=user.id), key=lambda r: (r.start, r.uid))
        ],
        "symptoms": [
            {k: v for k, v in svc.symptom_dict(r).items() if k in SYMPTOM_FIELDS}
            for r in sorted(svc.list_symptoms(session, user_id=user.id), key=lambda r: (r.date, r.uid))
        ],
        "assessments": [
            {"uid": r.uid, "saved_at": svc.iso(r.saved_at.replace(tzinfo=svc.UTC)), "assessment": r.data}
            for r in sorted(svc.list_assessments(session, user_id=user.id), key=lambda r: (r.saved_at, r.uid))
        ],
    }


def to_json(data: dict[str, Any]) -> str:
    """The export as JSON text."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def to_csv(data: dict[str, Any]) -> str:
    """The export as one CSV table: a ``record`` column says which kind each row is."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record, kind in RECORD.items():
        for row in data[kind]:
            writer.writerow({"record": record, **{k: _cell(v) for k, v in row.items()}})
    return buffer.getvalue()


def _typed(column: str, text: str) -> Any:
    """A CSV cell back to its JSON type (numbers stay text when they are not numbers, to be refused)."""
    if column == "supplements":
        return [part.strip() for part in text.split(";") if part.strip()]
    if text == "":
        return None
    try:
        if column in INTEGERS:
            return int(text)
        if column in FLOATS:
            return float(text)
    except ValueError:
        return text
    if column == "assessment":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text


def from_csv(text: str) -> dict[str, Any]:
    """A CSV export back to the JSON export form (the rows are checked on import)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"record"} - set(reader.fieldnames or ())
    if missing:
        raise DiaryError(422, "invalid_import", "this CSV has no 'record' column; export a diary to see the format")
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION} | {kind: [] for kind in KINDS}
    fields = {"episodes": EPISODE_FIELDS, "days": DAY_FIELDS, "medications": MEDICATION_FIELDS}
    fields |= {"symptoms": SYMPTOM_FIELDS, "assessments": ("uid", "saved_at", "assessment")}
    for number, row in enumerate(reader, start=2):
        kind = RECORD.get((row.get("record") or "").strip())
        if kind is None:
            problem = "record must be one of: " + ", ".join(RECORD)
            raise DiaryError(
                422, "invalid_import", f"line {number}: {problem}", [{"field": f"line {number}", "problem": problem}]
            )
        data[kind].append({k: _typed(k, row.get(k) or "") for k in fields[kind]})
    return data


def parse_upload(body: bytes) -> dict[str, Any]:
    """An uploaded export (JSON or CSV, told apart by its first character)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DiaryError(422, "invalid_import", "the file is not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DiaryError(
                400, "invalid_json", f"the file is not valid JSON ({exc.msg}, line {exc.lineno})"
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise DiaryError(422, "invalid_import", f"this is not a {FORMAT} export (its 'format' is not {FORMAT!r})")
        return data
    if not text.strip():
        raise DiaryError(422, "invalid_import", "the file is empty")
    return from_csv(text)


def _day(value: Any) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DiaryError(
            422, "validation_error", "date", [{"field": "date", "problem": "must be a date (YYYY-MM-DD)"}]
        ) from None


def _check_rows(data: dict[str, Any]) -> dict[str, list[Any]]:
    """Every row validated; all problems (up to 50) reported at once, with where they are."""
    models: dict[str, type[Strict]] = {"episodes": EpisodeIn, "medications": MedicationIn, "symptoms": SymptomIn}
    out: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    problems: list[dict[str, str]] = []
    for kind in KINDS:
        rows = data.get(kind) or []
        if not isinstance(rows, list):
            problems.append({"field": kind, "problem": "must be a list"})
            continue
        for i, row in enumerate(rows):
            try:
                if not isinstance(row, dict):
                    raise DiaryError(
                        422, "validation_error", "must be an object", [{"field": "", "problem": "must be an object"}]
                    )
                if kind == "days":
                    out[kind].append(
                        (parse(DayIn, {k: v for k, v in row.items() if k != "date"}), _day(row.get("date")))
                    )
                elif kind == "assessments":
                    saved = datetime.fromisoformat(row["saved_at"]) if row.get("saved_at") else None
                    out[kind].append((check_assessment(row.get("assessment")), saved, row.get("uid")))
                else:
                    out[kind].append(parse(models[kind], row))
            except (DiaryError, ValueError, TypeError, KeyError) as exc:
                for detail in getattr(exc, "details", None) or [{"field": "", "problem": str(exc)}]:
                    where = f"{kind}[{i}]" + (f".{detail['field']}" if detail.get("field") else "")
                    problems.append({"field": where, "problem": detail["problem"]})
            if len(problems) >= 50:
                break
    if problems:
        first = problems[0]
        message = f"nothing was imported: {first['field']}: {first['problem']}"
        raise DiaryError(
            422, "invalid_import", message + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""), problems
        )
    return out


def _import_episodes(session: Session, user: m.User, items: list[Any]) -> dict[str, int]:
    """Episodes: known uids updated in place, new ones inserted in one statement."""
    counts = {"added": 0, "updated": 0}
    wanted = [item.uid for item in items if item.uid]
    existing = {
        e.uid: e
        for chunk in range(0, len(wanted), 500)
        for e in session.scalars(
            select(m.Episode).where(m.Episode.user_id == user.id, m.Episode.uid.in_(wanted[chunk : chunk + 500]))
        )
    }
    new_rows = []
    now = m.utcnow()
    for item in items:
        utc, offset = svc.to_storage(item.occurred_at, user.timezone)
        svc.check_moment("occurred_at", utc)
        values = item.model_dump(exclude={"occurred_at", "uid"}) | {"occurred_at": utc, "utc_offset_min": offset}
        if item.uid in existing:
            for key, value in values.items():
                setattr(existing[item.uid], key, value)
            counts["updated"] += 1
        else:
            uid = item.uid or m.new_uid()
            new_rows.append(values | {"uid": uid, "user_id": user.id, "created_at": now, "updated_at": now})
            counts["added"] += 1
    if new_rows:
        session.execute(insert(m.Episode), new_rows)
    return counts


def _import_records(session: Session, user: m.User, kind: str, items: list[Any]) -> dict[str, int]:
    """Medicines or symptoms: known uids updated (checked like new ones), others added."""
    model: Any = m.Medication if kind == "medications" else m.Symptom
    counts = {"added": 0, "updated": 0}
    for item in items:
        existing = item.uid and session.scalar(select(model).where(model.user_id == user.id, model.uid == item.uid))
        if not existing:
            (svc.add_medication if kind == "medications" else svc.add_symptom)(session, user=user, data=item)
            counts["added"] += 1
            continue
        if kind == "medications":
            svc.check_period(item.start, item.stop, user.timezone)
        else:
            svc.check_date("date", item.date, user.timezone)
        for key, value in item.model_dump(exclude={"uid"}).items():
            setattr(existing, key, value)
        counts["updated"] += 1
    return counts


def _import_assessments(session: Session, user: m.User, items: list[Any]) -> dict[str, int]:
    counts = {"added": 0, "updated": 0}
    for body, saved_at, uid in items:
        query = select(m.SavedAssessment).where(m.SavedAssessment.user_id == user.id, m.SavedAssessment.uid == uid)
        existing = uid and session.scalar(query)
        if existing:
            existing.data, existing.triage_level = body, body["triage"]["level"]
            counts["updated"] += 1
        else:
            svc.save_assessment(session, user_id=user.id, data=body, saved_at=saved_at, uid=uid)
            counts["added"] += 1
    return counts


def import_data(session: Session, *, user: m.User, data: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Store an export in the person's diary (by uid: new rows added, known rows updated)."""
    rows = _check_rows(data)
    counts = {"episodes": _import_episodes(session, user, rows["episodes"]), "days": {"added": 0, "updated": 0}}
    for day_in, day in rows["days"]:
        _, created = svc.put_day(session, user=user, day=day, data=day_in)
        counts["days"]["added" if created else "updated"] += 1
    for kind in ("medications", "symptoms"):
        counts[kind] = _import_records(session, user, kind, rows[kind])
    counts["assessments"] = _import_assessments(session, user, rows["assessments"])
    session.flush()
    return counts
