"""Body parts: where it twitches, on which side, and whether in one place or many.

A body part named with another finding belongs to it: in "numbness in my left hand" or "my hand feels
weak" the hand is where the numbness or weakness is, not a twitching site, and in "no jerks in my legs"
the legs go with the denied jerks. Side words count only next to a body part ("right calf", "calf on
the left") or with "side", so "right now" and "I left work" are not sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from twitchcheck.nlp.collect import Collector
from twitchcheck.nlp.lexicon import Lexicon
from twitchcheck.nlp.pipeline import Reader, Reading, Target


def is_location(target: Target) -> bool:
    """A body part (possibly together with another meaning, as in "shaky hands")."""
    return any(d.kind == "LOCATION" for d in target.match.defs)


def is_side(target: Target) -> bool:
    """A side word (left, right, both)."""
    return target.match.kind == "CHOICE" and target.match.defs[0].id == "side"


@dataclass
class Places:
    """The body parts read, with the side of each, and the sides named on their own."""

    locations: list[dict[str, Any]] = field(default_factory=list)
    sides: list[tuple[str, Target]] = field(default_factory=list)
    absent: set[str] = field(default_factory=set)


class LocationReader:
    """Attaches body parts to findings and sides; word lists normalised like the text."""

    def __init__(self, reader: Reader, lex: Lexicon) -> None:
        def words(items: list[str]) -> frozenset[str]:
            return frozenset(reader.norm.phrase(reader.nlp.tokenizer, " ".join(i for i in items if i != "-")))

        self.attach = words(lex.location_attach_words) | {",", "-", "(", ")"}
        self.link = words(lex.host_link_words)
        self.fillers = reader.trie.fillers
        self.non_movement = frozenset(lex.non_movement_hosts)
        self.twitch = words(lex.twitch_words)
        self.generic = {reader.norm.words(w)[0]: ids for w, ids in lex.generic_locations.items()}
        self.side_before, self.side_after = frozenset(lex.grammar.side_before), frozenset(lex.grammar.side_after)

    @staticmethod
    def _gap(reading: Reading, start: int, end: int) -> list[str]:
        return [reading.doc[i].norm_ for i in range(start, end) if not reading.doc[i].is_space]

    def _previous(self, k: int, targets: list[Target]) -> int | None:
        j = k - 1
        while j >= 0 and is_side(targets[j]):
            j -= 1
        return j if j >= 0 else None

    def _host(self, k: int, reading: Reading) -> int | None:
        """The finding this body part belongs to: just before it, or just after with a linking verb."""
        targets = reading.targets
        here = targets[k].match
        if k + 1 < len(targets) and not is_location(targets[k + 1]) and targets[k + 1].match.kind != "CHOICE":
            gap = self._gap(reading, here.end, targets[k + 1].match.start)
            if all(w in self.link for w in gap):
                return k + 1
        j = self._previous(k, targets)
        if j is not None:
            gap = self._gap(reading, targets[j].match.end, here.start)
            if all(w in self.attach or w in ("left", "right", "both") for w in gap):
                return j
        return None

    def _side(self, k: int, reading: Reading) -> tuple[str, Target] | None:
        targets, here = reading.targets, reading.targets[k].match
        if k > 0 and is_side(targets[k - 1]):
            gap = self._gap(reading, targets[k - 1].match.end, here.start)
            if all(w in self.fillers or w in self.side_before for w in gap):
                return str(targets[k - 1].match.defs[0].value), targets[k - 1]
        if k + 1 < len(targets) and is_side(targets[k + 1]):
            gap = self._gap(reading, here.end, targets[k + 1].match.start)
            if len(gap) <= 4 and all(w in self.side_after or w in self.twitch for w in gap):
                return str(targets[k + 1].match.defs[0].value), targets[k + 1]
        return None

    def _twitch_after(self, reading: Reading, end: int) -> bool:
        """Whether a twitch word follows (skipping fillers): "my calf twitches", "feet are numb and twitchy"."""
        for token in reading.doc[end : end + 4]:
            word = token.norm_
            if word in self.twitch:
                return True
            if word not in self.fillers and word not in ("and", "it", "they", "be", "am", "keep", "start", "started"):
                return False
        return False

    def _decide(
        self, k: int, reading: Reading, assertions: list[str], dropped: dict[int, bool]
    ) -> tuple[bool, int | None]:
        """Whether body part k is dropped (it belongs to another finding), and the body part it lists after."""
        targets = reading.targets
        if self._twitch_after(reading, targets[k].match.end):
            return False, None
        if any(d.kind != "LOCATION" for d in targets[k].match.defs):
            return False, None
        host = self._host(k, reading)
        if host is None:
            return False, None
        if is_location(targets[host]):
            return dropped.get(host, False), host
        if host > k and self._twitch_after(reading, targets[host].match.end):
            return False, None
        host_ids = {d.id for d in targets[host].match.defs}
        return bool(host_ids & self.non_movement) or assertions[host] != "affirmed", None

    def read(self, reading: Reading, assertions: list[str], collector: Collector) -> Places:
        """Add the body-part findings to the collector; return the places and sides."""
        targets = reading.targets
        dropped: dict[int, bool] = {}
        side_of: dict[int, tuple[str, Target] | None] = {}
        kept: list[tuple[int, str, str]] = []
        for k, target in enumerate(targets):
            if not is_location(target):
                continue
            dropped[k], listed = self._decide(k, reading, assertions, dropped)
            side = self._side(k, reading) or (side_of.get(listed) if listed is not None else None)
            side_of[k] = side
            assertion = assertions[k]
            if assertion in ("uncertain", "hypothetical") and self._twitch_after(reading, target.match.end):
                assertion = "affirmed"
            state = {"affirmed": "present", "negated": "absent"}.get(assertion)
            if not dropped[k] and state is not None:
                kept.append((k, state, assertion))
        kept = self._drop_generic(reading, kept, side_of)
        return self._collect(reading, kept, side_of, assertions, collector)

    def _drop_generic(
        self, reading: Reading, kept: list[tuple[int, str, str]], side_of: dict[int, tuple[str, Target] | None]
    ) -> list[tuple[int, str, str]]:
        """Drop "leg" where the same sentence names the exact part; the exact part takes its side."""
        out = []
        for k, state, assertion in kept:
            target = reading.targets[k]
            word = reading.doc[target.match.end - 1].norm_
            exact = set(self.generic.get(word, ()))
            same = [
                j
                for j, st, _ in kept
                if j < k
                and st == state
                and reading.targets[j].sent == target.sent
                and reading.doc[reading.targets[j].match.end - 1].norm_ not in self.generic
                and {d.id for d in reading.targets[j].match.defs} & exact
            ]
            if not same:
                out.append((k, state, assertion))
                continue
            for j in same:
                side_of[j] = side_of.get(j) or side_of.get(k)
        return out

    def _collect(
        self,
        reading: Reading,
        kept: list[tuple[int, str, str]],
        side_of: dict[int, tuple[str, Target] | None],
        assertions: list[str],
        collector: Collector,
    ) -> Places:
        places = Places()
        used_sides: set[int] = {id(s[1]) for s in side_of.values() if s is not None}
        for k, state, assertion in kept:
            target, side = reading.targets[k], side_of.get(k)
            for d in target.match.defs:
                if d.kind != "LOCATION":
                    continue
                collector.add(d.id, state, target, assertion)
                if state == "absent":
                    places.absent.add(d.id)
                    continue
                places.locations.append({"id": d.id, "side": side[0] if side else None, "text": target.text})
                if side is not None:
                    places.sides.append(side)
        for k, target in enumerate(reading.targets):
            alone = is_side(target) and id(target) not in used_sides and assertions[k] == "affirmed"
            if alone and "side" in target.text.lower():
                places.sides.append((str(target.match.defs[0].value), target))
        return places
