"""The assessment's pages: home (describe or answer questions) and the result (and its print view).

Every page works without JavaScript: forms post to the server, which redirects to a page whose
address carries the answers (``?s=``, see web.pages.state). The pages call the same core functions
as the JSON API; those that run the engine or the reader are plain ``def`` (run in the thread
pool, off the event loop).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from twitchcheck.errors import TwitchcheckError
from twitchcheck.service import default_engine
from twitchcheck.web.errors import html_error, http_status
from twitchcheck.web.pages import flow
from twitchcheck.web.pages.state import InterviewState, StateError, decode, encode
from twitchcheck.web.pages.views import result_view
from twitchcheck.web.templating import render

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

StateParam = Annotated[str | None, Query(alias="s", max_length=8_000)]
MAX_TEXT = 10_000
UNASKED_SHOWN = 6  # unanswered warning signs listed on the first screen; the rest one tap away


def load_state(request: Request, s: str | None) -> InterviewState | Response:
    """The state from the address, or an error page for a damaged link."""
    try:
        return decode(s)
    except StateError as exc:
        return html_error(request, 400, f"This link is damaged ({exc}). Please start again from the home page.")


def after_answers(state: InterviewState, notice: str | None = None) -> RedirectResponse:
    """Go on to the next question, or to the result when the interview is done."""
    step = flow.interview_plan(state)
    target = "/interview" if step.question is not None and (state.more or not step.should_stop) else "/result"
    query = f"?s={encode(state)}" + (f"&n={notice}" if notice and target == "/interview" else "")
    return RedirectResponse(target + query, status_code=303)


@pages.get("/")
async def home(request: Request, s: StateParam = None) -> Response:
    """Start: describe the twitching in your own words, or answer questions (``s`` brings the text back)."""
    form: dict[str, Any] = {}
    if s:
        try:
            state = decode(s)
        except StateError:
            state = InterviewState()
        age = "" if state.age is None else str(int(state.age) if float(state.age).is_integer() else state.age)
        form = {"text": state.text, "age": age, "sex": state.sex or ""}
    return render(request, "home.html", {"form": form})


def _age(raw: str | None) -> float | None:
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        raise TwitchcheckError(
            "invalid", "invalid_age", "Please give your age as a number of years, or leave it empty."
        ) from None
    if not 0 <= value <= 120:
        raise TwitchcheckError("invalid", "invalid_age", "Please give an age from 0 to 120, or leave it empty.")
    return value


@pages.post("/start")
def start(
    request: Request,
    text: Annotated[str | None, Form(max_length=MAX_TEXT)] = None,
    age: Annotated[str | None, Form(max_length=10)] = None,
    sex: Annotated[str | None, Form(max_length=10)] = None,
    mode: Annotated[str, Form(max_length=20)] = "describe",
) -> Response:
    """The home form: read the description (if any), then start the interview or show the result."""
    form = {"text": text or "", "age": age or "", "sex": sex or ""}
    describe = mode != "questions"
    try:
        years = _age(age)
        if sex not in (None, "", "female", "male"):
            raise TwitchcheckError("invalid", "invalid_sex", "Please choose female, male or 'prefer not to say'.")
        if describe and not (text or "").strip():
            message = "Please describe your twitching in a few words, or choose 'Answer questions' instead."
            raise TwitchcheckError("invalid", "empty_text", message)
        state, understood = flow.start_state(text if describe else None, years, sex or None)
    except TwitchcheckError as exc:
        ctx = {"form": form, "error": exc.message}
        return render(request, "home.html", ctx, status=http_status(exc))
    if describe and understood:  # "Check my description": the answer at once, questions offered after it
        return RedirectResponse(f"/result?s={encode(state)}", status_code=303)
    return after_answers(state, None if not describe else "nothing")


@pages.get("/result")
def result(request: Request, s: StateParam = None, view: str | None = Query(default=None, max_length=10)) -> Response:
    """The result: triage first, then movement, causes, why, tests, what helps and the safety net."""
    state = load_state(request, s)
    if isinstance(state, Response):
        return state
    assessment = flow.assess_state(state)
    step = flow.interview_plan(state.with_more(True))
    more = step.question is not None
    context = {
        "next_question": step.question.text if step.question is not None else None,
        "has_text": bool(state.text),
        "unasked_shown": UNASKED_SHOWN,
        "r": result_view(default_engine().kb, assessment.to_json_dict()),
        "s": encode(state),
        "more_state": encode(state.with_more(True)),
        "can_ask_more": more,
        "print_view": view == "print",
        "asked": len(state.steps),
    }
    return render(request, "result.html", context)
