"""Tremor measurements in the diary: the JSON API under /api/v1/diary/tremor (bearer token; see web.deps).

``POST /api/v1/diary/tremor`` takes either a recording (JSON ``{"t", "x", "y", "z", "task"?,
"recorded_at"?, "note"?}``, or CSV as ``POST /api/v1/tremor`` takes it, with ``?task=&note=``),
analysed here, or an analysis result as ``POST /api/v1/tremor`` answered it (plus ``"note"``).
Either is checked whole before one write, so nothing is stored half-way. The recording page's
"Save to my diary" is ``POST /tremor/save`` in ``web.pages.tremor``. Another person's ids answer 404.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from twitchcheck.diary import tremor_store as store
from twitchcheck.errors import TwitchcheckError
from twitchcheck.tremor import TremorResult
from twitchcheck.web.api.models import AUTH_ERRORS
from twitchcheck.web.api.tremor import (
    CSV_BODY,
    RecordingIn,
    TaskParam,
    columns,
    inline_schema,
    measure,
    validation_error,
)
from twitchcheck.web.deps import ApiUser, Db
from twitchcheck.web.uploads import read_body, recording_error

diary_tremor_api = APIRouter(prefix="/api/v1/diary", tags=["diary"], responses=AUTH_ERRORS)
RecordId = Annotated[int, Path(ge=0, description="the measurement's id (from the list or the create answer)")]
PAGE, MAX_PAGE = 100, 1000


class TremorListItem(BaseModel):
    """A stored measurement without its spectrum, trace and evidence (GET one to see them)."""

    id: int
    uid: str
    recorded_at: str
    task: str | None
    verdict: str
    frequency_hz: float | None
    amplitude_m_s2: float | None
    displacement_cm: float | None
    frequency_sd_hz: float | None
    steady: bool | None
    stands_out: bool
    detection_limit_m_s2: float
    sample_rate_hz: float
    duration_s: float
    summary: str
    note: str | None
    created_at: str

    @classmethod
    def of(cls, row: Any) -> TremorListItem:
        """The measurement as the list shows it."""
        return cls.model_validate(store.tremor_dict(row, full=False))


class TremorRecordOut(TremorListItem):
    """A stored measurement in full."""

    spectrum: dict[str, Any] | None
    trace: dict[str, Any] | None
    evidence: list[dict[str, Any]]

    @classmethod
    def of(cls, row: Any) -> TremorRecordOut:
        """The measurement in full."""
        return cls.model_validate(store.tremor_dict(row))


SAVE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "description": "a recording ({t, x, y, z, task?, recorded_at?, note?}) or what "
                    "POST /api/v1/tremor answered (plus note?)",
                    "anyOf": [inline_schema(RecordingIn), {"type": "object"}],
                }
            },
            "text/csv": {"schema": CSV_BODY},
        },
    }
}


def _note(body: dict[str, Any]) -> Any:
    note = body.pop("note", None)
    if note is not None and not isinstance(note, str):
        raise TwitchcheckError(
            "invalid", "validation_error", "note: must be text", [{"field": "note", "problem": "must be text"}]
        )
    return note


def _from_json(raw: bytes) -> Any:
    """An entry from a JSON body: a recording is analysed, a result is checked as it is."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise TwitchcheckError("bad_request", "invalid_json", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise TwitchcheckError("invalid", "validation_error", "the body must be a JSON object")
    note = _note(body)
    if "t" in body:
        try:
            recording = RecordingIn.model_validate(body)
        except ValidationError as exc:
            raise validation_error(exc) from None
        from twitchcheck.tremor import RecordingError, analyse

        try:
            result = analyse(columns(recording), recording.task, recording.recorded_at)
        except RecordingError as exc:
            raise recording_error(exc) from None
    else:
        try:
            result = TremorResult.model_validate(body)
        except ValidationError as exc:
            raise validation_error(exc) from None
    return store.entry_from_result(result, note=note)


@diary_tremor_api.post("/tremor", status_code=201, openapi_extra=SAVE_BODY)
async def add_tremor(
    *,
    request: Request,
    response: Response,
    user: ApiUser,
    db: Db,
    task: Annotated[TaskParam | None, Query(description="how it was recorded (for CSV)")] = None,
    recorded_at: Annotated[str | None, Query(max_length=40, description="when (ISO 8601), for CSV")] = None,
    note: Annotated[str | None, Query(max_length=2000, description="a note kept with it, for CSV")] = None,
) -> TremorRecordOut:
    """Keep a tremor measurement in your diary (201): a recording (analysed here) or an analysis result."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        entry = _from_json(await read_body(request))
    else:
        entry = store.entry_from_result(await measure(request, task, recorded_at), note=note)
    with db.write() as session:
        out = TremorRecordOut.of(store.add_tremor(session, user=user, entry=entry))
    response.headers["Location"] = f"/api/v1/diary/tremor/{out.id}"
    return out


@diary_tremor_api.get("/tremor")
def list_tremor(
    *,
    request: Request,
    response: Response,
    user: ApiUser,
    db: Db,
    task: Annotated[TaskParam | None, Query(description="only this task")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"at most this many (default {PAGE})")] = PAGE,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[TremorListItem]:
    """Your measurements, oldest first, a page at a time (``X-Total-Count``; ``Link`` to the next page)."""
    with db.read() as session:
        rows = store.list_tremors(session, user_id=user.id, task=task, limit=limit, offset=offset)
        total = store.count_tremors(session, user_id=user.id, task=task)
        out = [TremorListItem.of(r) for r in rows]
    response.headers["X-Total-Count"] = str(total)
    if offset + len(rows) < total:
        query = dict(request.query_params) | {"offset": str(offset + len(rows)), "limit": str(limit)}
        response.headers["Link"] = f'<{request.url.path}?{urlencode(query)}>; rel="next"'
    return out


@diary_tremor_api.get("/tremor/{tremor_id}")
def get_tremor(tremor_id: RecordId, user: ApiUser, db: Db) -> TremorRecordOut:
    """One of your measurements, with its spectrum, trace and evidence."""
    with db.read() as session:
        return TremorRecordOut.of(store.get_tremor(session, user_id=user.id, tremor_id=tremor_id))


@diary_tremor_api.delete("/tremor/{tremor_id}", status_code=204)
def delete_tremor(tremor_id: RecordId, user: ApiUser, db: Db) -> Response:
    """Delete a measurement."""
    with db.write() as session:
        store.delete_tremor(session, user_id=user.id, tremor_id=tremor_id)
    return Response(status_code=204)
