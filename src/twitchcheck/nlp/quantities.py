"""Numbers in the text: how long it has been going on, how often, hours of sleep, servings a day.

Everything is read with regular expressions built from the lexicon's number words, time units and
serving words, so "a couple of weeks", "since March", "every few minutes" and "three cups of coffee a
day" all come out as numbers in the knowledge base's units (days, options, mg a day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from twitchcheck.nlp.lexicon import Lexicon, Substance


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Amount:
    """Servings a day of one substance mention (``explicit`` when the text gave a number)."""

    servings: float
    explicit: bool
    mg: float | None = None
    span: tuple[int, int] | None = None  # the characters that gave the amount ("4 coffees a day")


class QuantityReader:
    """Regular expressions over the lower-cased, cleaned text."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.numbers = dict(lex.numbers)
        self.units = dict(lex.time_units)
        self.units.update({k: lex.time_units[v] for k, v in lex.spelling.items() if v in lex.time_units})
        num = rf"(?:\d+(?:\.\d+)?|{_alt(list(self.numbers))})"
        self.num = num
        numr = rf"({num})(?:\s*(?:-|–|to|or)\s*({num}))?"
        days = rf"({_alt([u for u, d in self.units.items() if d >= 1])})\b"
        plain = [n for n in self.numbers if n not in ("a", "an", "once", "twice", "thrice")]
        bare = rf"(\d+(?:\.\d+)?|{_alt(plain)})(?:\s*(?:-|–|to|or)\s*({num}))?"
        blockers = _alt(lex.duration_blockers)
        words = lex.grammar
        hedge = "(?:" + "|".join(re.escape(w) for w in words.duration_hedges) + ")"
        self.weekdays, self.many_a_day = list(words.weekdays), lex.many_times_a_day_from
        self.spans = [
            re.compile(
                rf"\b(?:for|past|last|over)\s+(?:the\s+)?(?:past\s+|last\s+)?(?:{hedge}\s+)?{numr}\s*\+?\s*{days}"
            ),
            re.compile(rf"(?<![\w.]){numr}\s*\+?\s*{days}\s+(?:ago|now|so far|already|straight|running|on and off)\b"),
            re.compile(rf"\b(?:going on|almost|nearly|coming up on|about)\s+{numr}\s*{days}(?!\s*-?\s*old)"),
            re.compile(
                rf"(?<![\w.])(?<!x )(?<!times )(?<!every )(?<!per ){bare}\s*\+?\s*{days}(?!\s*-?\s*old)"
                rf"(?!\s+(?:of|pregnant|postpartum|into|in|a\b|per|later|before|after))"
            ),
        ]
        self.started = re.compile(
            r"\b(?:started|began|begun|start|came on)\s+(?:\w+ing\s+)?(?:\w+\s+)?"
            r"(yesterday|today|this morning|last night)\b"
        )
        self.past_unit = re.compile(rf"\b(?:for|over|in|during)\s+the\s+(?:past|last)\s+{days}")
        self.vague = re.compile(rf"\b({_alt(list(lex.vague_durations))})\b")
        months = "|".join(m[:3] + r"[a-z]*" for m in lex.months)
        self.since_month = re.compile(
            rf"\b(?:since|started in|began in|start of|beginning of)\s+(?:early\s+|mid\s+|late\s+|last\s+)?"
            rf"({months})\b(?:\s+(\d{{4}}))?"
        )
        self.since_year = re.compile(r"\bsince\s+(\d{4})\b")
        self.since_day = re.compile(rf"\bsince\s+(?:last\s+)?({'|'.join(self.weekdays)})\b")
        self.since_holiday = re.compile(rf"\bsince\s+({'|'.join(re.escape(w) for w in words.holidays)})\b")
        self.blocked = re.compile(rf"\b(?:{blockers})\s+(?:\w+\s+){{0,1}}$")
        people = _alt([*lex.relatives, "man", "woman", "guy", "lady", "boy", "girl", "patient", "person"])
        # "My husband 71 years", "I am 27 years man": a number of years right after a person is an age.
        self.person_before = re.compile(
            rf"(?:\b(?:i am|i'm|im|he is|she is|he's|she's|who is|aged?)|\b(?:{people})s?(?:\s+(?:have|has))?|"
            rf"\b(?:i|he|she)\s+(?:have|has))\s*[,(]?\s*$"
        )
        children = _alt([w for w, r in lex.relatives.items() if r.subject == "child"] + ["boy", "girl"])
        # "Baby boy 6 months": a number of months right after a child is the child's age.
        self.child_before = re.compile(rf"\b(?:{children})s?\s*(?:is|was|aged?)?\s*[,(]?\s*$")
        unit = rf"({_alt(list(self.units))})\b"
        self.freq_times = re.compile(
            rf"(?<![\w.])(?:{numr}\s*(?:x|times?)|(once|twice|thrice))\s*(?:a|an|per|each|every|/)\s*{unit}"
        )
        self.freq_every = re.compile(rf"\bevery\s+(?:({num})\s+)?{unit}")
        self.sleep = [
            re.compile(
                rf"\b(?:sleep|sleeping|slept|get|getting|got)\s+(?:only\s+|about\s+|around\s+|like\s+|maybe\s+|"
                rf"barely\s+|less than\s+|under\s+|roughly\s+)?{numr}\s*(?:hours?|hrs?|h)\b"
            ),
            re.compile(rf"(?<![\w.]){numr}\s*(?:hours?|hrs?|h)\s+(?:of\s+)?(?:sleep|a night|per night|each night)"),
        ]
        units = _alt(list(lex.serving_units))
        vague = _alt(list(lex.vague_amounts))
        self.before = re.compile(
            rf"(?:^|[^\w.])(?:({vague})|{numr})\s*(?:x\s*)?((?:(?:{units}|of|the|my|extra|or so|ish|big|"
            rf"large|full)\s*)*)$"
        )
        self.after = re.compile(
            rf"^\s*[,:(\-]?\s*(?:like|about|around|maybe|probably|roughly|at least)?\s*{numr}\s*"
            rf"((?:(?:{units}|of|a)\s+)*)(?:a|per|/|each|every)\s*(day|night|morning|week)"
        )
        self.period = re.compile(
            r"^\s*(?:\w+\s+){0,3}?(?:(?:a|per|/|each|every|an)\s*(day|night|morning|evening|week|weekend|month)|(daily))"
        )
        self.mg = re.compile(r"(\d+(?:\.\d+)?)\s*mg\b")

    def number(self, text: str | None) -> float | None:
        """A number written in digits or words."""
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            return self.numbers.get(text.strip())

    def _range(self, low: str | None, high: str | None) -> float | None:
        a, b = self.number(low), self.number(high)
        if a is None:
            return None
        return a if b is None else (a + b) / 2

    def durations(self, low: str, today: date) -> list[tuple[int, int, float]]:
        """Every (start, end, days) the text gives for how long it has been going on."""
        out: list[tuple[int, int, float]] = []
        for pattern in self.spans:
            for m in pattern.finditer(low):
                before = low[max(0, m.start() - 30) : m.start()]
                unit = m.group(3)
                is_age = (unit.startswith("year") and self.person_before.search(before)) or (
                    unit.startswith(("month", "mo", "mth")) and self.child_before.search(before)
                )
                if self.blocked.search(before) or is_age:
                    continue
                n = self._range(m.group(1), m.group(2))
                if n is not None:
                    out.append((m.start(), m.end(), n * self.units[m.group(3)]))
        for m in self.started.finditer(low):
            out.append((m.start(), m.end(), 0.5 if m.group(1) in ("today", "this morning") else 1.0))
        for m in self.past_unit.finditer(low):
            out.append((m.start(), m.end(), self.units[m.group(1)]))
        for m in self.vague.finditer(low):
            out.append((m.start(), m.end(), self.lex.vague_durations[m.group(1)]))
        return sorted(out + self._dates(low, today))

    def _dates(self, low: str, today: date) -> list[tuple[int, int, float]]:
        """Durations from a start date: "since March", "since 2024", "since Monday", "since Christmas"."""
        out: list[tuple[int, int, float]] = []
        for m in self.since_month.finditer(low):
            month = next(i for i, name in enumerate(self.lex.months, 1) if name.startswith(m.group(1)[:3]))
            year = int(m.group(2)) if m.group(2) else today.year
            start = date(year, month, 1)
            if start > today:
                start = date(year - 1, month, 1)
            out.append((m.start(), m.end(), float(max(1, (today - start).days))))
        for m in self.since_year.finditer(low):
            if 1900 < int(m.group(1)) <= today.year:
                out.append((m.start(), m.end(), float(max(1, (today - date(int(m.group(1)), 7, 1)).days))))
        for m in self.since_day.finditer(low):
            back = (today.weekday() - self.weekdays.index(m.group(1))) % 7 or 7
            out.append((m.start(), m.end(), float(back)))
        for m in self.since_holiday.finditer(low):
            start = date(today.year, 1, 1) if "new" in m.group(1) else date(today.year - 1, 12, 25)
            out.append((m.start(), m.end(), float(max(1, (today - start).days))))
        return out

    def frequencies(self, low: str) -> list[tuple[int, int, str]]:
        """Every (character offset, option) from "3 times a day" or "every 10 minutes"."""
        out: list[tuple[int, int, str]] = []
        for m in self.freq_times.finditer(low):
            n = self._range(m.group(1) or m.group(3), m.group(2))
            if n:
                out.append((m.start(), m.end(), self._option(n / self.units[m.group(4)])))
        for m in self.freq_every.finditer(low):
            n = self.number(m.group(1)) or 1
            out.append((m.start(), m.end(), self._option(1 / (n * self.units[m.group(2)]))))
        return sorted(out)

    def _option(self, per_day: float) -> str:
        if per_day < 1:
            return "occasional"
        return "daily" if per_day < self.many_a_day else "many_times_a_day"

    def sleep_hours(self, low: str) -> list[tuple[int, int, float]]:
        """Every (character offset, hours) of sleep a night the text gives."""
        out = []
        for pattern in self.sleep:
            for m in pattern.finditer(low):
                hours = self._range(m.group(1), m.group(2))
                if hours is not None and 0 <= hours <= 14:
                    out.append((m.start(), m.end(), hours))
        return out

    def amount(self, low: str, start: int, end: int, substance: Substance) -> Amount:
        """Servings a day of the substance named at low[start:end], from the words around it, and their span."""
        found = self._amount(low, start, end, substance)
        if found.span is None:
            return found
        a, b = found.span
        a += len(low[a:b]) - len(low[a:b].lstrip())
        b -= len(low[a:b]) - len(low[a:b].rstrip())
        return Amount(found.servings, found.explicit, found.mg, (a, b))

    def _amount(self, low: str, start: int, end: int, substance: Substance) -> Amount:
        pre_start = max(0, start - 50)
        pre, post = low[pre_start:start], low[end : end + 60]
        if m := self.mg.search(pre[-20:]):
            return Amount(
                1, True, float(m.group(1)), (start - 20 + m.start() if len(pre) >= 20 else pre_start + m.start(), end)
            )
        if m := self.mg.search(post[:32]):
            return Amount(1, True, float(m.group(1)), (start, end + m.end()))
        per_day = self._per_day(post)
        period = self.period.match(post)
        if m := self.before.search(pre):
            vague = m.group(1)
            servings = self.lex.vague_amounts[vague] if vague else (self._range(m.group(2), m.group(3)) or 1)
            explicit = m.group(1) is not None or m.group(2) not in ("a", "an") or period is not None
            servings *= self._multiplier(m.group(4) or "")
            return Amount(
                servings * per_day, explicit, span=(pre_start + m.start(), end + (period.end() if period else 0))
            )
        if m := self.after.match(post):
            servings = (self._range(m.group(1), m.group(2)) or 1) * self._multiplier(m.group(3) or "")
            return Amount(servings / (7 if m.group(4) == "week" else 1), True, span=(start, end + m.end()))
        return Amount(substance.default_servings * per_day, False)

    def _per_day(self, post: str) -> float:
        m = self.period.match(post)
        if m is None:
            return 1.0
        return {"week": 1 / 7, "month": 1 / 30}.get(m.group(1) or "", 1.0)

    def _multiplier(self, words: str) -> float:
        factor = 1.0
        for word in words.split():
            factor *= self.lex.serving_units.get(word, 1.0)
        return factor
