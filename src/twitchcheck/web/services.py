"""Service functions behind both the HTML pages and the JSON API: one code path for each answer.

Each function takes plain values, calls the pure engine (through ``twitchcheck.service``) and
returns plain dicts that the API sends as JSON and the templates render. Problems are raised as
TwitchcheckError with the HTTP status and error code both shells report. The guide and the Ask page
have their own modules (``web.guide`` and ``web.ask``) and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from twitchcheck import service as core
from twitchcheck.engine import Assessment, Engine
from twitchcheck.engine.evidence import Case, EvidenceItem
from twitchcheck.engine.interview import Plan, Question, answer_items, interview_step, plan
from twitchcheck.errors import TwitchcheckError
from twitchcheck.service import default_engine
from twitchcheck.web.api_models import InterviewOut, QuestionOut
from twitchcheck.web.ask import ask, faq_entry, faq_list
from twitchcheck.web.guide import body_part_page, condition_page, guide_index
from twitchcheck.web.state import InterviewState
from twitchcheck.web.views import answer_words, explain_reasons, source_list

__all__ = [
    "answer_question",
    "ask",
    "assess",
    "assess_state",
    "body_part_page",
    "condition_detail",
    "condition_page",
    "conditions",
    "explain",
    "faq_entry",
    "faq_list",
    "findings",
    "guide_index",
    "interview_next",
    "interview_plan",
    "parse",
    "start_state",
]

Raw = Mapping[str, Any]


def engine() -> Engine:
    """The engine over the shipped knowledge base (compiled once per process)."""
    return default_engine()


def parse(text: str) -> dict[str, Any]:
    """Read a description into evidence, age, sex and the rest (what ``twitchcheck parse`` prints)."""
    return core.parse(text)


def case_of(raw: Raw) -> Case:
    """Validate a raw case; every problem is reported at once (an EvidenceError)."""
    return engine().case(raw)


def assess(
    text: str | None = None,
    evidence: Sequence[Raw] | None = None,
    age: float | None = None,
    sex: str | None = None,
    worries: Sequence[str] | None = None,
) -> Assessment:
    """The assessment (CONTRACT.md shape) of a description and/or structured evidence."""
    return core.assess(text, evidence, age, sex, worries)


def interview_next(
    evidence: Sequence[Raw] | None = None,
    age: float | None = None,
    sex: str | None = None,
    text: str | None = None,
) -> InterviewOut:
    """``{"question", "should_stop", "assessment"}`` for the evidence so far (stateless)."""
    case, _ = core.case_from(text, evidence, age, sex)
    step = interview_step(engine().model, case)
    question = QuestionOut.model_validate(step.question.to_dict()) if step.question is not None else None
    return InterviewOut(question=question, should_stop=step.should_stop, assessment=step.assessment)


def explain(
    condition_id: str,
    text: str | None = None,
    evidence: Sequence[Raw] | None = None,
    age: float | None = None,
    sex: str | None = None,
) -> dict[str, Any]:
    """Why one cause has the probability it has for this evidence: the answers for and against it."""
    kb = engine().kb
    if condition_id not in kb.conditions:
        raise TwitchcheckError("not_found", "unknown_condition", f"there is no condition {condition_id!r}")
    result = assess(text, evidence, age, sex).to_json_dict()
    ranked = result["conditions"]
    rank, entry = next((i, c) for i, c in enumerate(ranked, start=1) if c["id"] == condition_id)
    condition = kb.conditions[condition_id]
    level = {lv.id: lv for lv in kb.policy.levels}[condition.triage.level]
    return {
        "condition": {k: entry[k] for k in ("id", "name", "lay_name", "probability", "label", "for", "against")},
        "rank": rank,
        "of": len(ranked),
        "summary": condition.summary,
        "reasons": explain_reasons(entry, answer_words(kb, result["evidence"])),
        "if_this_is_the_cause": {
            "level": condition.triage.level,
            "label": level.label,
            "clinician": condition.triage.clinician,
            "why": condition.triage.why,
        },
        "sources": source_list(kb, condition.sources),
    }


def conditions() -> list[dict[str, Any]]:
    """Every condition in the knowledge base, in short."""
    kb = engine().kb
    return [
        {
            "id": c.id,
            "name": c.name,
            "lay_name": c.lay_name,
            "category": c.category,
            "seriousness": c.seriousness,
            "triage_level": c.triage.level,
            "clinician": c.triage.clinician,
            "summary": c.summary,
        }
        for c in kb.conditions.values()
    ]


def condition_detail(condition_id: str) -> dict[str, Any]:
    """One condition's full knowledge-base entry, with its sources spelled out."""
    kb = engine().kb
    condition = kb.conditions.get(condition_id)
    if condition is None:
        raise TwitchcheckError("not_found", "unknown_condition", f"there is no condition {condition_id!r}")
    out: dict[str, Any] = condition.model_dump(mode="json")
    out["source_details"] = source_list(kb, condition.sources)
    return out


def findings() -> list[dict[str, Any]]:
    """Every finding (what a person can report) with its question and answers."""
    return [f.model_dump(mode="json", exclude={"basis", "background"}) for f in engine().kb.findings.values()]


# --- The interview as pages: the state travels in the page (web.state) ------------------------


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
    return case_of(state.raw())


def assess_state(state: InterviewState) -> Assessment:
    """The assessment of everything in a state."""
    return engine().assess(state_case(state))


def interview_plan(state: InterviewState) -> Plan:
    """The next question and whether to stop, counting the questions already answered."""
    return plan(engine().model, state_case(state), asked=len(state.steps))


def answer_question(question: Question, answer: str, members: Sequence[str]) -> list[EvidenceItem]:
    """Evidence for a form answer: a state, an option id, or (group) the ticked members."""
    try:
        if question.type == "group" and answer == "group":
            ticked = set(members)
            return answer_items(question, {f: "present" if f in ticked else "absent" for f in question.findings})
        return answer_items(question, answer)
    except ValueError as exc:
        raise TwitchcheckError("invalid", "invalid_answer", str(exc)) from None
