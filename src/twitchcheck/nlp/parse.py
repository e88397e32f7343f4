"""``parse_text``: a person's own words in, the knowledge base's evidence out.

The pipeline (spaCy tokens, the phrase matcher, medspacy ConText) is built on first use for each
knowledge base and cached; after that a 100-word description takes a few milliseconds.
"""

from __future__ import annotations

import re
import threading
from datetime import date
from typing import Any

from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.nlp.collect import Collector, assertion_of
from twitchcheck.nlp.lexicon import Lexicon, load_lexicon
from twitchcheck.nlp.locations import LocationReader, Places
from twitchcheck.nlp.matcher import TargetDef, singular
from twitchcheck.nlp.people import PersonReader
from twitchcheck.nlp.pipeline import Reader, Reading, Target
from twitchcheck.nlp.quantities import QuantityReader
from twitchcheck.nlp.scopes import family_clauses, modal_negations, statement_negations, verb_objects
from twitchcheck.nlp.severity import SeverityReader
from twitchcheck.nlp.text import NO_SYMPTOMS, clean_text, looks_english
from twitchcheck.nlp.timecourse import (
    in_spots,
    read_clauses,
    read_dark_urine,
    read_lost_strength,
    read_pace,
    read_temperatures,
)

OTHER_TOPIC = ("MEDICINE", "SUBSTANCE", "TRIGGER")
YEAR_DAYS = 365.25


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


