"""Who the text is about (the writer, a child, someone else), and that person's age and sex.

"My 8-year-old son has eyelid twitching" is about the child: age 8, male, subject "child". The writer
is the patient whenever they describe their own body ("my calf", "I keep twitching"); a relative is the
patient when only their body or their symptoms are described.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from twitchcheck.nlp.lexicon import Lexicon
from twitchcheck.nlp.pipeline import Reading

AGE_MAX = 119
_YEARS_OLD = r"(\d{1,3})\s*(?:-|\s)?\s*(?:years?|yrs?|yr|y)\s*(?:-|\s)?\s*olds?\b"
_YO = r"(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yrs?)(?![a-z])"
_NOT_AGE = (
    r"(?!\s*(?:%|kg|lbs?|pounds|stone|st\b|cm|ft|foot|feet|inch|'|days?|weeks?|months?|hours?|hrs?|minutes?|mins?|"
    r"mg|cups?|coffees?|times?|x\b|percent|years?\s+(?:into|in|of|since|ago)|th\b|nd\b|rd\b|st\b|am\b|pm\b|"
    r"o'clock|:|\.\d|,\d))"
)
_OWNER = re.compile(
    r"\b(my|his|her|their|[a-z]+'s)\s+(?:(?:left|right|lower|upper|both|inner|outer|little|big|whole|entire|own)\s+){0,2}$"
)
_OTHER_PERSON = re.compile(r"\b(he|she|his|her|they|their|him)\b")
_HE, _SHE = re.compile(r"\b(he|his|him|he's)\b"), re.compile(r"\b(she|her|hers|she's)\b")


@dataclass(frozen=True)
class Person:
    """The patient: who they are to the writer, their age and sex, and the relative's word if not the writer."""

    subject: str = "self"
    age: float | None = None
    sex: str | None = None
    relative: str | None = None


