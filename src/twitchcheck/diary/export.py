"""Export and import: JSON and CSV that round-trip exactly (export, import, export gives the same bytes).

Every record carries its ``uid``, so importing a file twice updates instead of duplicating, and a
diary moves between accounts, databases and the command line unchanged. Import (``importer``)
checks every row first (with the same rules as the API) and stores all of them or none.

CSV cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are written with a leading ``'``, as OWASP advises; so is text that
already starts with ``'``, and import removes exactly one leading ``'``, so the round trip stays exact.
A file nested too deeply, a CSV field over 128 KB or a broken CSV is a clear 4xx, never a crash.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.diary import service as svc
from twitchcheck.diary import tremor_store
from twitchcheck.diary.records import DayOut, EpisodeOut, MedicationOut, SymptomOut
from twitchcheck.errors import TwitchcheckError

FORMAT, VERSION = "twitchcheck-diary", 1
KINDS = ("episodes", "days", "medications", "symptoms", "assessments", "tremors")
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
    # tremor measurements, as their store exports them (uid and duration_s are shared with the records above)
    *(name for name in tremor_store.EXPORT_FIELDS if name not in {"uid", "duration_s"}),
)
INTEGERS = {"count", "intensity", "stress", "severity"}
FLOATS = {"duration_s", "sleep_hours", "caffeine_mg", "alcohol_units", "exercise_minutes"}
FLOATS |= {"frequency_hz", "amplitude_m_s2", "displacement_cm", "frequency_sd_hz", "detection_limit_m_s2"}
FLOATS |= {"sample_rate_hz"}
BOOLEANS = {"steady", "stands_out"}
JSON_CELLS = {"assessment", "spectrum", "trace", "evidence"}
NUMBERS = INTEGERS | FLOATS
RECORD = {"episode": "episodes", "day": "days", "medication": "medications", "symptom": "symptoms"}
RECORD |= {"assessment": "assessments", "tremor": "tremors"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
MAX_CSV_FIELD = csv.field_size_limit()  # 128 KB: far more than any cell of an export


def neutralise_cell(text: str) -> str:
    """A cell a spreadsheet will show as text: a leading ' before a formula start (or before a leading ')."""
    return QUOTE + text if text.startswith((*FORMULA_STARTS, QUOTE)) else text


def restore_cell(text: str) -> str:
    """The exported text of a neutralised cell (one leading ' removed)."""
    return text[1:] if text.startswith(QUOTE) else text


def collect(session: Session, *, user: m.User) -> dict[str, Any]:
    """The whole diary in export form (sorted, without database ids or bookkeeping times)."""
    episodes = [
        {k: v for k, v in EpisodeOut.of(e).model_dump().items() if k in EPISODE_FIELDS}
        for e in svc.EPISODES.list(session, user_id=user.id)
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "timezone": user.timezone,
        "episodes": sorted(episodes, key=lambda e: (datetime.fromisoformat(e["occurred_at"]), e["uid"])),
        "days": [DayOut.of(d).model_dump() for d in svc.DAYS.list(session, user_id=user.id)],
        "medications": [
            {k: v for k, v in MedicationOut.of(r).model_dump().items() if k in MEDICATION_FIELDS}
            for r in sorted(svc.MEDICATIONS.list(session, user_id=user.id), key=lambda r: (r.start, r.uid))
        ],
        "symptoms": [
            {k: v for k, v in SymptomOut.of(r).model_dump().items() if k in SYMPTOM_FIELDS}
            for r in sorted(svc.SYMPTOMS.list(session, user_id=user.id), key=lambda r: (r.date, r.uid))
        ],
        "assessments": [
            {"uid": r.uid, "saved_at": svc.iso(r.saved_at.replace(tzinfo=svc.UTC)), "assessment": r.data}
            for r in sorted(svc.ASSESSMENTS.list(session, user_id=user.id), key=lambda r: (r.saved_at, r.uid))
        ],
        "tremors": [
            tremor_store.export_row(r)
            for r in sorted(tremor_store.list_tremors(session, user_id=user.id), key=lambda r: (r.recorded_at, r.uid))
        ],
    }


def to_json(data: dict[str, Any]) -> str:
    """The export as JSON text."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _cell(value: Any, column: str = "") -> str:
    if value is None:
        return ""
    if column in JSON_CELLS:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
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
        for row in data.get(kind, []):  # an export from before tremor measurements has no 'tremors'
            cells = {k: _cell(v, k) if k in NUMBERS else neutralise_cell(_cell(v, k)) for k, v in row.items()}
            writer.writerow({"record": record, **cells})
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
    if column in BOOLEANS:
        return {"true": True, "false": False}.get(text, text)
    if column in JSON_CELLS:
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return text
    return text


def from_csv(text: str) -> dict[str, Any]:
    """A CSV export back to the JSON export form (the rows are checked on import)."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or ()
    except csv.Error as exc:
        raise _csv_error(1, f"the header is not valid CSV ({exc})") from None
    missing = {"record"} - set(header)
    if missing:
        raise TwitchcheckError(
            "invalid", "invalid_import", "this CSV has no 'record' column; export a diary to see the format"
        )
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION} | {kind: [] for kind in KINDS}
    fields = {"episodes": EPISODE_FIELDS, "days": DAY_FIELDS, "medications": MEDICATION_FIELDS}
    fields |= {"symptoms": SYMPTOM_FIELDS, "assessments": ("uid", "saved_at", "assessment")}
    fields |= {"tremors": tremor_store.EXPORT_FIELDS}
    for number, row in _csv_rows(reader):
        kind = RECORD.get((row.get("record") or "").strip())
        if kind is None:
            raise _csv_error(number, "record must be one of: " + ", ".join(RECORD))
        cells = {k: row.get(k) or "" for k in fields[kind]}
        data[kind].append({k: _typed(k, v if k in NUMBERS else restore_cell(v)) for k, v in cells.items()})
    return data


def _csv_error(line: int, problem: str) -> TwitchcheckError:
    return TwitchcheckError(
        "invalid", "invalid_import", f"line {line}: {problem}", [{"field": f"line {line}", "problem": problem}]
    )


def _csv_rows(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; a broken CSV or an over-long field becomes a 422 naming the line."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num
            if "field larger than field limit" in str(exc):
                raise _csv_error(line, f"a field is too long (over {MAX_CSV_FIELD // 1024} KB)") from None
            raise _csv_error(line, f"this is not a valid CSV export ({exc})") from None
        yield reader.line_num, row


def parse_upload(body: bytes) -> dict[str, Any]:
    """An uploaded export (JSON or CSV, told apart by its first character)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TwitchcheckError("invalid", "invalid_import", "the file is not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TwitchcheckError(
                "bad_request", "invalid_json", f"the file is not valid JSON ({exc.msg}, line {exc.lineno})"
            ) from None
        except RecursionError:
            raise TwitchcheckError(
                "bad_request", "invalid_json", "the file is nested too deeply to be a diary export"
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise TwitchcheckError(
                "invalid", "invalid_import", f"this is not a {FORMAT} export (its 'format' is not {FORMAT!r})"
            )
        return data
    if not text.strip():
        raise TwitchcheckError("invalid", "invalid_import", "the file is empty")
    return from_csv(text)
