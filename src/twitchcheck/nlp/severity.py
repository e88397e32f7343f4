"""Severity and time course in a person's words: temperatures, dark urine, lost strength, pace.

These are read by small rules rather than by single phrases, because the words that matter are spread
over a clause: "my wee came out dark brown, like strong tea" (a colour word near a urine word, and
"tea" is no drink here), "he could barely lift his arm" (an inability cue before a movement verb),
"39.5", "40 degrees" or "104F" (a number that is a temperature). The vocabulary is in the lexicon's
``severity`` section; the rules only say how words combine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from twitchcheck.nlp.lexicon import ClauseRule, Lexicon

FAHRENHEIT = re.compile(r"^\s*(?:°|º|degrees?|deg)?\s*f(?:ahrenheit)?\b")
CELSIUS = re.compile(r"^\s*(?:°|º|degrees?|deg)\s*(?:c(?:elsius|entigrade)?\b)?|^\s*c\b")
NUMBER = re.compile(r"(?<![\w.])(\d{2,3}(?:[.,]\d)?)(?=\s*(?:°|º)?\s*[fc]\b|[^\w.,]|[.,](?!\d)|$)")
SENTENCE = re.compile(r"[^.!?;\n]+")
NOT_TEMPERATURE = re.compile(r"^\s*(?:years?|yrs?|y/?o|kg|mg|%|st\b|lbs?|minutes?|mins?|hours?|days?|weeks?)")
CUE_REACH = 40  # characters before a bare number in which a temperature word must stand


@dataclass(frozen=True)
class Spot:
    """Where in the text something was read (character offsets) and what it means."""

    start: int
    end: int
    value: float | str | None = None


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class SeverityReader:
    """Rules over the lower-cased text, built from the lexicon's ``severity`` vocabulary."""

    def __init__(self, lex: Lexicon) -> None:
        sev = lex.severity
        self.sev = sev
        self.clause_breaks = re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in sev.clause_break_words)})\b|[,;]")
        self.cue = re.compile(rf"\b(?:{_alternation(sev.temperature_cues)})")
        self.urine = re.compile(rf"\b(?:{_alternation(sev.urine_words)})\b")
        self.colour = re.compile(rf"\b(?:{_alternation(sev.dark_colours)})\b")
        self.inability = re.compile(
            rf"\b(?:{_alternation(sev.inability_cues)})\s+(?:\w+\s+){{0,2}}?(?:{_alternation(sev.motor_verbs)})\b"
        )
        self.shaking = re.compile(rf"\b(?:{_alternation(sev.shaking_words)})")
        self.twitching = re.compile(rf"\b(?:{_alternation(lex.twitch_words)})\b")
        self.clause_rules = [
            (rule, [re.compile(rf"\b(?:{_alternation(group)})") for group in rule.groups]) for rule in lex.clause_rules
        ]

    def clauses(self, low: str) -> list[tuple[ClauseRule, Spot]]:
        """Every clause rule that holds, with the span from its first word to its last."""
        out: list[tuple[ClauseRule, Spot]] = []
        for rule, groups in self.clause_rules:
            hit = self._clause(low, rule, groups)
            if hit is not None:
                out.append((rule, hit))
        return out

    @staticmethod
    def _clause(low: str, rule: ClauseRule, groups: list[re.Pattern[str]]) -> Spot | None:
        for sentence in SENTENCE.finditer(low):
            text, offset = sentence.group(0), sentence.start()
            for first in groups[0].finditer(text):
                lo, hi = max(0, first.start() - rule.reach), first.end() + rule.reach
                ends = [first.start(), first.end()]
                for pattern in groups[1:]:
                    m = pattern.search(text, max(lo, ends[-1]) if rule.ordered else lo, hi)
                    if m is None:
                        break
                    ends += [m.start(), m.end()]
                else:
                    return Spot(offset + min(ends), offset + max(ends))
        return None

    def temperatures(self, low: str) -> list[Spot]:
        """Body temperatures in °C: "39.5", "40 degrees", "38,9", "104F" (with a unit or a temperature word)."""
        out: list[Spot] = []
        for m in NUMBER.finditer(low):
            value = float(m.group(1).replace(",", "."))
            after = low[m.end() : m.end() + 14]
            cued = bool(self.cue.search(low[max(0, m.start() - CUE_REACH) : m.start()]))
            if FAHRENHEIT.match(after) and 95 <= value <= 110:
                out.append(Spot(m.start(), m.end(), round((value - 32) * 5 / 9, 1)))
            elif 34 <= value <= 43 and (CELSIUS.match(after) or (cued and not NOT_TEMPERATURE.match(after))):
                out.append(Spot(m.start(), m.end(), value))
        return out

    def dark_urine(self, low: str) -> list[Spot]:
        """A dark colour word within the clause of a urine word ("pee looked like coke", "brown urine")."""
        out: list[Spot] = []
        for sentence in SENTENCE.finditer(low):
            text = sentence.group(0)
            for urine in self.urine.finditer(text):
                window = text[max(0, urine.start() - 60) : urine.end() + 60]
                if self.colour.search(window):
                    offset = sentence.start()
                    out.append(Spot(offset + max(0, urine.start() - 60), offset + min(len(text), urine.end() + 60)))
                    break
        return out

    def lost_strength(self, low: str) -> list[Spot]:
        """A movement the person can no longer make: "can't lift", "struggling to stand", "unable to walk".

        An inability that comes from shaking ("my hands shake so much I can't hold a cup") is not lost strength.
        """
        out: list[Spot] = []
        for m in self.inability.finditer(low):
            clause_start = max((b.end() for b in self.clause_breaks.finditer(low, 0, m.start())), default=0)
            clause_end = next((b.start() for b in self.clause_breaks.finditer(low, m.end())), len(low))
            if self.shaking.search(low[max(clause_start, m.start() - 50) : min(clause_end, m.end() + 40)]):
                continue
            out.append(Spot(m.start(), m.end()))
        return out

    def quiet_clause(self, low: str, start: int, end: int) -> bool:
        """Whether the clause around a timing phrase says nothing happens then.

        "During the day, I do not experience any twitching" and "I'm fine during the day" say the twitch
        is absent at that time, although no negation stands right before the timing words.
        """
        sentence = next((s for s in SENTENCE.finditer(low) if s.start() <= start < s.end()), None)
        if sentence is None:
            return False
        before = low[max(sentence.start(), start - 16) : start]
        if re.search(rf"\b(?:{_alternation(self.sev.calm_words)})\s+(?:\w+\s+)?$", before):
            return True
        rest = low[end : sentence.end()]
        clause = re.split(r"\b(?:but|only|except|though|although|whereas)\b|;", rest)[0]
        for twitch in self.twitching.finditer(clause):
            lead = clause[max(0, twitch.start() - 30) : twitch.start()]
            if re.search(r"(?:\b(?:no|not|never|nothing|dont|doesnt|didnt)\b|n't)(?:\s+\w+){0,3}\s*$", lead):
                return True
        return False