class PersonReader:
    """Regular expressions built from the lexicon's relatives, sex words and number words."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        rel = "|".join(sorted((re.escape(r) for r in lex.relatives), key=len, reverse=True))
        self.rel_word = rel
        self.relative = re.compile(
            rf"(?:\b(?:my|our)\s+|(?:^|[.!?\n]\s*))(?:{_YEARS_OLD}\s+|{_YO}\s+|(?:little|baby|teenage|young|eldest|"
            rf"youngest|older|younger|oldest|\w+-year-old)\s+)?({rel})s?\b"
        )
        self.bare_child = re.compile(rf"\b(?:my|our)\s+{_YEARS_OLD}(?!\s+(?:{rel})s?\b)")
        children = "|".join(sorted((re.escape(r) for r, v in lex.relatives.items() if v.subject == "child"), key=len))
        # A baby's age in months: "my 18 month old son", "baby boy 6 months", "she is 9 months".
        self.months_old = re.compile(
            rf"\b(\d{{1,2}})\s*(?:-|\s)?\s*(?:months?|mths?|mos?)\s*(?:-|\s)?\s*old\b|"
            rf"\b(?:{children}|boy|girl)s?\s*(?:is|was|aged?)?\s*[,(]?\s*(\d{{1,2}})\s*(?:months?|mths?|mos?)\b"
        )
        self.after_relative = re.compile(
            r"^(?:'s)?\s*(?:,|\(|\[|-)\s*(?:aged?\s*)?(\d{1,3})\b|^\s+(?:(?:who\s+is|who's|is|aged|age)\s+)?"
            r"(?:only\s+|just\s+)?(\d{1,3})\b(?:\s*(?:years?|yrs?|y/?o)\b(?:\s+old)?)?(?!\s*(?:days?|weeks?|months?|hours?|"
            r"minutes?|times?|x\b|%|kg|mg|cups?|pills?|tablets?))"
        )
        self.acting = re.compile(
            r"^(?:'s)?\s+(?:\w+\s+){0,2}?(?:has|have|is|keeps|keep|gets|got|started|starts|twitches|jerks|shakes|"
            r"complains|complained|been|developed|suddenly|'s|now|seems|says)\b"
        )
        sexes = {w: s for s, words in lex.sex_words.items() for w in words if len(w) > 1}
        self.sex_of = sexes
        sw = "|".join(sorted((re.escape(w) for w in sexes), key=len, reverse=True))
        self.sex_phrase = re.compile(
            rf"\b(?:i'm|im|i am|as)\s+an?\s+(?:{_YEARS_OLD}\s+|{_YO}\s+|\w+\s+)?({sw})\b|"
            rf"(?<!my )\b{_YEARS_OLD}\s+({sw})\b|(?<!my )\b{_YO}\.?\s+({sw})\b|"
            rf"(?<!my )\b(male|female)\b|\b(mum|mom|mother|dad|father) of\b|"
            rf"^\W*({sw})\s+here\b|\b(guy|woman|man|lady|girl|dude)\s+here\b"
        )
        self.letter = re.compile(
            r"(?:^|[\s(\[,/])(\d{2})\s?/?\s?([mf])(?=[\s)\],.!?;:/]|$)|"
            r"(?:^|[\s(\[,/])([mf])\s?[,/]?\s?(\d{2})(?=[\s)\],.!?;:/]|$)"
        )
        self.self_age = [
            re.compile(rf"\b(?:i'm|im|i am)\s+(?:(?:a|an|only|just|now|almost|nearly)\s+)?(\d{{1,3}})\b{_NOT_AGE}"),
            re.compile(rf"\b{_YEARS_OLD}(?!\s+(?:{rel})\b)"),
            re.compile(rf"\b{_YO}(?!\s+(?:{rel})\b)"),
            re.compile(r"\bage(?:d)?\s*:?\s*(\d{1,3})\b"),
            re.compile(r"\b(?:just\s+)?turned\s+(\d{1,3})\b"),
            re.compile(rf"\b(?:{sw}|(?:mum|mom|mother|dad|father) of \w+)(?:\s+here)?\s*,\s*(\d{{2}})\b{_NOT_AGE}"),
            re.compile(r"\b(\d{2})\s*,\s*(?:male|female|man|woman)\b"),
        ]
        words = lex.grammar
        self.decade = re.compile(
            r"\bin\s+my\s+(early|mid|late)?\s*-?\s*(\d0)'?s\b|\bin\s+my\s+(early|mid|late)?\s*-?\s*"
            rf"({'|'.join(re.escape(d) for d in words.decades)})\b"
        )
        self.self_symptom = re.compile(
            r"\bi(?:'ve|'m|m|ve)?\b([^.;!?\n]{0,40}?)"
            rf"\b({'|'.join(re.escape(s) for s in words.self_symptom_stems)})"
        )

    def _age_ok(self, value: str) -> float | None:
        age = float(value)
        return age if 0 < age <= AGE_MAX else None

    def _self_age(self, low: str) -> float | None:
        if m := self.letter.search(low):
            return self._age_ok(m.group(1) or m.group(4))
        hits: list[tuple[int, float]] = []
        for pattern in self.self_age:
            for m in pattern.finditer(low):
                if re.search(r"\bmy\s+$", low[max(0, m.start() - 4) : m.start()]):
                    continue
                value = next(g for g in m.groups() if g)
                if (age := self._age_ok(value)) is not None:
                    hits.append((m.start(), age))
        if hits:
            return min(hits)[1]
        if m := self.decade.search(low):
            shift = {"early": 2, "mid": 5, "late": 8, None: 5}
            base = int(m.group(2)) if m.group(2) else self.lex.grammar.decades[m.group(4)]
            return float(base + shift[m.group(1) or m.group(3)])
        return None

    def _self_sex(self, low: str) -> str | None:
        if m := self.letter.search(low):
            return "female" if (m.group(2) or m.group(3)) == "f" else "male"
        if m := self.sex_phrase.search(low):
            word = next(g for g in reversed(m.groups()) if g and not g.isdigit())
            return self.sex_of.get(word)
        return None

    def _body_owners(self, reading: Reading, low: str) -> tuple[int, int]:
        mine = theirs = 0
        for target in reading.targets:
            if target.match.kind != "LOCATION":
                continue
            if m := _OWNER.search(low[max(0, target.start_char - 40) : target.start_char]):
                if m.group(1) == "my":
                    mine += 1
                elif m.group(1) not in ("it's", "that's", "there's", "what's", "one's"):
                    theirs += 1
        return mine, theirs

    def _self_symptom(self, low: str) -> bool:
        for m in self.self_symptom.finditer(low):
            between = m.group(1)
            if not re.search(rf"\b(?:my|our)\s+(?:\w+\s+)?(?:{self.rel_word})", between) and not _OTHER_PERSON.search(
                between
            ):
                return True
        return False

    def read(self, reading: Reading, text: str) -> Person:
        """Who the patient is, with age and sex where the text gives them."""
        low = text.lower()
        mine, theirs = self._body_owners(reading, low)
        candidates = []
        for m in self.relative.finditer(low):
            noun = m.group(3)
            rest = low[m.end() : m.end() + 60]
            age_text = m.group(1) or m.group(2)
            after = self.after_relative.search(rest)
            if age_text is None and after:
                age_text = after.group(1) or after.group(2)
            acting = bool(self.acting.search(rest)) and not re.match(r"^(?:'s)?\s+(?:had|died|passed)", rest)
            info = self.lex.relatives[noun]
            strong = age_text is not None
            candidates.append((noun, age_text, acting or strong or theirs > 0))
        for m in self.bare_child.finditer(low):
            child_age = self._age_ok(m.group(1))
            if child_age is not None and child_age < 18:
                candidates.append(("child", m.group(1), True))
        baby = self.months_old.search(low)
        if baby and not any(c[2] for c in candidates) and not self._self_symptom(low):
            months = float(baby.group(1) or baby.group(2))
            return Person("child", round(months / 12, 2), self._self_sex(low) or self._pronoun_sex(low), "baby")
        chosen = next((c for c in candidates if c[2]), None)
        if chosen is None or mine > 0 or self._self_symptom(low):
            return Person("self", self._self_age(low), self._self_sex(low))
        noun, age_text, _ = chosen
        info = self.lex.relatives[noun]
        age = self._age_ok(age_text) if age_text else None
        if age is None and info.subject == "child" and baby:
            age = round(float(baby.group(1) or baby.group(2)) / 12, 2)
        pronoun_age = re.search(rf"\b(?:he|she)(?:'s| is)\s+(\d{{1,2}})\b{_NOT_AGE}|{_YEARS_OLD}", low)
        if age is None and pronoun_age:
            age = self._age_ok(pronoun_age.group(1) or pronoun_age.group(2))
        return Person(info.subject, age, info.sex or self._pronoun_sex(low), noun)

    @staticmethod
    def _pronoun_sex(low: str) -> str | None:
        he, she = len(_HE.findall(low)), len(_SHE.findall(low))
        return "male" if he > she else "female" if she > he else None
