"""The diary's JSON API under /api/v1/diary (bearer token; see web.auth).

Every route works on the signed-in person's own records only: another person's ids answer 404,
exactly like ids that do not exist. Writes are one transaction each, so a refused entry leaves
nothing behind.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel

from twitchcheck.diary import export as export_mod
from twitchcheck.diary import importer
from twitchcheck.diary import service as svc
from twitchcheck.diary.schemas import DayIn, EpisodeIn, EpisodePatch, MedicationIn, MedicationPatch, SymptomIn
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web.auth import AUTH_ERRORS, ApiUser, Db
from twitchcheck.web.jsonresp import JSONResponse

diary_api = APIRouter(prefix="/api/v1/diary", tags=["diary"], responses=AUTH_ERRORS)
RecordId = Annotated[int, Path(ge=0, description="the record's id (from the list or the create answer)")]
PAGE, MAX_PAGE = 100, 1000  # episodes per page: by default, and at most
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json", "fhir": "application/fhir+json"}


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
    triage: dict[str, Any] | None = None  # on create: the check's triage when the notes name a warning sign


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


class MedicationOut(BaseModel):
    """A medicine."""

    id: int
    uid: str
    name: str
    dose: str | None
    start: str
    stop: str | None
    notes: str | None


class SymptomOut(BaseModel):
    """Another symptom."""

    id: int
    uid: str
    date: str
    symptom: str
    severity: int | None
    notes: str | None
    triage: dict[str, Any] | None = None  # on create: the check's triage when the entry is a warning sign


class AssessmentOut(BaseModel):
    """A saved assessment (with the assessment itself when asked for one)."""

    id: int
    uid: str
    saved_at: str
    triage_level: str
    top_condition: str | None
    assessment: dict[str, Any] | None = None


def _created(body: dict[str, Any], location: str) -> JSONResponse:
    return JSONResponse(body, status_code=201, headers={"Location": location})


# --- Episodes -------------------------------------------------------------------------------------


@diary_api.post("/episodes", status_code=201, response_model=EpisodeOut)
def add_episode(body: EpisodeIn, user: ApiUser, db: Db) -> JSONResponse:
    """Add an episode (201 with its ``id``). Times without an offset are read in your time zone.

    When the notes name a warning sign ("my calf looks thinner"), ``triage`` is the check's triage
    for it (the field is left out otherwise).
    """
    from twitchcheck.diary.warnings import episode_triage

    with db.write() as session:
        row = svc.add_episode(session, user=user, data=body)
        out = svc.episode_dict(row)
        if triage := episode_triage(session, user=user, episode=row):
            out["triage"] = triage
    return _created(out, f"/api/v1/diary/episodes/{out['id']}")


@diary_api.get("/episodes", response_model=list[EpisodeOut])
def list_episodes(
    *,
    request: Request,
    user: ApiUser,
    db: Db,
    start: Annotated[datetime | None, Query(alias="from", description="from this time (ISO 8601)")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="before this time (ISO 8601)")] = None,
    body_part: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"at most this many (default {PAGE})")] = PAGE,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JSONResponse:
    """Your episodes, oldest first, a page at a time (``limit``, default 100, at most 1000; ``offset``).

    The answer is a list, as before; ``X-Total-Count`` is how many match the filters, and ``Link``
    gives the next page (``rel="next"``) while there is one.
    """
    with db.read() as session:
        rows = svc.list_episodes(
            session, user_id=user.id, start=start, end=end, body_part=body_part, limit=limit, offset=offset
        )
        total = svc.count_episodes(session, user_id=user.id, start=start, end=end, body_part=body_part)
        out = [svc.episode_dict(e) for e in rows]
    headers = {"X-Total-Count": str(total)}
    if offset + len(rows) < total:
        query = dict(request.query_params) | {"offset": str(offset + len(rows)), "limit": str(limit)}
        headers["Link"] = f'<{request.url.path}?{urlencode(query)}>; rel="next"'
    return JSONResponse(out, headers=headers)


@diary_api.get("/episodes/{episode_id}", response_model=EpisodeOut)
def get_episode(episode_id: RecordId, user: ApiUser, db: Db) -> JSONResponse:
    """One of your episodes."""
    with db.read() as session:
        return JSONResponse(svc.episode_dict(svc.get_episode(session, user_id=user.id, episode_id=episode_id)))


@diary_api.patch("/episodes/{episode_id}", response_model=EpisodeOut)
def update_episode(episode_id: RecordId, body: EpisodePatch, user: ApiUser, db: Db) -> JSONResponse:
    """Change some fields of an episode (``null`` clears count, duration or notes)."""
    with db.write() as session:
        out = svc.episode_dict(svc.update_episode(session, user=user, episode_id=episode_id, patch=body))
    return JSONResponse(out)


@diary_api.delete("/episodes/{episode_id}", status_code=204)
def delete_episode(episode_id: RecordId, user: ApiUser, db: Db) -> Response:
    """Delete an episode."""
    with db.write() as session:
        svc.delete_episode(session, user_id=user.id, episode_id=episode_id)
    return Response(status_code=204)


# --- Days -----------------------------------------------------------------------------------------


@diary_api.put("/days/{day}", response_model=DayOut)
def put_day(day: date, body: DayIn, user: ApiUser, db: Db) -> JSONResponse:
    """Record a day's factors (replaces what was recorded for that date)."""
    with db.write() as session:
        row, _ = svc.put_day(session, user=user, day=day, data=body)
        out = svc.day_dict(row)
    return JSONResponse(out)


