"""The interview state carried in page addresses: compact, lossless, and safe against tampering."""

from __future__ import annotations

import base64
import contextlib
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twitchcheck.engine.evidence import EvidenceItem
from twitchcheck.web.pages.state import InterviewState, StateError, decode, encode


def sample() -> InterviewState:
    initial = (
        EvidenceItem("loc_calf", "present", source="parsed"),
        EvidenceItem("duration_days", "present", 21, "parsed"),
    )
    steps = (
        (EvidenceItem("weakness", "absent", source="asked"), EvidenceItem("fever", "unknown", source="asked")),
        (EvidenceItem("frequency", "present", "daily", "asked"),),
    )
    return InterviewState(age=34.0, sex="male", initial=initial, steps=steps)


def test_round_trip_keeps_everything() -> None:
    """Encoding then decoding gives back the same age, sex, answers, sources and steps."""
    state = sample()
    assert decode(encode(state)) == state
    assert decode(encode(state.with_more(True))).more


def test_encoding_is_compact_and_url_safe() -> None:
    """A state is short and uses only URL-safe characters."""
    text = encode(sample())
    assert len(text) < 200
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_later_answers_replace_earlier_ones() -> None:
    """An answer about a finding given later replaces the earlier one in the evidence."""
    state = sample().answered([EvidenceItem("loc_calf", "absent", source="asked")])
    calf = [i for i in state.evidence if i.id == "loc_calf"]
    assert len(calf) == 1 and calf[0].state == "absent"
    assert state.back() == sample()


def test_empty_parameter_is_a_fresh_start() -> None:
    """No state parameter means no answers yet."""
    assert decode(None) == InterviewState() and decode("") == InterviewState()


@pytest.mark.parametrize("bad", ["%%%", "abc", "x" * 9000, base64.urlsafe_b64encode(zlib.compress(b"[1,2]")).decode()])
def test_damaged_states_raise_state_error(bad: str) -> None:
    """Damaged, foreign or oversized parameters raise StateError, never anything else."""
    with pytest.raises(StateError):
        decode(bad)


def test_decompression_bomb_is_refused() -> None:
    """A small parameter that inflates to a huge payload is refused."""
    bomb = base64.urlsafe_b64encode(zlib.compress(b'{"v":1,"i":[' + b" " * 5_000_000 + b"]}", 9)).decode()
    assert len(bomb) < 8_000
    with pytest.raises(StateError):
        decode(bomb)


def test_bad_values_are_refused() -> None:
    """Impossible ages, unknown sexes and malformed answers are refused."""
    for payload in (
        b'{"v":1,"a":500}',
        b'{"v":1,"s":"x"}',
        b'{"v":1,"i":[["a","zz"]]}',
        b'{"v":1,"q":[[["a","p",true]]]}',
    ):
        with pytest.raises(StateError):
            decode(base64.urlsafe_b64encode(zlib.compress(payload)).decode())


def _packed(raw: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw.encode(), 9)).decode().rstrip("=")


CORRUPT = [
    '{"v":1,"s":["x"]}',
    '{"v":1,"i":[["weakness",["p"]]]}',
    '{"v":1,"i":[["weakness","p",null,["q"]]]}',
    '{"v":1,"i":' + "[" * 20_000 + "]" * 20_000 + "}",
    '{"v":1,"i":[["duration_days","p",' + "9" * 400 + "]]}",
    '{"v":1,"i":[["duration_days","p",1e400]]}',
    '{"v":1,"i":[[' + '"x"' * 0 + "1,2]]}",
    '{"v":1,"q":[[["weakness","p"]],{"a":1}]}',
]


@pytest.mark.parametrize("raw", CORRUPT)
def test_corrupt_states_are_refused(raw: str) -> None:
    """Unhashable codes, deep nesting, huge numbers and wrong shapes are a StateError, never another exception."""
    with pytest.raises(StateError):
        decode(_packed(raw))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["v", "a", "s", "i", "q", "m"]), inner),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "s", "i", "q", "m"]), json_values))
def test_any_payload_decodes_or_is_refused(payload: dict[str, object]) -> None:
    """Whatever JSON the state holds, decoding gives a state or a StateError."""
    import json

    with contextlib.suppress(StateError):
        decode(_packed(json.dumps({"v": 1, **payload})))
