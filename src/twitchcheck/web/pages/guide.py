"""The guide and Ask pages: a page per condition and per body part, and questions answered from the curated FAQ.

Thin pages over ``twitchcheck.answers`` (the JSON API and the command line call the same functions).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from twitchcheck.answers import faq, guide
from twitchcheck.web.templating import render

guide_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@guide_pages.get("/ask")
def ask(
    request: Request,
    q: Annotated[str | None, Query(max_length=1_000)] = None,
    entry: Annotated[str | None, Query(alias="id", max_length=100)] = None,
) -> Response:
    """Ask a question; the reply, more information and similar questions come from the curated FAQ."""
    if entry:
        return render(request, "ask.html", {"entry": faq.faq_entry(entry), "q": "", "answer": None})
    if q and q.strip():
        return render(request, "ask.html", {"answer": faq.ask(q), "q": q, "entry": None})
    return render(request, "ask.html", {"answer": None, "entry": None, "q": "", "faq": faq.faq_list()})


@guide_pages.get("/guide")
async def guide_index(request: Request) -> Response:
    """The guide's index: conditions and body parts."""
    return render(request, "guide_index.html", {"g": guide.guide_index()})


@guide_pages.get("/guide/conditions/{condition_id}")
async def guide_condition(request: Request, condition_id: str) -> Response:
    """One condition, from the knowledge base, with its sources."""
    return render(request, "guide_condition.html", {"c": guide.condition_page(condition_id)})


@guide_pages.get("/guide/body/{part}")
async def guide_body_part(request: Request, part: str) -> Response:
    """What causes twitching in one body part."""
    return render(request, "guide_body.html", {"p": guide.body_part_page(part)})
