"""The diary's record pages: medicines (start, stop), other symptoms, and saved assessments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from twitchcheck.diary import service as svc
from twitchcheck.diary import vocab
from twitchcheck.diary.records import AssessmentOut, MedicationOut, SymptomOut
from twitchcheck.diary.schemas import MedicationPatch, parse
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web.deps import Db, Member, SignedIn, SignedInForm
from twitchcheck.web.errors import http_status
from twitchcheck.web.pages.flow import assess_state
from twitchcheck.web.pages.forms import MedicationForm, SymptomForm
from twitchcheck.web.pages.state import StateError, decode
from twitchcheck.web.templating import render

records = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
FormText = Annotated[str, Form(max_length=4000)]


def _context(who: Member, **extra: Any) -> dict[str, Any]:
    return {"user": who.user, "csrf": who.csrf, "nav": "diary", "today": svc.local_today(who.user.timezone), **extra}


def _medications(request: Request, db: Any, who: Member, status: int = 200, **extra: Any) -> Response:
    with db.read() as session:
        rows = [MedicationOut.of(r).model_dump() for r in svc.MEDICATIONS.list(session, user_id=who.user.id)]
    return render(request, "diary/medications.html", _context(who, rows=rows, **extra), status=status)


@records.get("/diary/medications")
def medications(request: Request, db: Db, who: SignedIn) -> Response:
    """Medicines taken, current first, with a form to add one."""
    return _medications(request, db, who, form={}, saved=request.query_params.get("saved"))


@records.post("/diary/medications")
def add_medication(
    request: Request,
    *,
    db: Db,
    who: SignedInForm,
    sent: Annotated[MedicationForm, Form()],
) -> Response:
    """Add a medicine."""
    try:
        data = sent.entry()
        with db.write() as session:
            svc.add_medication(session, user=who.user, data=data)
    except TwitchcheckError as exc:
        return _medications(request, db, who, status=http_status(exc), form=sent.fields(), error=exc.message)
    return RedirectResponse("/diary/medications?saved=1", status_code=303)


@records.post("/diary/medications/{medication_id}/stop")
def stop_medication(
    request: Request, *, medication_id: int, db: Db, who: SignedInForm, stop: FormText = ""
) -> Response:
    """Record the day a medicine was stopped."""
    try:
        patch = parse(MedicationPatch, {"stop": stop.strip() or None})
        with db.write() as session:
            svc.update_medication(session, user=who.user, medication_id=medication_id, patch=patch)
    except TwitchcheckError as exc:
        if exc.kind == "not_found":
            raise
        return _medications(request, db, who, status=http_status(exc), form={}, error=exc.message)
    return RedirectResponse("/diary/medications?saved=1", status_code=303)


@records.post("/diary/medications/{medication_id}/delete")
def delete_medication(request: Request, medication_id: int, db: Db, who: SignedInForm) -> Response:
    """Delete a medicine."""
    with db.write() as session:
        svc.MEDICATIONS.delete(session, user_id=who.user.id, key=medication_id)
    return RedirectResponse("/diary/medications", status_code=303)


def _symptoms(
    request: Request, db: Any, who: Member, status: int = 200, saved_id: int | None = None, **extra: Any
) -> Response:
    from twitchcheck.diary import warnings

    names = vocab.symptoms()
    entry_triage = None
    with db.read() as session:
        rows = [
            SymptomOut.of(r).model_dump() | {"name": names.get(r.symptom, r.symptom)}
            for r in svc.SYMPTOMS.list(session, user_id=who.user.id)
        ][::-1]
        if saved_id is not None:
            try:
                saved = svc.SYMPTOMS.get(session, user_id=who.user.id, key=saved_id)
                entry_triage = warnings.symptom_triage(session, user=who.user, symptom=saved)
            except TwitchcheckError:
                entry_triage = None
    ctx = _context(who, rows=rows, known=names, levels=warnings.signs_by_level(), entry_triage=entry_triage, **extra)
    return render(request, "diary/symptoms.html", ctx, status=status)


@records.get("/diary/symptoms")
def symptoms(request: Request, db: Db, who: SignedIn) -> Response:
    """Other symptoms noticed, with a form to add one; after a warning sign, the check's advice."""
    saved = request.query_params.get("saved", "")
    saved_id = int(saved) if saved.isdigit() and len(saved) < 10 else None
    return _symptoms(request, db, who, form={}, saved=saved, saved_id=saved_id)


