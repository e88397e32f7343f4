"""The interview's state, carried in the page itself: the engine is stateless and there is no database.

A person's answers travel as one compact URL-safe parameter ``s`` (JSON, deflated, base64url), so
the interview and the result work without JavaScript, cookies or storage, survive a reload, and
can be bookmarked or printed. The state keeps the answers in the order they were given:
``initial`` holds what came before the questions (read from the description, or age and sex
only), and ``steps`` holds one list of answers per question, so "back" just drops the last step.
The state holds health information, which is why pages send ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from dataclasses import dataclass, field, replace
from typing import Any

from twitchcheck.engine.evidence import Case, EvidenceItem

VERSION = 1
MAX_ENCODED = 8_000  # characters: far more than a 20-question interview needs (about 300-600)
MAX_DECODED = 64_000  # bytes after inflating, so a crafted parameter cannot blow up in memory
MAX_QUOTE = 200  # characters of the words an answer was read from
MAX_TEXT = 10_000  # characters of description, as the home form allows
MAX_NUMBER = 1e9  # no answer needs a larger number (days, mg of caffeine); larger ones overflow the engine
_STATE = {"present": "p", "absent": "a", "unknown": "u"}
_STATE_BACK = {v: k for k, v in _STATE.items()}
_SOURCE = {"initial": "i", "parsed": "t", "asked": "q"}
_SOURCE_BACK = {v: k for k, v in _SOURCE.items()}
_SEX = {"female": "f", "male": "m"}
_SEX_BACK = {v: k for k, v in _SEX.items()}


class StateError(ValueError):
    """The state parameter is damaged or was not made by twitchcheck."""


@dataclass(frozen=True)
class InterviewState:
    """Age, sex, the answers given before the questions, and the answers to each question in order."""

    age: float | None = None
    sex: str | None = None
    initial: tuple[EvidenceItem, ...] = ()
    steps: tuple[tuple[EvidenceItem, ...], ...] = ()
    more: bool = False  # the person chose to answer more questions after the interview stopped
    text: str = ""  # the description typed on the home page, so "back" and "change it" keep it
    worries: tuple[str, ...] = ()  # condition ids of the diseases the description says the person fears
    notice: str | None = field(default=None, compare=False)  # a one-off message, never encoded

    @property
    def evidence(self) -> list[EvidenceItem]:
        """Every answer, a later answer about a finding replacing an earlier one."""
        latest: dict[str, EvidenceItem] = {}
        for item in [*self.initial, *(i for step in self.steps for i in step)]:
            latest.pop(item.id, None)
            latest[item.id] = item
        return list(latest.values())

    def case(self) -> Case:
        """The engine's case (age and sex are validated when the state is made)."""
        sex = self.sex if self.sex in ("female", "male") else None
        return Case(evidence=tuple(self.evidence), age=self.age, sex=sex, worries=self.worries)  # type: ignore[arg-type]

    def raw(self) -> dict[str, Any]:
        """The ``{"age", "sex", "evidence", "worries"}`` mapping the JSON API takes."""
        evidence = [i.to_dict() for i in self.evidence]
        return {"age": self.age, "sex": self.sex, "evidence": evidence, "worries": list(self.worries)}

    def answered(self, items: list[EvidenceItem]) -> InterviewState:
        """The state after one more question."""
        return replace(self, steps=(*self.steps, tuple(items)), notice=None)

    def back(self) -> InterviewState:
        """The state before the last question."""
        return replace(self, steps=self.steps[:-1], notice=None)

    def with_more(self, more: bool) -> InterviewState:
        """The same answers, asking more questions after the interview would stop (or not)."""
        return replace(self, more=more, notice=None)


def _item_out(item: EvidenceItem, default_source: str) -> list[Any]:
    out: list[Any] = [item.id, _STATE[item.state]]
    source = _SOURCE[item.source]
    quoted = item.text is not None and len(item.text) <= MAX_QUOTE
    if item.value is not None or source != _SOURCE[default_source] or quoted:
        out.append(item.value)
    if source != _SOURCE[default_source] or quoted:
        out.append(source)
    if quoted:
        out.append(item.text)  # the words it was read from, quoted in the result's reasons
    return out


