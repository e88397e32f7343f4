"""The interview as pages: one question per page, with why it is asked, back, progress and "don't know".

GET /interview?s=STATE shows the next question for the answers in STATE. The form posts the
answer with the state in a hidden field; the server adds the answer and redirects to the next
question (or the result), so the browser's back button and reload behave and no JavaScript,
cookie or database is needed. Questions are recomputed from the answers each time (the engine
is deterministic), and a stale form (a question that no longer comes next) is not applied.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from twitchcheck.answers.words import answer_text
from twitchcheck.engine.interview import MAX_QUESTIONS
from twitchcheck.service import default_engine
from twitchcheck.web.pages import flow
from twitchcheck.web.pages.assess import StateParam, after_answers, load_state
from twitchcheck.web.pages.state import encode
from twitchcheck.web.templating import render

interview = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

NOTICES = {
    "nothing": (
        "twitchcheck could not pick out any details from your description, so it will ask instead. "
        "Try naming where the twitch is and what it feels like next time."
    ),
    "stale": "That answer was for an earlier question, so it was not used. Here is the current question.",
}


@interview.get("/interview")
def show(request: Request, s: StateParam = None, n: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    """The next question, or the result when the interview is done."""
    state = load_state(request, s)
    if isinstance(state, Response):
        return state
    step = flow.interview_plan(state)
    if step.question is None or (step.should_stop and not state.more):
        return RedirectResponse(f"/result?s={encode(state)}", status_code=303)
    kb = default_engine().kb
    understood = [answer_text(kb, i) for i in state.initial] if not state.steps and n == "understood" else []
    number = len(state.steps) + 1
    context = {
        "q": step.question,
        "s": encode(state),
        "number": number,
        "max_questions": max(MAX_QUESTIONS, number),
        "notice": NOTICES.get(n or ""),
        "understood": understood,
        "can_go_back": bool(state.steps),
        "member_questions": {f.id: f.question for f in kb.findings.values()},
    }
    return render(request, "interview.html", context)


@interview.post("/interview")
def answer(
    request: Request,
    *,
    s: Annotated[str, Form(max_length=8_000)] = "",
    question: Annotated[str, Form(max_length=100)] = "",
    answer: Annotated[str, Form(max_length=100)] = "",
    member: Annotated[list[str] | None, Form()] = None,
    action: Annotated[str, Form(max_length=20)] = "answer",
) -> Response:
    """Apply one answer (or go back, or finish) and redirect to what comes next."""
    state = load_state(request, s)
    if isinstance(state, Response):
        return state
    if action == "back":
        if not state.steps:  # back to the home page with the description and age still filled in
            return RedirectResponse(f"/?s={encode(state)}", status_code=303)
        return RedirectResponse(f"/interview?s={encode(state.back())}", status_code=303)
    if action == "finish":
        return RedirectResponse(f"/result?s={encode(state)}", status_code=303)
    step = flow.interview_plan(state)
    if step.question is None or step.question.id != question or not answer:
        return RedirectResponse(f"/interview?s={encode(state)}&n=stale", status_code=303)
    items = flow.answer_question(step.question, answer, member or [])
    return after_answers(state.answered(items))
