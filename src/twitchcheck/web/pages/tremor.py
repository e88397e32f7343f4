"""The tremor pages: record in the browser (three guided tasks), or upload a CSV; then use it in a check.

``GET /tremor`` shows the page. Recording needs JavaScript (``static/tremor.js`` reads the motion
sensor and sends the samples to ``POST /api/v1/tremor/session``); uploading a CSV works without
it (``POST /tremor/upload`` answers with the same page and the result). ``POST /tremor/check``
starts a check whose evidence begins with the measurement's, so the differential and the "why"
of the result show it. Nothing is stored for that: the measurement travels in the form and then
in the check's address, as every check's answers do. A signed-in person may also keep it in the
diary: "Save to my diary" (``POST /tremor/save``, signed in, with the CSRF token) keeps each
measurement of the result, as ``POST /api/v1/diary/tremor`` does.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from twitchcheck.diary import tremor_store
from twitchcheck.diary.clock import zone
from twitchcheck.engine.evidence import EvidenceItem
from twitchcheck.errors import TwitchcheckError
from twitchcheck.service import default_engine
from twitchcheck.tremor import MEASUREMENT_FINDINGS, RecordingError, TremorResult, analyse, read_csv
from twitchcheck.tremor.evidence import size_words
from twitchcheck.tremor.result import TASK_NAMES
from twitchcheck.web.deps import Db, SignedInForm, Visitor, Who
from twitchcheck.web.errors import http_status
from twitchcheck.web.pages import flow
from twitchcheck.web.pages.assess import MAX_TEXT, _age, after_answers
from twitchcheck.web.templating import render
from twitchcheck.web.uploads import read_body, recording_error, uploaded_csv

tremor_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
MAX_EVIDENCE_FIELD = 4_000
MAX_SAVED_FORM = 400_000  # the three tasks' results with their spectra and traces are about 40 KB
DAMAGED = "The measurement was damaged; please measure again."


def page(
    request: Request,
    result: TremorResult | None = None,
    error: str | None = None,
    status: int = 200,
    who: Visitor | None = None,
) -> Response:
    """The tremor page, with a server-side result (CSV upload without JavaScript) or an error.

    A signed-in visitor also gets "Save to my diary" (``POST /tremor/save``, with the CSRF token).
    """
    context: dict[str, Any] = {
        "user": who.user if who else None,
        "csrf": who.csrf if who else "",
        "measurements_json": json.dumps([result.model_dump(mode="json")]) if result else "",
        "saved": request.query_params.get("saved", "")[:2],
        "tasks": TASK_NAMES,
        "result": result,
        "evidence_json": json.dumps(result.engine_evidence()) if result else "",
        "rows": [table_row(result)] if result else [],
        "error": error,
    }
    return render(request, "tremor.html", context, status=status)


def table_row(result: TremorResult) -> dict[str, str]:
    """One row of the result table: task, tremor (frequency, steadiness) and size, as tremor.js words them."""
    task = TASK_NAMES[result.task].capitalize() if result.task else "Recording"
    if result.frequency_hz is None or result.amplitude_m_s2 is None or result.displacement_cm is None:
        tremor = "none (only the normal tiny rhythm)" if result.verdict == "physiological" else "none"
        return {"task": task, "tremor": tremor, "size": "–"}
    steadiness = "" if result.steady is None else ", steady" if result.steady else ", varying"
    size = f"about {size_words(result.displacement_cm)} ({result.amplitude_m_s2:.2f} m/s² RMS)"
    return {"task": task, "tremor": f"{result.frequency_hz:.1f} Hz{steadiness}", "size": size}


@tremor_pages.get("/tremor")
def tremor_page(request: Request, who: Who) -> Response:
    """Measure a tremor: the guided recording, the CSV upload, and what the numbers mean."""
    return page(request, who=who)


@tremor_pages.post("/tremor/upload")
async def upload(request: Request, who: Who) -> Response:
    """A CSV upload from the page's form (works without JavaScript): the page again, with the result."""
    try:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "multipart/form-data":
            raise TwitchcheckError(
                "unsupported_media_type", "unsupported_media_type", "Please choose a CSV file to upload."
            )
        text, fields = await uploaded_csv(request, await read_body(request))
        task = fields.get("task") or None
        if task not in (None, *TASK_NAMES):
            raise TwitchcheckError("invalid", "invalid_task", "Please choose how you recorded it from the list.")
        try:
            result = analyse(read_csv(text), task)  # type: ignore[arg-type]
        except RecordingError as exc:
            raise recording_error(exc) from None
    except TwitchcheckError as exc:
        return page(request, error=f"This recording cannot be measured: {exc.message}.", status=http_status(exc))
    return page(request, result, who=who)


