"""The diary's JSON API under /api/v1/diary (bearer token; see web.deps).

Every route works on the signed-in person's own records only: another person's ids answer 404,
exactly like ids that do not exist. Writes are one transaction each, so a refused entry leaves
nothing behind.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from twitchcheck.diary import export as export_mod
from twitchcheck.diary import importer
from twitchcheck.diary import service as svc
from twitchcheck.diary.records import AssessmentOut, DayOut, EpisodeOut, MedicationOut, SymptomOut
from twitchcheck.diary.schemas import DayIn, EpisodeIn, EpisodePatch, MedicationIn, MedicationPatch, SymptomIn
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web.api.models import AUTH_ERRORS
from twitchcheck.web.deps import ApiUser, Db
from twitchcheck.web.downloads import export_response
from twitchcheck.web.jsonresp import JSONResponse

diary_api = APIRouter(prefix="/api/v1/diary", tags=["diary"], responses=AUTH_ERRORS)
RecordId = Annotated[int, Path(ge=0, description="the record's id (from the list or the create answer)")]
PAGE, MAX_PAGE = 100, 1000  # episodes per page: by default, and at most


def _created(response: Response, location: str) -> None:
    response.headers["Location"] = location


Triage = Annotated[
    dict[str, Any] | None,
    Field(default=None, exclude_if=lambda value: value is None, description="the check's triage for a warning sign"),
]


class EpisodeCreated(EpisodeOut):
    """A new episode, with the check's triage when its notes name a warning sign (left out otherwise)."""

    triage: Triage = None


class SymptomCreated(SymptomOut):
    """A new symptom entry, with the check's triage when it is a warning sign (left out otherwise)."""

    triage: Triage = None


# --- Episodes -------------------------------------------------------------------------------------


@diary_api.post("/episodes", status_code=201)
def add_episode(body: EpisodeIn, user: ApiUser, db: Db, response: Response) -> EpisodeCreated:
    """Add an episode (201 with its ``id``). Times without an offset are read in your time zone.

    When the notes name a warning sign ("my calf looks thinner"), ``triage`` is the check's triage
    for it (the field is left out otherwise).
    """
    from twitchcheck.diary.warnings import episode_triage

    with db.write() as session:
        row = svc.add_episode(session, user=user, data=body)
        triage = episode_triage(session, user=user, episode=row)
        out = EpisodeCreated.model_validate(EpisodeOut.of(row).model_dump() | {"triage": triage})
    _created(response, f"/api/v1/diary/episodes/{out.id}")
    return out


@diary_api.get("/episodes")
def list_episodes(
    *,
    request: Request,
    response: Response,
    user: ApiUser,
    db: Db,
    start: Annotated[datetime | None, Query(alias="from", description="from this time (ISO 8601)")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="before this time (ISO 8601)")] = None,
    body_part: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"at most this many (default {PAGE})")] = PAGE,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[EpisodeOut]:
    """Your episodes, oldest first, a page at a time (``limit``, default 100, at most 1000; ``offset``).

    The answer is a list, as before; ``X-Total-Count`` is how many match the filters, and ``Link``
    gives the next page (``rel="next"``) while there is one.
    """
    where = svc.episode_filters(start, end, body_part)
    with db.read() as session:
        rows = svc.EPISODES.list(session, user_id=user.id, where=where, limit=limit, offset=offset)
        total = svc.EPISODES.count(session, user_id=user.id, where=where)
        out = [EpisodeOut.of(e) for e in rows]
    response.headers["X-Total-Count"] = str(total)
    if offset + len(rows) < total:
        query = dict(request.query_params) | {"offset": str(offset + len(rows)), "limit": str(limit)}
        response.headers["Link"] = f'<{request.url.path}?{urlencode(query)}>; rel="next"'
    return out


@diary_api.get("/episodes/{episode_id}")
def get_episode(episode_id: RecordId, user: ApiUser, db: Db) -> EpisodeOut:
    """One of your episodes."""
    with db.read() as session:
        return EpisodeOut.of(svc.EPISODES.get(session, user_id=user.id, key=episode_id))


@diary_api.patch("/episodes/{episode_id}")
def update_episode(episode_id: RecordId, body: EpisodePatch, user: ApiUser, db: Db) -> EpisodeOut:
    """Change some fields of an episode (``null`` clears count, duration or notes)."""
    with db.write() as session:
        return EpisodeOut.of(svc.update_episode(session, user=user, episode_id=episode_id, patch=body))


@diary_api.delete("/episodes/{episode_id}", status_code=204)
def delete_episode(episode_id: RecordId, user: ApiUser, db: Db) -> Response:
    """Delete an episode."""
    with db.write() as session:
        svc.EPISODES.delete(session, user_id=user.id, key=episode_id)
    return Response(status_code=204)


# --- Days -----------------------------------------------------------------------------------------


@diary_api.put("/days/{day}")
def put_day(day: date, body: DayIn, user: ApiUser, db: Db) -> DayOut:
    """Record a day's factors (replaces what was recorded for that date)."""
    with db.write() as session:
        row, _ = svc.put_day(session, user=user, day=day, data=body)
        return DayOut.of(row)


