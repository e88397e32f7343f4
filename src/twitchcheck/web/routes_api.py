"""The JSON API under /api/v1 (and GET /healthz): thin handlers over web.services.

Handlers that run the engine, the reader or the FAQ search (assess, parse, interview/next,
explain, ask) are plain ``def``: FastAPI runs them in its thread pool, so a long description from
one client never holds up the event loop (``/healthz`` and every other request go on). The quick
look-ups stay ``async``. The answers are sent with the orjson encoder without re-validation.
"""

from __future__ import annotations

from fastapi import APIRouter, Path

from twitchcheck.engine import Assessment
from twitchcheck.web import services
from twitchcheck.web.api_models import (
    ERRORS,
    TEXT_ERRORS,
    AskIn,
    AssessIn,
    CaseIn,
    HealthOut,
    InterviewOut,
    ParseIn,
    ParseOut,
)
from twitchcheck.web.jsonresp import JSONResponse

health = APIRouter()
api = APIRouter(prefix="/api/v1", responses=ERRORS)

ConditionId = Path(min_length=1, max_length=100, description="a condition id", examples=["benign_fasciculation"])


@health.get("/healthz", response_model=HealthOut, tags=["service"])
async def healthz() -> JSONResponse:
    """Liveness check: ``{"status": "ok"}``."""
    return JSONResponse({"status": "ok"})


@api.post("/parse", response_model=ParseOut, responses=TEXT_ERRORS, tags=["assessment"])
def parse(body: ParseIn) -> JSONResponse:
    """Read a description into evidence (what ``twitchcheck parse --json`` prints)."""
    return JSONResponse(services.parse(body.text))


@api.post("/assess", responses=TEXT_ERRORS, tags=["assessment"])
def assess(body: AssessIn) -> Assessment:
    """Assess a description (``text``) and/or structured ``evidence``: movement, causes, triage, tests, advice."""
    evidence = [e.model_dump(exclude_none=True) for e in body.evidence] if body.evidence is not None else None
    return services.assess(body.text, evidence, body.age, body.sex, body.worries)


@api.post("/interview/next", tags=["assessment"])
def interview_next(body: CaseIn) -> InterviewOut:
    """The next interview question for the evidence so far, whether to stop, and the assessment so far."""
    return services.interview_next(body.evidence_raw(), body.age, body.sex)


@api.post("/explain/{condition_id}", tags=["assessment"], responses=TEXT_ERRORS)
def explain(body: AssessIn, condition_id: str = ConditionId) -> JSONResponse:
    """Why one cause has its probability for this evidence: the answers for and against it, in words."""
    evidence = [e.model_dump(exclude_none=True) for e in body.evidence] if body.evidence is not None else None
    return JSONResponse(services.explain(condition_id, body.text, evidence, body.age, body.sex))


@api.get("/conditions", tags=["knowledge base"])
async def conditions() -> JSONResponse:
    """Every condition, in short."""
    return JSONResponse(services.conditions())


@api.get("/conditions/{condition_id}", tags=["knowledge base"])
async def condition(condition_id: str = ConditionId) -> JSONResponse:
    """One condition's knowledge-base entry with its sources."""
    return JSONResponse(services.condition_detail(condition_id))


@api.get("/findings", tags=["knowledge base"])
async def findings() -> JSONResponse:
    """Every finding: what a person can report, with its question and answers."""
    return JSONResponse(services.findings())


@api.get("/guide", tags=["guide"])
async def guide_index() -> JSONResponse:
    """The guide's index: conditions by kind and body parts."""
    return JSONResponse(services.guide_index())


@api.get("/guide/conditions/{condition_id}", tags=["guide"])
async def guide_condition(condition_id: str = ConditionId) -> JSONResponse:
    """The guide page of one condition."""
    return JSONResponse(services.condition_page(condition_id))


@api.get("/guide/body-parts/{part}", tags=["guide"])
async def guide_body_part(
    part: str = Path(
        max_length=50, description="a body part's guide page (GET /api/v1/guide lists them)", examples=["calf"]
    ),
) -> JSONResponse:
    """The guide page of one body part: what causes twitching there."""
    return JSONResponse(services.body_part_page(part))


@api.post("/ask", tags=["ask"])
def ask(body: AskIn) -> JSONResponse:
    """Answer a question from the curated FAQ: reply, more information and similar questions."""
    return JSONResponse(services.ask(body.question))


@api.get("/faq", tags=["ask"])
async def faq() -> JSONResponse:
    """Every FAQ question with its short answer."""
    return JSONResponse(services.faq_list())


@api.get("/faq/{entry_id}", tags=["ask"])
async def faq_entry(
    entry_id: str = Path(min_length=1, max_length=100, description="a FAQ entry id", examples=["calf_twitching"]),
) -> JSONResponse:
    """One FAQ entry in full, with similar questions."""
    return JSONResponse(services.faq_entry(entry_id))