def measured_items(raw: str) -> list[EvidenceItem]:
    """The measurement's evidence from the form: only measurement findings, checked like any evidence."""
    try:
        entries = json.loads(raw) if raw.strip() else []
    except ValueError:
        raise TwitchcheckError(
            "invalid", "invalid_evidence", "The measurement was damaged; please measure again."
        ) from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise TwitchcheckError("invalid", "invalid_evidence", "The measurement was damaged; please measure again.")
    if any(e.get("id") not in MEASUREMENT_FINDINGS for e in entries):
        raise TwitchcheckError(
            "invalid", "invalid_evidence", "Only a measurement's own findings can be carried into a check."
        )
    case = default_engine().case({"evidence": entries})
    return [EvidenceItem(i.id, i.state, i.value, "initial", i.text) for i in case.evidence]


@tremor_pages.post("/tremor/check")
async def check(
    request: Request,
    evidence: Annotated[str, Form(max_length=MAX_EVIDENCE_FIELD)] = "",
    text: Annotated[str | None, Form(max_length=MAX_TEXT)] = None,
    age: Annotated[str | None, Form(max_length=10)] = None,
    sex: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Start a check with the measurement's evidence (and a description, if given): the interview, then the result."""
    try:
        items = measured_items(evidence)
        years = _age(age)
        if sex not in (None, "", "female", "male"):
            raise TwitchcheckError("invalid", "invalid_sex", "Please choose female, male or 'prefer not to say'.")
        describe = bool(text and text.strip())
        state, understood = flow.start_state(text if describe else None, years, sex or None)
    except TwitchcheckError as exc:
        return page(request, error=exc.message, status=http_status(exc))
    state = replace(state, initial=(*state.initial, *items))
    return after_answers(state, ("understood" if understood else "nothing") if describe else None)


def saved_entries(raw: str, note: str, timezone: str = "UTC") -> list[Any]:
    """The page's measurements (a JSON list of results) as checked diary entries; a damaged list is a 422.

    The browser dates its recordings in UTC; they are kept at the person's local time.
    """
    try:
        items = json.loads(raw)
    except (ValueError, RecursionError):
        items = None
    if not isinstance(items, list) or not 1 <= len(items) <= 6:
        raise TwitchcheckError("invalid", "invalid_measurement", DAMAGED)
    try:
        results = [TremorResult.model_validate(item) for item in items]
    except ValidationError:
        raise TwitchcheckError("invalid", "invalid_measurement", DAMAGED) from None
    entries = []
    for result in results:
        when = (result.recorded_at or datetime.now(UTC)).astimezone(zone(timezone))
        local = result.model_copy(update={"recorded_at": when})
        entries.append(tremor_store.entry_from_result(local, note=note.strip() or None))
    return entries


@tremor_pages.post("/tremor/save")
def save(
    db: Db,
    who: SignedInForm,
    measurements: Annotated[str, Form(max_length=MAX_SAVED_FORM)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Keep the result's measurements in the diary, then back to the page, which says where they went."""
    entries = saved_entries(measurements, note, who.user.timezone)
    with db.write() as session:
        for entry in entries:
            tremor_store.add_tremor(session, user=who.user, entry=entry)
    return RedirectResponse(f"/tremor?saved={len(entries)}", status_code=303)
