"""The knowledge base, the guide and the FAQ over JSON: conditions, findings, guide pages and questions.

Thin handlers over ``twitchcheck.answers`` (the same functions the pages and the command line use).
The FAQ search is plain ``def`` (run in the thread pool); the look-ups stay ``async``.
"""

from __future__ import annotations

from fastapi import APIRouter, Path

from twitchcheck.answers import catalogue, guide
from twitchcheck.answers import faq as faq_search
from twitchcheck.web.api.models import ERRORS, AskIn
from twitchcheck.web.jsonresp import JSONResponse

knowledge = APIRouter(prefix="/api/v1", responses=ERRORS)

ConditionId = Path(min_length=1, max_length=100, description="a condition id", examples=["benign_fasciculation"])


@knowledge.get("/conditions", tags=["knowledge base"])
async def conditions() -> JSONResponse:
    """Every condition, in short."""
    return JSONResponse(catalogue.conditions())


@knowledge.get("/conditions/{condition_id}", tags=["knowledge base"])
async def condition(condition_id: str = ConditionId) -> JSONResponse:
    """One condition's knowledge-base entry with its sources."""
    return JSONResponse(catalogue.condition_detail(condition_id))


@knowledge.get("/findings", tags=["knowledge base"])
async def findings() -> JSONResponse:
    """Every finding: what a person can report, with its question and answers."""
    return JSONResponse(catalogue.findings())


@knowledge.get("/guide", tags=["guide"])
async def guide_index() -> JSONResponse:
    """The guide's index: conditions by kind and body parts."""
    return JSONResponse(guide.guide_index())


@knowledge.get("/guide/conditions/{condition_id}", tags=["guide"])
async def guide_condition(condition_id: str = ConditionId) -> JSONResponse:
    """The guide page of one condition."""
    return JSONResponse(guide.condition_page(condition_id))


@knowledge.get("/guide/body-parts/{part}", tags=["guide"])
async def guide_body_part(
    part: str = Path(
        max_length=50, description="a body part's guide page (GET /api/v1/guide lists them)", examples=["calf"]
    ),
) -> JSONResponse:
    """The guide page of one body part: what causes twitching there."""
    return JSONResponse(guide.body_part_page(part))


@knowledge.post("/ask", tags=["ask"])
def ask(body: AskIn) -> JSONResponse:
    """Answer a question from the curated FAQ: reply, more information and similar questions."""
    return JSONResponse(faq_search.ask(body.question))


@knowledge.get("/faq", tags=["ask"])
async def faq() -> JSONResponse:
    """Every FAQ question with its short answer."""
    return JSONResponse(faq_search.faq_list())


@knowledge.get("/faq/{entry_id}", tags=["ask"])
async def faq_entry(
    entry_id: str = Path(min_length=1, max_length=100, description="a FAQ entry id", examples=["calf_twitching"]),
) -> JSONResponse:
    """One FAQ entry in full, with similar questions."""
    return JSONResponse(faq_search.faq_entry(entry_id))
