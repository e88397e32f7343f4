"""The tremor measurement over HTTP: ``POST /api/v1/tremor`` (one recording) and ``POST /api/v1/tremor/session``.

A recording comes as CSV (a ``text/csv`` body, or a ``multipart/form-data`` upload in the field
``file``) or as JSON ``{"t": [...], "x": [...], "y": [...], "z": [...]}``; the answer is what
``twitchcheck tremor --json`` prints. The session route takes the web page's guided tasks in one
JSON body and answers with their combined evidence. Bodies are limited to ``MAX_TREMOR_BODY``
before they are read, and every problem (too short, too coarse, gaps, missing columns, values
that are not numbers) is a 4xx in the one error shape.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, ValidationError

from twitchcheck.errors import TwitchcheckError
from twitchcheck.tremor import Recording, RecordingError, TremorResult, TremorSession, analyse, combine, read_csv
from twitchcheck.tremor.recording import MAX_SAMPLES
from twitchcheck.web.api.models import ERRORS, ErrorOut, Loose
from twitchcheck.web.jsonresp import JSONResponse
from twitchcheck.web.uploads import decode_text, read_body, recording_error, uploaded_csv

MAX_RECORDINGS = 6
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "text/comma-separated-values")
TaskParam = Literal["rest", "postural", "kinetic"]
Number = StrictFloat  # ints are accepted, strings and true/false are not

tremor_api = APIRouter(prefix="/api/v1", tags=["tremor"])


class RecordingIn(BaseModel):
    """One recording: time in seconds and x, y, z acceleration in m/s^2 (gravity may be included)."""

    model_config = ConfigDict(extra="forbid")

    t: list[Number] = Field(max_length=MAX_SAMPLES, description="seconds, increasing")
    x: list[Number] = Field(max_length=MAX_SAMPLES, description="m/s^2")
    y: list[Number] = Field(max_length=MAX_SAMPLES, description="m/s^2")
    z: list[Number] = Field(max_length=MAX_SAMPLES, description="m/s^2")
    task: TaskParam | None = Field(default=None, description="rest (hands in the lap), postural (arms out), kinetic")
    recorded_at: datetime | None = None


class SessionIn(BaseModel):
    """Recordings made together, such as the three guided tasks."""

    model_config = ConfigDict(extra="forbid")

    recordings: list[RecordingIn] = Field(min_length=1, max_length=MAX_RECORDINGS)
    recorded_at: datetime | None = None


class TremorOut(Loose):
    """What ``twitchcheck tremor --json`` prints (see CONTRACT.md)."""

    frequency_hz: float | None
    amplitude_m_s2: float | None
    evidence: list[dict[str, Any]]
    summary: str
    notes: list[str]


class SessionOut(TremorOut):
    """The session's largest tremor, combined evidence, and each recording's result."""

    measurements: list[TremorOut]


TREMOR_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    413: {"model": ErrorOut, "description": "The body is larger than 10 MB"},
    415: {"model": ErrorOut, "description": "Not CSV, a multipart upload or JSON"},
}
CSV_BODY = {"type": "string", "description": "CSV with a header: a time column (s) and x, y, z (m/s^2)"}


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema with its ``$defs`` written in place (the OpenAPI document has no ``$defs``)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return dict(resolve(schema))


RECORDING_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": inline_schema(RecordingIn)},
            "text/csv": {"schema": CSV_BODY},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def validation_error(exc: ValidationError) -> TwitchcheckError:
    """Pydantic's complaints as ``[{"field", "problem"}]``."""
    details = [{"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in exc.errors()[:20]]
    return TwitchcheckError("invalid", "validation_error", "the request is not valid", details)


def parse_json(raw: bytes, model: type[BaseModel]) -> Any:
    """A JSON body checked against its model (invalid JSON is a 400)."""
    try:
        json.loads(raw)
    except ValueError:
        raise TwitchcheckError("bad_request", "invalid_json", "the request body is not valid JSON") from None
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_error(exc) from None


def columns(body: RecordingIn) -> Recording:
    """A checked recording from JSON columns."""
    return Recording.from_columns(body.t, body.x, body.y, body.z)


def _date(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise TwitchcheckError("invalid", "invalid_date", "recorded_at must be a date and time in ISO 8601") from None


async def measure(request: Request, task: str | None, recorded_at: str | None) -> TremorResult:
    """Analyse the recording in a request of any accepted content type."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await read_body(request)
    when = _date(recorded_at)
    try:
        if kind == "application/json":
            body = parse_json(raw, RecordingIn)
            return analyse(columns(body), body.task or task, body.recorded_at or when)  # type: ignore[arg-type]
        if kind == "multipart/form-data":
            text, fields = await uploaded_csv(request, raw)
            chosen = fields.get("task") or task
            if chosen not in (None, "", "rest", "postural", "kinetic"):
                raise TwitchcheckError("invalid", "invalid_task", "task must be rest, postural or kinetic")
            return analyse(read_csv(text), chosen or None, when)  # type: ignore[arg-type]
        if kind in CSV_TYPES:
            return analyse(read_csv(decode_text(raw)), task, when)  # type: ignore[arg-type]
    except RecordingError as exc:
        raise recording_error(exc) from None
    raise TwitchcheckError(
        "unsupported_media_type",
        "unsupported_media_type",
        "send the recording as text/csv, multipart/form-data or application/json",
    )


def session(body: SessionIn) -> TremorSession:
    """Analyse every recording of a session and combine them; a bad recording is named in the error."""
    results = []
    for index, item in enumerate(body.recordings):
        try:
            results.append(analyse(columns(item), item.task, item.recorded_at or body.recorded_at))
        except RecordingError as exc:
            raise recording_error(exc, {"recording": index, "task": item.task}) from None
    return combine(results, body.recorded_at)


@tremor_api.post("/tremor", responses={200: {"model": TremorOut}, **TREMOR_ERRORS}, openapi_extra=RECORDING_BODY)
async def tremor(
    request: Request,
    task: Annotated[TaskParam | None, Query(description="how it was recorded (for CSV uploads)")] = None,
    recorded_at: Annotated[str | None, Query(max_length=40, description="when (ISO 8601), kept in the result")] = None,
) -> JSONResponse:
    """Measure a tremor in one recording: frequency, size, steadiness and evidence (``twitchcheck tremor --json``)."""
    result = await measure(request, task, recorded_at)
    return JSONResponse(result.model_dump(mode="json"))


@tremor_api.post(
    "/tremor/session",
    responses={200: {"model": SessionOut}, **TREMOR_ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline_schema(SessionIn)}},
        }
    },
)
async def tremor_session(request: Request) -> JSONResponse:
    """Measure the guided tasks together: each recording's result and the evidence they give as a whole."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await read_body(request)
    if kind != "application/json":
        raise TwitchcheckError(
            "unsupported_media_type", "unsupported_media_type", "send the recordings as application/json"
        )
    return JSONResponse(session(parse_json(raw, SessionIn)).model_dump(mode="json"))
