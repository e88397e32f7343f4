"""The assessment over JSON under /api/v1 (and GET /healthz): thin handlers over ``twitchcheck.service``.

Handlers that run the engine, the reader or the FAQ search (assess, parse, interview/next,
explain, ask) are plain ``def``: FastAPI runs them in its thread pool, so a long description from
one client never holds up the event loop (``/healthz`` and every other request go on). The quick
look-ups stay ``async``. Each handler returns its response model (the OpenAPI schema documents it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Path

from twitchcheck import service as core
from twitchcheck.answers.explain import explain as explain_cause
from twitchcheck.engine import Assessment
from twitchcheck.engine.interview import interview_step
from twitchcheck.web.api.models import (
    ERRORS,
    TEXT_ERRORS,
    AssessIn,
    CaseIn,
    HealthOut,
    InterviewOut,
    ParseIn,
    ParseOut,
    QuestionOut,
)
from twitchcheck.web.jsonresp import JSONResponse

health = APIRouter()
api = APIRouter(prefix="/api/v1", responses=ERRORS)

ConditionId = Path(min_length=1, max_length=100, description="a condition id", examples=["benign_fasciculation"])


def next_question(
    evidence: Sequence[Mapping[str, Any]] | None = None,
    age: float | None = None,
    sex: str | None = None,
    text: str | None = None,
) -> InterviewOut:
    """``{"question", "should_stop", "assessment"}`` for the evidence so far (stateless)."""
    case, _ = core.case_from(text, evidence, age, sex)
    step = interview_step(core.default_engine().model, case)
    question = QuestionOut.model_validate(step.question.to_dict()) if step.question is not None else None
    return InterviewOut(question=question, should_stop=step.should_stop, assessment=step.assessment)


@health.get("/healthz", tags=["service"])
async def healthz() -> HealthOut:
    """Liveness check: ``{"status": "ok"}``."""
    return HealthOut(status="ok")


@api.post("/parse", responses=TEXT_ERRORS, tags=["assessment"])
def parse(body: ParseIn) -> ParseOut:
    """Read a description into evidence (what ``twitchcheck parse --json`` prints)."""
    return ParseOut.model_validate(core.parse(body.text))


@api.post("/assess", responses=TEXT_ERRORS, tags=["assessment"])
def assess(body: AssessIn) -> Assessment:
    """Assess a description (``text``) and/or structured ``evidence``: movement, causes, triage, tests, advice."""
    evidence = [e.model_dump(exclude_none=True) for e in body.evidence] if body.evidence is not None else None
    return core.assess(body.text, evidence, body.age, body.sex, body.worries)


@api.post("/interview/next", tags=["assessment"])
def interview_next(body: CaseIn) -> InterviewOut:
    """The next interview question for the evidence so far, whether to stop, and the assessment so far."""
    return next_question(body.evidence_raw(), body.age, body.sex)


@api.post("/explain/{condition_id}", tags=["assessment"], responses=TEXT_ERRORS)
def explain(body: AssessIn, condition_id: str = ConditionId) -> JSONResponse:
    """Why one cause has its probability for this evidence: the answers for and against it, in words."""
    evidence = [e.model_dump(exclude_none=True) for e in body.evidence] if body.evidence is not None else None
    return JSONResponse(explain_cause(condition_id, body.text, evidence, body.age, body.sex))