@diary_api.get("/days")
def list_days(
    user: ApiUser,
    db: Db,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> list[DayOut]:
    """Your recorded days, oldest first."""
    with db.read() as session:
        return [DayOut.of(d) for d in svc.DAYS.list(session, user_id=user.id, where=svc.day_filters(start, end))]


@diary_api.get("/days/{day}")
def get_day(day: date, user: ApiUser, db: Db) -> DayOut:
    """One recorded day."""
    with db.read() as session:
        return DayOut.of(svc.DAYS.get(session, user_id=user.id, key=day))


@diary_api.delete("/days/{day}", status_code=204)
def delete_day(day: date, user: ApiUser, db: Db) -> Response:
    """Forget a day's factors."""
    with db.write() as session:
        svc.DAYS.delete(session, user_id=user.id, key=day)
    return Response(status_code=204)


# --- Medications, symptoms, saved assessments ----------------------------------------------------


@diary_api.post("/medications", status_code=201)
def add_medication(body: MedicationIn, user: ApiUser, db: Db, response: Response) -> MedicationOut:
    """Add a medicine (name, dose, start and, once stopped, stop)."""
    with db.write() as session:
        out = MedicationOut.of(svc.add_medication(session, user=user, data=body))
    _created(response, f"/api/v1/diary/medications/{out.id}")
    return out


@diary_api.get("/medications")
def list_medications(user: ApiUser, db: Db) -> list[MedicationOut]:
    """Your medicines, by start date."""
    with db.read() as session:
        return [MedicationOut.of(r) for r in svc.MEDICATIONS.list(session, user_id=user.id)]


@diary_api.get("/medications/{medication_id}")
def get_medication(medication_id: RecordId, user: ApiUser, db: Db) -> MedicationOut:
    """One of your medicines."""
    with db.read() as session:
        return MedicationOut.of(svc.MEDICATIONS.get(session, user_id=user.id, key=medication_id))


@diary_api.patch("/medications/{medication_id}")
def update_medication(medication_id: RecordId, body: MedicationPatch, user: ApiUser, db: Db) -> MedicationOut:
    """Change a medicine, e.g. set the date it was stopped."""
    with db.write() as session:
        return MedicationOut.of(svc.update_medication(session, user=user, medication_id=medication_id, patch=body))


@diary_api.delete("/medications/{medication_id}", status_code=204)
def delete_medication(medication_id: RecordId, user: ApiUser, db: Db) -> Response:
    """Delete a medicine."""
    with db.write() as session:
        svc.MEDICATIONS.delete(session, user_id=user.id, key=medication_id)
    return Response(status_code=204)


@diary_api.post("/symptoms", status_code=201)
def add_symptom(body: SymptomIn, user: ApiUser, db: Db, response: Response) -> SymptomCreated:
    """Add another symptom (a finding id such as ``weakness`` or ``numbness_tingling``, or your own words).

    When it is a warning sign, ``triage`` is the check's triage for it (with the warning signs
    logged in the last two weeks): the same level, time frame and reasons as an assessment (the
    field is left out for other symptoms).
    """
    from twitchcheck.diary.warnings import symptom_triage

    with db.write() as session:
        row = svc.add_symptom(session, user=user, data=body)
        triage = symptom_triage(session, user=user, symptom=row)
        out = SymptomCreated.model_validate(SymptomOut.of(row).model_dump() | {"triage": triage})
    _created(response, f"/api/v1/diary/symptoms/{out.id}")
    return out


@diary_api.get("/symptoms")
def list_symptoms(user: ApiUser, db: Db) -> list[SymptomOut]:
    """Your other symptoms, by date."""
    with db.read() as session:
        return [SymptomOut.of(r) for r in svc.SYMPTOMS.list(session, user_id=user.id)]


@diary_api.get("/symptoms/{symptom_id}")
def get_symptom(symptom_id: RecordId, user: ApiUser, db: Db) -> SymptomOut:
    """One symptom entry."""
    with db.read() as session:
        return SymptomOut.of(svc.SYMPTOMS.get(session, user_id=user.id, key=symptom_id))


@diary_api.delete("/symptoms/{symptom_id}", status_code=204)
def delete_symptom(symptom_id: RecordId, user: ApiUser, db: Db) -> Response:
    """Delete a symptom entry."""
    with db.write() as session:
        svc.SYMPTOMS.delete(session, user_id=user.id, key=symptom_id)
    return Response(status_code=204)


@diary_api.post("/assessments", status_code=201)
def save_assessment(body: dict[str, Any], user: ApiUser, db: Db, response: Response) -> AssessmentOut:
    """Keep an assessment: send what POST /api/v1/assess returned."""
    with db.write() as session:
        out = AssessmentOut.of(svc.save_assessment(session, user_id=user.id, data=body), full=False)
    _created(response, f"/api/v1/diary/assessments/{out.id}")
    return out


@diary_api.get("/assessments")
def list_assessments(user: ApiUser, db: Db) -> list[AssessmentOut]:
    """Your saved assessments (without the full assessment; GET one to see it)."""
    with db.read() as session:
        return [AssessmentOut.of(r, full=False) for r in svc.ASSESSMENTS.list(session, user_id=user.id)]


@diary_api.get("/assessments/{assessment_id}")
def get_assessment(assessment_id: RecordId, user: ApiUser, db: Db) -> AssessmentOut:
    """One saved assessment, in full."""
    with db.read() as session:
        return AssessmentOut.of(svc.ASSESSMENTS.get(session, user_id=user.id, key=assessment_id))


@diary_api.delete("/assessments/{assessment_id}", status_code=204)
def delete_assessment(assessment_id: RecordId, user: ApiUser, db: Db) -> Response:
    """Delete a saved assessment."""
    with db.write() as session:
        svc.ASSESSMENTS.delete(session, user_id=user.id, key=assessment_id)
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


@diary_api.post("/import", openapi_extra=IMPORT_BODY)
async def import_diary(request: Request, user: ApiUser, db: Db) -> ImportOut:
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

    return ImportOut(imported=await run_in_threadpool(check_and_store))