def _code(table: dict[str, str], raw: Any) -> str | None:
    """A one-letter code looked up safely (anything but a string, e.g. a list, is simply unknown)."""
    return table.get(raw) if isinstance(raw, str) else None


def _value_ok(value: Any) -> bool:
    """An answer's value: none, a short text, or a finite number of sensible size (not a bool)."""
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        return len(value) <= 100
    if isinstance(value, int):
        return abs(value) <= MAX_NUMBER
    return isinstance(value, float) and math.isfinite(value) and abs(value) <= MAX_NUMBER


def _item_in(raw: Any, default_source: str) -> EvidenceItem:
    if not isinstance(raw, list) or not 2 <= len(raw) <= 5 or not isinstance(raw[0], str) or len(raw[0]) > 100:
        raise StateError("an answer in the state is malformed")
    state = _code(_STATE_BACK, raw[1])
    value = raw[2] if len(raw) > 2 else None
    source = _code(_SOURCE_BACK, raw[3]) if len(raw) > 3 else default_source
    quote = raw[4] if len(raw) > 4 else None
    bad_quote = quote is not None and (not isinstance(quote, str) or len(quote) > MAX_QUOTE)
    if state is None or source is None or not _value_ok(value) or bad_quote:
        raise StateError("an answer in the state is malformed")
    return EvidenceItem(raw[0], state, value, source, quote)  # type: ignore[arg-type]


def encode(state: InterviewState) -> str:
    """The compact URL-safe form of a state."""
    payload: dict[str, Any] = {"v": VERSION}
    if state.age is not None:
        payload["a"] = int(state.age) if float(state.age).is_integer() else state.age
    if state.sex in _SEX:
        payload["s"] = _SEX[state.sex]
    if state.initial:
        payload["i"] = [_item_out(i, "parsed") for i in state.initial]
    if state.steps:
        payload["q"] = [[_item_out(i, "asked") for i in step] for step in state.steps]
    if state.more:
        payload["m"] = 1
    if state.worries:
        payload["w"] = list(state.worries)
    if state.text:
        with_text = _pack({**payload, "t": state.text})
        if len(with_text) <= MAX_ENCODED:  # a very long description is not carried; the answers always are
            return with_text
    return _pack(payload)


def _pack(payload: dict[str, Any]) -> str:
    packed = zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 9)
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode(text: str | None) -> InterviewState:
    """Read a state made by ``encode``; an empty parameter is a fresh start. Raises StateError."""
    if not text:
        return InterviewState()
    if len(text) > MAX_ENCODED:
        raise StateError("the state is too long")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, MAX_DECODED)
        if inflater.unconsumed_tail:
            raise StateError("the state is too long")
        payload = json.loads(data)
    except RecursionError:
        raise StateError("the state is damaged") from None
    except (binascii.Error, zlib.error, ValueError) as exc:
        if isinstance(exc, StateError):
            raise
        raise StateError("the state is damaged") from None
    if not isinstance(payload, dict) or payload.get("v") != VERSION:
        raise StateError("the state is from another version of twitchcheck")
    age = payload.get("a")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int | float) or not 0 <= age <= 120):
        raise StateError("the age in the state is not valid")
    sex = _code(_SEX_BACK, payload["s"]) if "s" in payload else None
    if "s" in payload and sex is None:
        raise StateError("the sex in the state is not valid")
    text, worries = payload.get("t", ""), payload.get("w", [])
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise StateError("the description in the state is not valid")
    if not isinstance(worries, list) or not all(isinstance(w, str) and len(w) <= 100 for w in worries[:20]):
        raise StateError("the worries in the state are not valid")
    initial, steps = payload.get("i", []), payload.get("q", [])
    if not isinstance(initial, list) or not isinstance(steps, list) or not all(isinstance(s, list) for s in steps):
        raise StateError("the answers in the state are malformed")
    return InterviewState(
        age=float(age) if age is not None else None,
        sex=sex,
        initial=tuple(_item_in(i, "parsed") for i in initial),
        steps=tuple(tuple(_item_in(i, "asked") for i in step) for step in steps),
        more=bool(payload.get("m")),
        text=text,
        worries=tuple(worries[:20]),
    )