@diary_api.get("/days", response_model=list[DayOut])
def list_days(
    user: ApiUser,
    db: Db,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> JSONResponse:
    """Your recorded days, oldest first."""
    with db.read() as session:
        return JSONResponse([svc.day_dict(d) for d in svc.list_days(session, user_id=user.id, start=start, end=end)])


@diary_api.get("/days/{day}", response_model=DayOut)
def get_day(day: date, user: ApiUser, db: Db) -> JSONResponse:
    """One recorded day."""
    with db.read() as session:
        return JSONResponse(svc.day_dict(svc.get_day(session, user_id=user.id, day=day)))


@diary_api.delete("/days/{day}", status_code=204)
def delete_day(day: date, user: ApiUser, db: Db) -> Response:
    """Forget a day's factors."""
    with db.write() as session:
        svc.delete_day(session, user_id=user.id, day=day)
    return Response(status_code=204)


# --- Medications, symptoms, saved assessments ----------------------------------------------------


@diary_api.post("/medications", status_code=201, response_model=MedicationOut)
def add_medication(body: MedicationIn, user: ApiUser, db: Db) -> JSONResponse:
    """Add a medicine (name, dose, start and, once stopped, stop)."""
    with db.write() as session:
        out = svc.medication_dict(svc.add_medication(session, user=user, data=body))
    return _created(out, f"/api/v1/diary/medications/{out['id']}")


@diary_api.get("/medications", response_model=list[MedicationOut])
def list_medications(user: ApiUser, db: Db) -> JSONResponse:
    """Your medicines, by start date."""
    with db.read() as session:
        return JSONResponse([svc.medication_dict(r) for r in svc.list_medications(session, user_id=user.id)])


@diary_api.get("/medications/{medication_id}", response_model=MedicationOut)
def get_medication(medication_id: RecordId, user: ApiUser, db: Db) -> JSONResponse:
    """One of your medicines."""
    with db.read() as session:
        row = svc.get_medication(session, user_id=user.id, medication_id=medication_id)
        return JSONResponse(svc.medication_dict(row))


@diary_api.patch("/medications/{medication_id}", response_model=MedicationOut)
def update_medication(medication_id: RecordId, body: MedicationPatch, user: ApiUser, db: Db) -> JSONResponse:
    """Change a medicine, e.g. set the date it was stopped."""
    with db.write() as session:
        row = svc.update_medication(session, user=user, medication_id=medication_id, patch=body)
        out = svc.medication_dict(row)
    return JSONResponse(out)


@diary_api.delete("/medications/{medication_id}", status_code=204)
def delete_medication(medication_id: RecordId, user: ApiUser, db: Db) -> Response:
    """Delete a medicine."""
    with db.write() as session:
        svc.delete_medication(session, user_id=user.id, medication_id=medication_id)
    return Response(status_code=204)


@diary_api.post("/symptoms", status_code=201, response_model=SymptomOut)
def add_symptom(body: SymptomIn, user: ApiUser, db: Db) -> JSONResponse:
    """Add another symptom (a finding id such as ``weakness`` or ``numbness_tingling``, or your own words).

    When it is a warning sign, ``triage`` is the check's triage for it (with the warning signs
    logged in the last two weeks): the same level, time frame and reasons as an assessment (the
    field is left out for other symptoms).
    """
    from twitchcheck.diary.warnings import symptom_triage

    with db.write() as session:
        row = svc.add_symptom(session, user=user, data=body)
        out = svc.symptom_dict(row)
        if triage := symptom_triage(session, user=user, symptom=row):
            out["triage"] = triage
    return _created(out, f"/api/v1/diary/symptoms/{out['id']}")


@diary_api.get("/symptoms", response_model=list[SymptomOut])
def list_symptoms(user: ApiUser, db: Db) -> JSONResponse:
    """Your other symptoms, by date."""
    with db.read() as session:
        return JSONResponse([svc.symptom_dict(r) for r in svc.list_symptoms(session, user_id=user.id)])


@diary_api.get("/symptoms/{symptom_id}", response_model=SymptomOut)
def get_symptom(symptom_id: RecordId, user: ApiUser, db: Db) -> JSONResponse:
    """One symptom entry."""
    with db.read() as session:
        return JSONResponse(svc.symptom_dict(svc.get_symptom(session, user_id=user.id, symptom_id=symptom_id)))


@diary_api.delete("/symptoms/{symptom_id}", status_code=204)
def delete_symptom(symptom_id: RecordId, user: ApiUser, db: Db) -> Response:
    """Delete a symptom entry."""
    with db.write() as session:
        svc.delete_symptom(session, user_id=user.id, symptom_id=symptom_id)
    return Response(status_code=204)


@diary_api.post("/assessments", status_code=201, response_model=AssessmentOut)
def save_assessment(body: dict[str, Any], user: ApiUser, db: Db) -> JSONResponse:
    """Keep an assessment: send what POST /api/v1/assess returned."""
    with db.write() as session:
        out = svc.assessment_dict(svc.save_assessment(session, user_id=user.id, data=body), full=False)
    return _created(out, f"/api/v1/diary/assessments/{out['id']}")


@diary_api.get("/assessments", response_model=list[AssessmentOut])
def list_assessments(user: ApiUser, db: Db) -> JSONResponse:
    """Your saved assessments (without the full assessment; GET one to see it)."""
    with db.read() as session:
        rows = svc.list_assessments(session, user_id=user.id)
        return JSONResponse([svc.assessment_dict(r, full=False) for r in rows])


@diary_api.get("/assessments/{assessment_id}", response_model=AssessmentOut)
def get_assessment(assessment_id: RecordId, user: ApiUser, db: Db) -> JSONResponse:
    """One saved assessment, in full."""
    with db.read() as session:
        row = svc.get_assessment(session, user_id=user.id, assessment_id=assessment_id)
        return JSONResponse(svc.assessment_dict(row))


@diary_api.delete("/assessments/{assessment_id}", status_code=204)
def delete_assessment(assessment_id: RecordId, user: ApiUser, db: Db) -> Response:
    """Delete a saved assessment."""
    with db.write() as session:
        svc.delete_assessment(session, user_id=user.id, assessment_id=assessment_id)
    return Response(status_code=204)


# --- Analysis, report, export and import ----------------------------------------------------------


@diary_api.get("/analysis")
def analysis(
    user: ApiUser,
    db: Db,
    change: Annotated[list[date] | None, Query(description="dates of changes to compare before/after")] = None,
) -> JSONResponse:
    """Trends (per day, intensity, body parts, hours, spreading), trigger effects and before/after changes."""
    from twitchcheck.diary import analysis as analysis_mod
    from twitchcheck.diary import frames

    with db.read() as session:
        tables = frames.load(session, user_id=user.id, timezone=user.timezone)
    today = svc.local_today(user.timezone)
    result = analysis_mod.analyse(tables, changes=[(d, "") for d in change or []], today=today)
    return JSONResponse(result)


@diary_api.get("/report.pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def report_pdf(user: ApiUser, db: Db) -> Response:
    """The doctor report as PDF: one summary page, then charts, then details."""
    from twitchcheck.diary import frames, report

    with db.read() as session:
        tables = frames.load(session, user_id=user.id, timezone=user.timezone)
    from twitchcheck.diary.profile import header

    today = svc.local_today(user.timezone)
    _, pdf = report.build(tables, who=user.email or "local profile", today=today, profile=header(user, today))
    assert pdf is not None
    name = f"twitchcheck-report-{svc.local_today(user.timezone).isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


def export_response(session: Any, user: Any, fmt: str) -> Response:
    """The diary as a download in one of the export formats."""
    from twitchcheck.diary import fhir

    data = export_mod.collect(session, user=user)
    if fmt == "csv":
        body = export_mod.to_csv(data)
    elif fmt == "fhir":
        body = export_mod.to_json(fhir.bundle(data, user_uid=user.uid))
    else:
        body = export_mod.to_json(data)
    stamp = datetime.now(UTC).date().isoformat()
    suffix = {"csv": "csv", "json": "json", "fhir": "fhir.json"}[fmt]
    headers = {"Content-Disposition": f'attachment; filename="twitchcheck-diary-{stamp}.{suffix}"'}
    return Response(body, media_type=MEDIA[fmt], headers=headers)


@diary_api.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, "text/csv": {}, "application/fhir+json": {}}}},
)
def export(user: ApiUser, db: Db, format: Literal["json", "csv", "fhir"] = "json") -> Response:
    """Everything in your diary as JSON or CSV (re-importable, exact round trip) or a FHIR R4 Bundle."""
    with db.read() as session:
        return export_response(session, user, format)


class ImportOut(BaseModel):
    """How many records of each kind were added and updated."""

    imported: dict[str, dict[str, int]]


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "description": "a JSON export"}},
            "text/csv": {"schema": {"type": "string", "description": "a CSV export"}},
        },
    }
}


@diary_api.post("/import", response_model=ImportOut, openapi_extra=IMPORT_BODY)
async def import_diary(request: Request, user: ApiUser, db: Db) -> JSONResponse:
    """Import a JSON or CSV export (also as a multipart ``file``): all rows or none; known uids are updated."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise TwitchcheckError("invalid", "invalid_import", "send the export as the 'file' field")
        body = await upload.read()
    else:
        body = await request.body()

    def check_and_store() -> dict[str, dict[str, int]]:
        prepared = importer.prepare(export_mod.parse_upload(body), timezone=user.timezone)  # before the write lock
        with db.write() as session:
            return importer.store(session, user=user, prepared=prepared)

    return JSONResponse({"imported": await run_in_threadpool(check_and_store)})
