"""The adaptive interview: which question to ask next, and when to stop (pure and stateless).

Every call gets all the evidence so far (as Infermedica's /diagnosis does) and works out:
1. Warning signs first. The unanswered warning signs are asked together in one group question
   ("Do you have any of these?") as long as a "yes" to any of them would change the triage; then,
   the same way, any other finding whose "yes" would fire a red-flag rule (for example contact
   with poisons, double vision).
2. Then the question with the highest expected value: the expected fall in the entropy of
   P(condition) (the information gain, in bits), plus a share of the same for P(movement type),
   plus the expected change in triage level. Candidates are single findings and checklists
   (yes/no findings of one kind, such as medicines, asked together), whose gain is computed
   exactly over every combination of answers. The arithmetic is in engine.lookahead.
3. Nothing already answered is asked again; "don't know" (unknown) counts as answered.
Choice and number findings are single-choice questions over their options or bins.

The interview stops when no single likely answer could change the triage and the leading cause
is clear (or no question left is informative), or after MAX_QUESTIONS questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from twitchcheck.engine.assess import assess
from twitchcheck.engine.evidence import Case, EvidenceItem
from twitchcheck.engine.lookahead import BoolArray, FloatArray, Lookahead, joint_gain, lookahead
from twitchcheck.engine.model import Model
from twitchcheck.engine.questions import (
    CHECKLIST_AGAIN_TEXT,
    CHECKLIST_TEXT,
    TRIAGE_GROUP_ID,
    TRIAGE_GROUP_TEXT,
    TRIAGE_RATIONALE,
    WARNING_AGAIN_TEXT,
    WARNING_GROUP_ID,
    WARNING_GROUP_TEXT,
    WARNING_RATIONALE,
    Question,
    answer_items,
    group,
    rationale,
    single,
)
from twitchcheck.engine.result import Assessment
from twitchcheck.kb.schema import TRIAGE_ORDER

__all__ = [
    "MAX_QUESTIONS",
    "InterviewStep",
    "Plan",
    "Question",
    "answer_items",
    "interview_step",
    "next_question",
    "plan",
    "questions_asked",
    "should_stop",
    "with_answers",
]

# At most this many questions (a group question counts as one). Symptom checkers ask 10-30
# questions; past 20 people give up or answer carelessly, and the gains here are small by then.
MAX_QUESTIONS = 20
# The leading cause counts as clear at 60%: the level the assessment itself calls "fairly clear".
CONFIDENT_TOP = 0.6
# Below a tenth of a bit no question is worth asking for the differential alone (a yes/no question
# that moves a 50:50 pair of causes to 60:40 gains about 0.03 bits). A twentieth made interviews on
# real-style descriptions run to a median of 13 questions for little gain in accuracy.
MIN_GAIN = 0.1
# A red flag "could change the triage" if its "yes" would, and is at least this likely. Warning
# signs are asked whatever their probability (step 1); so are red flags that would make the
# triage urgent or an emergency. This keeps 1-in-100 answers from prolonging every interview while
# still catching, for example, a 1-in-30 chance of double vision.
TRIAGE_CHANGE_MIN_P = 0.02
ALWAYS_ASK_LEVEL = TRIAGE_ORDER.index("urgent")
URGENT, EMERGENCY = TRIAGE_ORDER.index("urgent"), TRIAGE_ORDER.index("emergency")
ESCALATION_GROUP_ID = "emergency_checks"
ESCALATION_GROUP_TEXT = "Is any of these happening now?"
ESCALATION_RATIONALE = "You need to be seen today; these would mean calling an ambulance instead."
# A change that comes from the risk level alone (the answer tips the probability of causes that
# need a doctor over a threshold) counts from this probability: near a threshold almost any
# answer tips it, and such a tip is a small shift of an uncertain estimate, not a red flag.
RISK_CHANGE_MIN_P = 0.1
# Weights of the movement-type gain and of the expected change in triage level (in levels) next
# to the differential's gain (in bits). One level of triage counts like one bit of differential;
# the movement type matters less because the causes already carry it.
MOVEMENT_WEIGHT = 0.5
TRIAGE_WEIGHT = 1.0
# Group questions list at most this many warning signs or red flags (readable on a phone screen).
MAX_GROUP_SIZE = 14
# A checklist lists at most MAX_CHECKLIST_SIZE findings of one kind, each worth at least
# CHECKLIST_MEMBER_SHARE of the best of its kind and at least CHECKLIST_MEMBER_MIN on its own.
MAX_CHECKLIST_SIZE = 6
CHECKLIST_MEMBER_SHARE = 0.25
CHECKLIST_MEMBER_MIN = 0.005


@dataclass(frozen=True)
class Plan:
    """The next question (None when nothing is left to ask), whether to stop, and why."""

    question: Question | None
    should_stop: bool
    reason: str
    lookahead: Lookahead = field(repr=False)


@dataclass(frozen=True)
class InterviewStep:
    """What the API returns for one step: question, should_stop and the assessment so far."""

    question: Question | None
    should_stop: bool
    assessment: Assessment

    def to_dict(self) -> dict[str, Any]:
        """{"question": {...} | null, "should_stop": bool, "assessment": {...}}."""
        question = self.question.to_dict() if self.question is not None else None
        return {"question": question, "should_stop": self.should_stop, "assessment": self.assessment.to_json_dict()}


def _warning_group(la: Lookahead, asked: frozenset[str] = frozenset()) -> Question | None:
    """All unanswered warning signs in one group question, if a "yes" to any would change the triage."""
    t = la.tables
    present_rows, _ = t.warning_rows
    pending = [
        (bool(la.levels[row] == la.level_now), int(f))
        for f, row in zip(np.flatnonzero(t.warning), present_rows, strict=True)
        if la.unasked[f]
    ]
    if all(same for same, _ in pending):
        return None
    # Those that would change the triage first, then the rest (so that they need not come back).
    members = [t.findings[f] for _, f in sorted(pending, key=lambda pair: pair[0])][:MAX_GROUP_SIZE]
    again = any(t.findings[f].id in asked for f in np.flatnonzero(t.warning))  # some answered on an earlier page
    return group(members, WARNING_GROUP_ID, WARNING_AGAIN_TEXT if again else WARNING_GROUP_TEXT, WARNING_RATIONALE)


def _red_flag_rows(la: Lookahead) -> BoolArray:
    """[K] unanswered answers that would fire a red-flag rule above the current triage (if likely enough)."""
    unasked = la.unasked[la.tables.row_finding]
    raises = la.rule_levels > la.level_now
    likely = (la.predictive >= TRIAGE_CHANGE_MIN_P) | (la.rule_levels >= ALWAYS_ASK_LEVEL)
    return unasked & raises & likely


def _triage_group(la: Lookahead) -> Question | None:
    """Other red flags: yes/no findings whose "yes" would fire a rule that raises the triage, asked together."""
    t = la.tables
    rows = [int(k) for k in np.flatnonzero(_red_flag_rows(la)) if t.findings[t.row_finding[k]].type == "boolean"]
    if not rows:
        return None
    rows.sort(key=lambda k: -la.predictive[k] * (la.rule_levels[k] - la.level_now))
    members = [t.findings[t.row_finding[k]] for k in rows[:MAX_GROUP_SIZE]]
    return group(members, TRIAGE_GROUP_ID, TRIAGE_GROUP_TEXT, TRIAGE_RATIONALE)


def _checklists(la: Lookahead, score: FloatArray, change: FloatArray) -> list[tuple[float, float, str, list[int]]]:
    """Candidate checklists: (value, gain, kind, members) for each kind of yes/no finding."""
    t = la.tables
    out = []
    for kind in CHECKLIST_TEXT:
        ranked = [
            int(f)
            for f in np.argsort(-score, kind="stable")
            if la.unasked[f] and t.findings[f].group == kind and t.findings[f].type == "boolean"
        ]
        if not ranked:
            continue
        floor = max(CHECKLIST_MEMBER_MIN, CHECKLIST_MEMBER_SHARE * score[ranked[0]])
        members = [f for f in ranked if score[f] >= floor][:MAX_CHECKLIST_SIZE]
        if len(members) < 2:
            continue
        gain, movement_gain = joint_gain(la, members)
        value = gain + MOVEMENT_WEIGHT * movement_gain + TRIAGE_WEIGHT * float(change[members].sum())
        out.append((value, gain, kind, members))
    return out


def _best_question(
    model: Model, la: Lookahead, could_change: BoolArray, change: FloatArray, asked: frozenset[str] = frozenset()
) -> tuple[Question, float]:
    """The most valuable single question or checklist, and its information gain."""
    t = la.tables
    score = np.where(la.unasked, la.gain + MOVEMENT_WEIGHT * la.movement_gain + TRIAGE_WEIGHT * change, -np.inf)
    best = int(np.argmax(score))
    checklists = _checklists(la, score, change)
    top = max(checklists, key=lambda c: c[0], default=None)
    if top is None or top[0] <= score[best]:
        return single(model, la, best, bool(could_change[best])), float(la.gain[best])
    _, gain, kind, members = top
    lead = members[0]
    why = rationale(model, la, lead, bool(could_change[members].any()))
    again = any(model.kb.findings[fid].group == kind for fid in asked)  # this kind had a page already
    text = CHECKLIST_AGAIN_TEXT[kind] if again else CHECKLIST_TEXT[kind]
    return group([t.findings[f] for f in members], f"group_{kind}", text, why), gain


def _escalation_check(model: Model, la: Lookahead) -> Question | None:
    """After a same-day (urgent) answer: only what could still make it an emergency.

    The yes/no findings whose "yes" would raise the level are asked together (most likely first), then
    a choice finding that could (how fast it came on, how fast it is worsening); nothing else is asked,
    so at most a few questions stand between an urgent answer and the result.
    """
    t = la.tables
    likely = (la.predictive >= TRIAGE_CHANGE_MIN_P) | (la.levels >= EMERGENCY)
    raises = la.unasked[t.row_finding] & (la.levels > la.level_now) & likely
    rows = np.flatnonzero(raises)
    booleans = [int(k) for k in rows if t.findings[t.row_finding[k]].type == "boolean"]
    if booleans:
        booleans.sort(key=lambda k: -la.predictive[k])
        unique = list(dict.fromkeys(int(t.row_finding[k]) for k in booleans))[:MAX_GROUP_SIZE]
        members = [t.findings[f] for f in unique]
        return group(members, ESCALATION_GROUP_ID, ESCALATION_GROUP_TEXT, ESCALATION_RATIONALE)
    choices = sorted((int(k) for k in rows), key=lambda k: -la.predictive[k])
    if not choices:
        return None
    return single(model, la, int(t.row_finding[choices[0]]), True)


def plan(model: Model, case: Case, asked: int | None = None) -> Plan:
    """Choose the next question and decide whether to stop; ``asked`` defaults to questions_asked()."""
    la = lookahead(model, case)
    t = la.tables
    if la.level_now >= EMERGENCY:
        return Plan(None, True, "an emergency: call an ambulance now, no more questions", la)
    if la.level_now >= URGENT:
        check = _escalation_check(model, la)
        if check is None:
            return Plan(None, True, "same-day care is needed; no answer left could make it an emergency", la)
        return Plan(check, False, "same-day care is needed; checking nothing makes it an emergency", la)
    change = np.abs(la.levels - la.level_now)
    expected_change = np.add.reduceat(la.predictive * change, t.starts)
    changers = _red_flag_rows(la) | ((change > 0) & (la.predictive >= RISK_CHANGE_MIN_P))
    could_change = la.unasked & (np.add.reduceat(changers.astype(float), t.starts) > 0)

    if not la.unasked.any():
        return Plan(None, True, "nothing left to ask", la)
    asked_ids = frozenset(item.id for item in case.evidence if item.source == "asked")
    flags = _warning_group(la, asked_ids) or _triage_group(la)
    question, gain = flags, 0.0
    if question is None:
        question, gain = _best_question(model, la, could_change, expected_change, asked_ids)
    n_asked = questions_asked(model, case) if asked is None else asked
    if n_asked >= MAX_QUESTIONS:
        return Plan(question, True, f"reached the limit of {MAX_QUESTIONS} questions", la)
    if flags is not None:
        return Plan(question, False, "warning signs or red flags that could change the triage are unanswered", la)
    if could_change.any():
        return Plan(question, False, "an answer could still change the triage", la)
    top = float(la.conditions.max())
    if top >= CONFIDENT_TOP:
        return Plan(question, True, f"the leading cause is clear ({top:.0%}) and triage is settled", la)
    if gain < MIN_GAIN:
        return Plan(question, True, "no question left would tell the causes apart", la)
    return Plan(question, False, "the leading cause is not yet clear", la)


def next_question(model: Model, case: Case) -> Question | None:
    """The most useful next question, or None when every finding has been answered."""
    return plan(model, case, asked=0).question


def should_stop(model: Model, case: Case, asked: int | None = None) -> bool:
    """True when more questions are unlikely to change the triage or the leading cause."""
    return plan(model, case, asked).should_stop


def interview_step(model: Model, case: Case, asked: int | None = None) -> InterviewStep:
    """Next question, whether to stop, and the assessment of the evidence so far (for the API).

    As in Infermedica's API, the best question is offered even when should_stop is true (a caller
    may go on); it is None only when nothing is left to ask.
    """
    chosen = plan(model, case, asked)
    return InterviewStep(chosen.question, chosen.should_stop, assess(model, case))


def with_answers(case: Case, items: list[EvidenceItem]) -> Case:
    """The case with new answers added (a later answer about the same finding replaces the earlier)."""
    replaced = {item.id for item in items}
    kept = tuple(item for item in case.evidence if item.id not in replaced)
    return Case(evidence=kept + tuple(items), age=case.age, sex=case.sex)


def questions_asked(model: Model, case: Case) -> int:
    """How many questions the "asked" answers took, found by replaying the interview.

    Stateless callers (the API) send only the evidence. Replaying from the other evidence and
    taking each question's answers from the asked ones recovers the count when the caller followed
    the interview; asked answers the replay does not reach count one question each.
    """
    asked = {item.id: item for item in case.evidence if item.source == "asked"}
    replay = Case(tuple(i for i in case.evidence if i.source != "asked"), case.age, case.sex)
    count = 0
    while asked and count < MAX_QUESTIONS:
        question = plan(model, replay, asked=0).question
        if question is None or not all(fid in asked for fid in question.findings):
            break
        replay = with_answers(replay, [asked.pop(fid) for fid in question.findings])
        count += 1
    return count + len(asked)
