"""Play the adaptive interview against a simulated patient whose answers are known in advance.

The patient's truth is a list of evidence items; every question is answered from it, and with
"unknown" (don't know) where the truth says nothing. The loop is pure: no I/O, no free-text parsing.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from twitchcheck.engine.assess import assess
from twitchcheck.engine.evidence import Case, EvidenceItem, parse_case
from twitchcheck.engine.interview import MAX_QUESTIONS, Question, plan, with_answers
from twitchcheck.engine.model import Model
from twitchcheck.engine.result import Assessment
from twitchcheck.evaluation.metrics import Outcome, outcome
from twitchcheck.evaluation.vignettes import Vignette


@dataclass(frozen=True)
class InterviewRun:
    """One simulated interview: the questions asked, the evidence at the end, and its assessment."""

    questions: tuple[Question, ...]
    case: Case
    assessment: Assessment
    stop_reason: str

    @property
    def question_ids(self) -> list[str]:
        return [q.id for q in self.questions]


def answer_from_truth(question: Question, truth: dict[str, EvidenceItem]) -> list[EvidenceItem]:
    """The patient's answers: each finding the question is about, from the truth or "unknown"."""
    return [
        replace(truth[fid], source="asked") if fid in truth else EvidenceItem(fid, "unknown", source="asked")
        for fid in question.findings
    ]


def simulate_interview(
    model: Model, truth: Iterable[EvidenceItem], initial: Case, max_questions: int = MAX_QUESTIONS
) -> InterviewRun:
    """Run the interview from ``initial`` until it stops, answering every question from ``truth``."""
    known = {item.id: item for item in truth}
    case = initial
    questions: list[Question] = []
    while True:
        step = plan(model, case, asked=len(questions))
        if step.should_stop or step.question is None or len(questions) >= max_questions:
            reason = step.reason if step.should_stop else f"reached the limit of {max_questions} questions"
            return InterviewRun(tuple(questions), case, assess(model, case), reason)
        questions.append(step.question)
        case = with_answers(case, answer_from_truth(step.question, known))


def chief_complaint(model: Model, vignette: Vignette) -> dict[str, Any]:
    """What a person says first: the movement's character and where it is, with age and sex."""
    findings = model.kb.findings
    evidence = [
        item
        for item in vignette.case()["evidence"]
        if findings[item["id"]].level == "movement" or item["id"].startswith("loc_")
    ]
    return {"age": vignette.age, "sex": vignette.sex, "evidence": evidence}


def play_vignette(model: Model, vignette: Vignette, max_questions: int = MAX_QUESTIONS) -> InterviewRun:
    """Interview a vignette's patient, starting from the chief complaint only."""
    truth = parse_case(vignette.case(), model.kb.findings)
    initial = parse_case(chief_complaint(model, vignette), model.kb.findings)
    return simulate_interview(model, truth.evidence, initial, max_questions)


@dataclass(frozen=True)
class QuestionStats:
    """How many questions the interviews took."""

    n: int
    median: float
    p90: float
    max: int
    mean: float

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "median": self.median, "p90": self.p90, "max": self.max, "mean": round(self.mean, 2)}


def question_stats(counts: Sequence[int]) -> QuestionStats:
    """Median, 90th percentile (nearest rank), maximum and mean of the question counts."""
    if not counts:
        return QuestionStats(0, 0.0, 0.0, 0, 0.0)
    ordered = sorted(counts)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return QuestionStats(
        len(ordered), float(statistics.median(ordered)), float(p90), ordered[-1], statistics.mean(ordered)
    )


@dataclass(frozen=True)
class InterviewEvaluation:
    """The interview played on every vignette, beside the full-evidence assessment of each."""

    interview: list[Outcome]
    full: list[Outcome]
    runs: list[InterviewRun]

    @property
    def questions(self) -> QuestionStats:
        return question_stats([len(run.questions) for run in self.runs])

    @property
    def findings_asked(self) -> QuestionStats:
        """How many findings the questions covered (a group question covers several)."""
        return question_stats([sum(len(q.findings) for q in run.questions) for run in self.runs])


def evaluate_interview(
    model: Model, vignettes: Sequence[Vignette], play: Callable[[Vignette], tuple[InterviewRun, Assessment]]
) -> InterviewEvaluation:
    """Score ``play`` (which returns the interview run and the full-evidence assessment) on each vignette."""
    interview, full, runs = [], [], []
    for vignette in vignettes:
        run, complete = play(vignette)
        runs.append(run)
        interview.append(outcome(vignette, run.assessment))
        full.append(outcome(vignette, complete))
    return InterviewEvaluation(interview, full, runs)


def play_structured(model: Model) -> Callable[[Vignette], tuple[InterviewRun, Assessment]]:
    """Play vignettes from their structured evidence, starting from the chief complaint."""

    def play(vignette: Vignette) -> tuple[InterviewRun, Assessment]:
        return play_vignette(model, vignette), assess(model, parse_case(vignette.case(), model.kb.findings))

    return play
