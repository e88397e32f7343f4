"""Evidence from the severity rules and the time-course choices, added to a parse in progress.

``course`` ("getting worse day by day") and ``onset_speed`` ("came on within hours") are choice findings
read from phrases; when several are said the most urgent reading wins, because a description like
"it was getting better, but now it is worse every day" must not be read as improving. A bare "getting
worse" takes its pace from how long the problem has lasted.
"""

from __future__ import annotations

import re

from twitchcheck.nlp.collect import Collector
from twitchcheck.nlp.lexicon import Lexicon
from twitchcheck.nlp.pipeline import Reading, Target
from twitchcheck.nlp.severity import SeverityReader, Spot

COURSE_URGENCY = ("worse_fast", "worse_weeks", "worse_slowly", "same", "better")
ONSET_URGENCY = ("minutes", "hours", "days", "weeks", "gradual")
NEGATION_BEFORE = r"\b(?:no|not|never|without|n't|nothing)\b\s+(?:\w+\s+){0,2}$"
# A fear or a question in or shortly before a clause ("worried I have MS", "do I have MS") makes it no finding.
FEAR_BEFORE = (
    r"\b(?:worried|worry|worrying|scared|afraid|fear|frightened|terrified|concerned|convinced|panicking|"
    r"anxious|do i|does he|does she|could i|might i|could it|could this|is it|is this|think i|wonder|googl|read|mean|"
    r"signs? of|might be|may be|could be|maybe|possibly|in case)"
    r"\b"
)


def read_temperatures(col: Collector, reader: SeverityReader, low: str) -> None:
    """A measured temperature: a fever, a high one (38.5 °C or more), or hypothermia (below 35 °C)."""
    spots = reader.temperatures(low)
    if not spots:
        return
    hottest = max(spots, key=lambda s: float(s.value or 0))
    celsius = float(hottest.value or 0)
    where = (hottest.start, hottest.end)
    if celsius >= reader.sev.fever_from_c:
        col.add("fever", "present", where, "affirmed")
        col.add("high_fever", "present" if celsius >= reader.sev.high_fever_from_c else "absent", where, "affirmed")
    elif celsius < reader.sev.fever_from_c - 0.5:
        col.add("fever", "absent", where, "affirmed")
        col.add(
            "low_body_temperature",
            "present" if celsius < reader.sev.hypothermia_below_c else "absent",
            where,
            "affirmed",
        )


def read_dark_urine(col: Collector, spots: list[Spot]) -> None:
    """Dark urine ("pee the colour of cola"); the drink words in those spans are colours, not drinks."""
    for spot in spots[:1]:
        col.add("dark_urine", "present", (spot.start, spot.end), "affirmed")


def read_lost_strength(col: Collector, reader: SeverityReader, low: str) -> None:
    """Loss of function from "couldn't lift the kettle" or "struggling to stand", unless it is denied."""
    for spot in reader.lost_strength(low):
        denied = re.search(NEGATION_BEFORE, low[max(0, spot.start - 30) : spot.start])
        col.add("loss_of_function", "absent" if denied else "present", (spot.start, spot.end), "affirmed")


def _course_value(value: str | None, duration_days: float | None, lex: Lexicon) -> str:
    if value is not None:
        return value
    w = lex.worsening
    if duration_days is None:
        return "worse_weeks"
    if duration_days <= w.fast_max_days:
        return "worse_fast"
    return "worse_weeks" if duration_days <= w.weeks_max_days else "worse_slowly"


def read_pace(
    col: Collector, reading: Reading, assertions: list[str], lex: Lexicon, duration_days: float | None
) -> None:
    """``course`` and ``onset_speed`` from their phrases: the most urgent affirmed reading of each."""
    best: dict[str, tuple[int, str, Target]] = {}
    for k, target in enumerate(reading.targets):
        if target.match.kind != "CHOICE" or assertions[k] not in ("affirmed", "historical"):
            continue
        d = target.match.defs[0]
        if d.id == "course":
            value, order = _course_value(d.value, duration_days, lex), COURSE_URGENCY
        elif d.id == "onset_speed" and d.value is not None:
            value, order = d.value, ONSET_URGENCY
        else:
            continue
        rank = order.index(value)
        if d.id not in best or rank < best[d.id][0]:
            best[d.id] = (rank, value, target)
    for fid, (_, value, target) in best.items():
        col.add(fid, "present", target, "affirmed", value)


def in_spots(target: Target, spots: list[Spot]) -> bool:
    """Whether a target lies inside one of the spans (for example a drink word naming a urine colour)."""
    return any(s.start <= target.start_char and target.end_char <= s.end for s in spots)


def read_clauses(
    col: Collector, reader: SeverityReader, low: str, age: float | None, relatives: re.Pattern[str]
) -> None:
    """Findings said across a clause (lexicon ``clause_rules``), unless already read, denied, feared or a relative's.

    ``relatives`` matches the words for other people than the patient ("my uncle had tetanus from a rusty nail").
    """
    for rule, spot in reader.clauses(low):
        if rule.age_max is not None and (age is None or age > rule.age_max):
            continue
        if any(not col.has(fid, "present") for fid in rule.requires) or col.has(rule.finding):
            continue
        sentence_start = max(low.rfind(mark, 0, spot.start) for mark in ".?!")
        window = low[max(sentence_start + 1, spot.start - 50) : spot.end]
        if re.search(FEAR_BEFORE, window) or (relatives.search(window) and not rule.finding.startswith("family_")):
            continue
        denied = re.search(NEGATION_BEFORE, low[max(0, spot.start - 30) : spot.start])
        col.add(rule.finding, "absent" if denied else "present", (spot.start, spot.end), "affirmed")
