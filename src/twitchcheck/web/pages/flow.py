"""The interview as pages: the state in each page's address (``pages.state``) made into a case and a result.

The state becomes the engine's case, its assessment, the next question, and the evidence for a form's answer.

The engine is stateless, so every page recomputes from the answers; the JSON API and the command
line use ``twitchcheck.service`` directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from twitchcheck import service as core
from twitchcheck.engine import Assessment
from twitchcheck.engine.evidence import Case, EvidenceItem
from twitchcheck.engine.interview import Plan, Question, answer_items, plan
from twitchcheck.errors import TwitchcheckError
from twitchcheck.service import default_engine
from twitchcheck.web.pages.state import InterviewState


def start_state(text: str | None, age: float | None, sex: str | None) -> tuple[InterviewState, bool]:
    """The state after the home page: evidence read from the description (if any), age and sex.

    Returns the state and whether anything was understood from the text.
    """
    case, parsed = core.case_from(text, None, age, sex)
    initial = tuple(EvidenceItem(i.id, i.state, i.value, "parsed", i.text) for i in case.evidence)
    state = InterviewState(age=case.age, sex=case.sex, initial=initial, text=text or "", worries=case.worries)
    return state, bool(parsed and initial)


def state_case(state: InterviewState) -> Case:
    """The engine's case for a state, validated like any other evidence."""
    return default_engine().case(state.raw())


def assess_state(state: InterviewState) -> Assessment:
    """The assessment of everything in a state."""
    return default_engine().assess(state_case(state))


def interview_plan(state: InterviewState) -> Plan:
    """The next question and whether to stop, counting the questions already answered."""
    return plan(default_engine().model, state_case(state), asked=len(state.steps))


def answer_question(question: Question, answer: str, members: Sequence[str]) -> list[EvidenceItem]:
    """Evidence for a form answer: a state, an option id, or (group) the ticked members."""
    try:
        if question.type == "group" and answer == "group":
            ticked = set(members)
            return answer_items(question, {f: "present" if f in ticked else "absent" for f in question.findings})
        return answer_items(question, answer)
    except ValueError as exc:
        raise TwitchcheckError("invalid", "invalid_answer", str(exc)) from None