@records.post("/diary/symptoms")
def add_symptom(
    request: Request,
    *,
    db: Db,
    who: SignedInForm,
    sent: Annotated[SymptomForm, Form()],
) -> Response:
    """Add another symptom."""
    try:
        data = sent.entry()
        with db.write() as session:
            symptom_id = svc.add_symptom(session, user=who.user, data=data).id
    except TwitchcheckError as exc:
        return _symptoms(request, db, who, status=http_status(exc), form=sent.fields(), error=exc.message)
    return RedirectResponse(f"/diary/symptoms?saved={symptom_id}", status_code=303)


@records.post("/diary/symptoms/{symptom_id}/delete")
def delete_symptom(request: Request, symptom_id: int, db: Db, who: SignedInForm) -> Response:
    """Delete a symptom entry."""
    with db.write() as session:
        svc.SYMPTOMS.delete(session, user_id=who.user.id, key=symptom_id)
    return RedirectResponse("/diary/symptoms", status_code=303)


@records.get("/diary/assessments")
def assessments(request: Request, db: Db, who: SignedIn) -> Response:
    """Saved assessments, newest first."""
    with db.read() as session:
        rows = []
        for row in reversed(svc.ASSESSMENTS.list(session, user_id=who.user.id)):
            data = row.data
            rows.append(
                AssessmentOut.of(row, full=False).model_dump()
                | {
                    "triage": data.get("triage", {}),
                    "conditions": [c for c in data.get("conditions", []) if c.get("id") != "other"][:3],
                    "movement": (data.get("movement") or [{}])[0],
                }
            )
    return render(request, "diary/assessments.html", _context(who, rows=rows, saved=request.query_params.get("saved")))


@records.get("/diary/assessments/save")
def confirm_save_assessment(
    request: Request, who: SignedIn, s: Annotated[str, Query(max_length=8_000)] = ""
) -> Response:
    """Ask before saving a result to the diary (a result page links here with its ``s``)."""
    try:
        assessment = assess_state(decode(s)).to_json_dict()
    except StateError as exc:
        raise TwitchcheckError("invalid", "invalid_state", f"this result link is damaged ({exc})") from None
    top = [c for c in assessment.get("conditions", []) if c.get("id") != "other"][:3]
    ctx = _context(
        who, s=s, triage=assessment["triage"], conditions=top, movement=(assessment.get("movement") or [{}])[0]
    )
    return render(request, "diary/save_assessment.html", ctx)


@records.post("/diary/assessments")
def save_assessment(request: Request, db: Db, who: SignedInForm, s: FormText = "") -> Response:
    """Save the assessment of a result page (its ``s`` state) into the diary."""
    try:
        state = decode(s)
    except StateError as exc:
        raise TwitchcheckError("invalid", "invalid_state", f"this result link is damaged ({exc})") from None
    assessment = assess_state(state).to_json_dict()
    with db.write() as session:
        svc.save_assessment(session, user_id=who.user.id, data=assessment)
    return RedirectResponse("/diary/assessments?saved=1", status_code=303)


@records.post("/diary/assessments/{assessment_id}/delete")
def delete_assessment(request: Request, assessment_id: int, db: Db, who: SignedInForm) -> Response:
    """Delete a saved assessment."""
    with db.write() as session:
        svc.ASSESSMENTS.delete(session, user_id=who.user.id, key=assessment_id)
    return RedirectResponse("/diary/assessments", status_code=303)