class Parser:
    """Everything needed to read text against one knowledge base, built once."""

    def __init__(self, kb: KnowledgeBase, lex: Lexicon) -> None:
        self.kb, self.lex = kb, lex
        self.reader = Reader(kb, lex)
        self.people = PersonReader(lex)
        self.quantities = QuantityReader(lex)
        self.places = LocationReader(self.reader, lex)
        self.severity = SeverityReader(lex)
        self.english = frozenset(lex.english_words)
        tokenizer = self.reader.nlp.tokenizer
        self.cues = [tuple(self.reader.norm.phrase(tokenizer, c)) for c in lex.new_medicine_cues]
        self.exercise = self._phrase_regex(lex.exercise_words)
        self.after = self._phrase_regex(lex.after_words)
        self.family_ids = frozenset(lex.family_findings.values()) | {d.family for d in lex.diseases if d.family}
        self.breaks, self.modals = frozenset(lex.grammar.clause_breaks), frozenset(lex.grammar.modals)
        self.verbs_with_object = frozenset(lex.grammar.verbs_with_object)

    @staticmethod
    def _phrase_regex(phrases: list[str]) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b")

    def parse(self, text: str, cleaned: str, today: date) -> dict[str, Any]:
        """Read the cleaned text (same length as ``text``, whose spans are reported)."""
        reading = self.reader.read(cleaned)
        person = self.people.read(reading, cleaned)
        verb_objects(reading, self.reader.trie.fillers, self.verbs_with_object)
        modal_negations(reading, frozenset(self.lex.ability_findings), self.modals)
        statement_negations(reading, self.breaks)
        low = cleaned.lower()
        urine = self.severity.dark_urine(low)
        reading.targets[:] = [t for t in reading.targets if not (t.match.kind == "SUBSTANCE" and in_spots(t, urine))]
        ignore = frozenset({singular(person.relative)}) if person.relative else frozenset()
        cats = [t.categories(ignore) for t in reading.targets]
        family_clauses(reading, cats, self.family_ids, self.lex)
        assertions = [assertion_of(c) for c in cats]
        col = Collector(text)
        medicines: list[dict[str, str]] = []
        worries: list[dict[str, Any]] = []
        for k, target in enumerate(reading.targets):
            if self._belongs_to_previous(reading, k, OTHER_TOPIC[:2], 3) and self._is_timing(target):
                continue
            quiet = self._is_timing(target) and self.severity.quiet_clause(low, target.start_char, target.end_char)
            if assertions[k] == "affirmed" and quiet:
                assertions[k] = "negated"
                cats[k].add("NEGATED_EXISTENCE")
            for d in target.match.defs:
                if d.kind in ("SYMPTOM", "TRIGGER", "MEDICINE"):
                    self._finding(col, d, target, assertions[k], "NEGATED_EXISTENCE" in cats[k])
                if d.kind == "MEDICINE":
                    self._medicine(col, d, target, assertion=assertions[k], reading=reading, out=medicines)
                elif d.kind == "DISEASE" and assertions[k] == "family" and d.family:
                    col.add(d.family, "absent" if "NEGATED_EXISTENCE" in cats[k] else "present", target, "family")
                elif (
                    d.kind == "DISEASE"
                    and d.value
                    and assertions[k] != "family"
                    and all(w["id"] != d.value for w in worries)
                ):
                    worries.append({"id": d.value, "text": text[target.start_char : target.end_char]})
                elif d.kind == "GROUP" and assertions[k] in ("negated", "family") and "NEGATED_EXISTENCE" in cats[k]:
                    for fid in d.ids:
                        col.add(fid, "absent", target, "negated")
        places = self.places.read(reading, assertions, col)
        self._sites(col, places)
        read_dark_urine(col, urine)
        substances = self._substances(col, reading, assertions, low)
        duration = self._duration(col, reading, assertions, low, today, age=person.age)
        frequency = self._frequency(col, reading, assertions, low)
        self._sleep(col, low)
        self._after_exercise(col, reading, low)
        read_pace(col, reading, assertions, self.lex, duration)
        read_temperatures(col, self.severity, low)
        read_lost_strength(col, self.severity, low)
        read_clauses(col, self.severity, low, person.age, self._others(person.relative))
        result: dict[str, Any] = {
            "evidence": col.evidence(),
            "age": _number(person.age),
            "sex": person.sex,
            "subject": person.subject,
            "locations": places.locations,
            "duration_days": _number(duration),
            "frequency": frequency,
            "medicines": medicines,
            "substances": substances,
            "worries": worries,
        }
        if not result["evidence"]:
            result["message"] = NO_SYMPTOMS
        return result

    def _others(self, patient: str | None) -> re.Pattern[str]:
        """The words for people other than the patient (the patient's own word is not one)."""
        family = [r.phrase for r in self.lex.context_rules if r.category == "FAMILY" and " " not in r.phrase]
        words = [w for w in {*self.lex.relatives, *family} if patient is None or singular(w) != singular(patient)]
        alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return re.compile(rf"\b(?:my|our|his|her|their)\s+(?:{alternation})s?\b")

    def _state(self, d: TargetDef, assertion: str) -> str:
        state = self.lex.assertion_states[assertion]
        if assertion == "historical":
            if d.kind in self.lex.historical_absent_kinds:
                state = "absent"
            elif self.kb.findings[d.id].group in self.lex.historical_present_groups:
                state = "present"
        if d.absent and state != "unknown":
            state = "absent" if state == "present" else "present"
        return state

    def _finding(self, col: Collector, d: TargetDef, target: Target, assertion: str, negated: bool) -> None:
        if assertion == "family":
            family = d.id if d.id in self.family_ids else self.lex.family_findings.get(d.id)
            if family is not None:
                col.add(family, "absent" if negated else "present", target, "family")
            return
        if d.id in self.family_ids and assertion == "affirmed":
            assertion = "family"
        col.add(d.id, self._state(d, "affirmed" if assertion == "family" else assertion), target, assertion)

    def _medicine(
        self,
        col: Collector,
        d: TargetDef,
        target: Target,
        *,
        assertion: str,
        reading: Reading,
        out: list[dict[str, str]],
    ) -> None:
        if assertion in ("affirmed", "historical") and self._state(d, assertion) == "present":
            entry = {"name": d.name or target.text.lower(), "class": d.id}
            if entry not in out:
                out.append(entry)
        if assertion in ("affirmed", "negated"):
            start = target.match.start
            before = tuple(reading.doc[i].norm_ for i in range(max(0, start - 4), start))
            if any(before[i : i + len(c)] == c for c in self.cues for i in range(len(before))):
                col.add("new_medicine", "present", target, "affirmed")

    def _sites(self, col: Collector, places: Places) -> None:
        present = {loc["id"] for loc in places.locations}
        first = places.locations[0] if places.locations else None
        if places.sides:
            sides = {s for s, _ in places.sides}
            value = "both" if "both" in sides or {"left", "right"} <= sides else sides.pop()
            col.add("side", "present", places.sides[0][1], "affirmed", value)
        if col.has("multiple_sites") or first is None:
            return
        sides = {loc["side"] for loc in places.locations}
        many = "loc_whole_body" in present or len(present) >= 2 or "both" in sides or {"left", "right"} <= sides
        span = col.items[first["id"]]
        col.add("multiple_sites", "present" if many else "absent", (span["start"], span["end"]), "affirmed")

    def _substances(self, col: Collector, reading: Reading, assertions: list[str], low: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        caffeine: dict[str, float] = {}
        first: dict[str, tuple[Target, str]] = {}
        spans: dict[str, tuple[int, int]] = {}
        for k, target in enumerate(reading.targets):
            for d in target.match.defs:
                sub, assertion = d.substance, assertions[k]
                if d.kind != "SUBSTANCE" or sub is None or assertion == "family":
                    continue
                first.setdefault(d.id, (target, assertion))
                if assertion != "affirmed":
                    state = self._state(d, assertion)
                    if state != "present":
                        col.add(
                            d.id,
                            state,
                            target,
                            assertion,
                            0 if sub.per_serving is not None and state == "absent" else None,
                        )
                    continue
                amount = self.quantities.amount(low, target.start_char, target.end_char, sub)
                spans.setdefault(d.id, amount.span or (target.start_char, target.end_char))
                entry: dict[str, Any] = {"name": sub.name, "finding": d.id, "text": target.text}
                if sub.per_serving is not None:
                    mg = amount.mg if amount.mg is not None else amount.servings * sub.per_serving
                    caffeine[sub.name] = max(caffeine.get(sub.name, 0.0), mg)
                    entry.update(servings_per_day=_number(amount.servings), mg_per_day=_number(mg))
                elif sub.heavy_servings_per_day is not None:
                    if amount.explicit:
                        heavy = amount.servings >= sub.heavy_servings_per_day
                        col.add(d.id, "present" if heavy else "absent", target, assertion)
                        entry["servings_per_day"] = _number(amount.servings)
                else:
                    col.add(d.id, "present", target, assertion)
                out.append(entry)
        for fid, (target, _assertion) in first.items():
            if self.kb.findings[fid].type == "number" and caffeine:
                where = spans.get(fid, target)
                col.add(fid, "present", where, "affirmed", float(sum(caffeine.values())), replace=True)
            elif self.kb.findings[fid].type == "number" and col.has(fid, "absent"):
                col.add(fid, "present", (col.items[fid]["start"], col.items[fid]["end"]), "negated", 0.0, replace=True)
        return out

    def _is_timing(self, target: Target) -> bool:
        return any(d.kind == "SYMPTOM" and self.kb.findings[d.id].group == "timing" for d in target.match.defs)

    def _belongs_to_previous(self, reading: Reading, k: int, kinds: tuple[str, ...], reach: int) -> bool:
        """Whether target k follows a target of these kinds closely, in the same clause ("coffee every day")."""
        if k == 0:
            return False
        prev, here = reading.targets[k - 1], reading.targets[k]
        if prev.match.kind not in kinds or prev.sent != here.sent:
            return False
        gap = [reading.doc[i].norm_ for i in range(prev.match.end, here.match.start)]
        return len(gap) <= reach and not self.breaks.intersection(gap)

    def _before(self, reading: Reading, offset: int) -> int | None:
        """The index of the last target ending before this character offset, in the same sentence."""
        span = reading.doc.char_span(offset, offset + 1, alignment_mode="expand")
        sent_start = span.sent.start if span is not None else 0
        best = None
        for k, t in enumerate(reading.targets):
            if t.end_char <= offset and t.match.start >= sent_start:
                best = k
        return best

    def _about_else(self, reading: Reading, assertions: list[str], offset: int) -> bool:
        """Whether a number at this offset is about a medicine, drink, trigger, past illness or relative."""
        k = self._before(reading, offset)
        if k is None:
            return False
        t = reading.targets[k]
        groups = {self.kb.findings[d.id].group for d in t.match.defs if d.id in self.kb.findings}
        return t.match.kind in OTHER_TOPIC or "history" in groups or assertions[k] == "family"

    def _duration(
        self, col: Collector, reading: Reading, assertions: list[str], low: str, today: date, *, age: float | None
    ) -> float | None:
        found = self.quantities.durations(low, today)
        usable = [
            f
            for f in found
            if not self._about_else(reading, assertions, f[0])
            and not (age is not None and age >= 1 and abs(f[2] / YEAR_DAYS - age) < 1)
            and f[2] < max(age or 100, 1) * YEAR_DAYS
        ]
        if not usable:
            return None
        start, end, days = max(usable, key=lambda f: f[2])
        col.add("duration_days", "present", (start, end), "affirmed", float(days))
        return days

    def _frequency(self, col: Collector, reading: Reading, assertions: list[str], low: str) -> str | None:
        targets = reading.targets
        for k, target in enumerate(targets):
            d = target.match.defs[0]
            if target.match.kind != "CHOICE" or d.id != "frequency" or assertions[k] != "affirmed":
                continue
            if self._belongs_to_previous(reading, k, OTHER_TOPIC, 6) or (
                self._belongs_to_previous(reading, k, ("SYMPTOM",), 1) and self._is_timing(targets[k - 1])
            ):
                continue
            col.add("frequency", "present", target, "affirmed", d.value)
            return d.value
        phrases = [(t.start_char, t.end_char) for t in targets if t.match.kind == "CHOICE"]
        for start, end, option in self.quantities.frequencies(low):
            if any(a < end and start < b for a, b in phrases):
                continue
            before = self._before(reading, start)
            if before is None or reading.targets[before].match.kind not in OTHER_TOPIC:
                col.add("frequency", "present", (start, end), "affirmed", option)
                return option
        return None

    def _after_exercise(self, col: Collector, reading: Reading, low: str) -> None:
        """An exercise sentence with an "after" word: "I lift weights and my arms twitch afterwards"."""
        if col.has("after_exercise"):
            return
        for sent in reading.doc.sents:
            words = low[sent.start_char : sent.end_char]
            if (e := self.exercise.search(words)) and (a := self.after.search(words, e.end())):
                col.add(
                    "after_exercise", "present", (sent.start_char + a.start(), sent.start_char + a.end()), "affirmed"
                )
                return

    def _sleep(self, col: Collector, low: str) -> None:
        for start, end, hours in self.quantities.sleep_hours(low):
            if hours < self.lex.sleep_hours_short:
                col.add("short_sleep", "present", (start, end), "affirmed")
            elif hours >= self.lex.sleep_hours_short + 1:
                col.add("short_sleep", "absent", (start, end), "affirmed")


def empty_result(message: str = NO_SYMPTOMS) -> dict[str, Any]:
    """What a text with nothing to read gives."""
    return {
        "evidence": [],
        "age": None,
        "sex": None,
        "subject": "self",
        "locations": [],
        "duration_days": None,
        "frequency": None,
        "medicines": [],
        "substances": [],
        "worries": [],
        "message": message,
    }


_PARSERS: dict[int, tuple[KnowledgeBase, Parser]] = {}
_LOCK = threading.Lock()


def get_parser(kb: KnowledgeBase) -> Parser:
    """The parser for this knowledge base, built on first use and cached (keyed on the KB object)."""
    with _LOCK:
        hit = _PARSERS.get(id(kb))
        if hit is None or hit[0] is not kb:
            hit = (kb, Parser(kb, load_lexicon()))
            _PARSERS[id(kb)] = hit
        return hit[1]


def parse_text(text: str, kb: KnowledgeBase, today: date | None = None) -> dict[str, Any]:
    """Read a description into evidence, age, sex, subject, places, duration, frequency, medicines.

    Raises TextError (a ValueError) for text that cannot be read: not a string, empty, or too long.
    Text with nothing recognisable gives empty evidence and a ``message``.
    """
    cleaned = clean_text(text)
    parser = get_parser(kb)
    if not looks_english(cleaned, parser.english):
        return empty_result()
    return parser.parse(text, cleaned, today or date.today())
