"""Severity and time course in free text: temperatures, dark urine, lost strength, quiet times, pace, ages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.nlp import parse_text

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def kb(engine: Any) -> KnowledgeBase:
    return engine.kb


def read(kb: KnowledgeBase, text: str) -> dict[str, Any]:
    return parse_text(text, kb, today=TODAY)


def states(result: dict[str, Any]) -> dict[str, str]:
    return {e["id"]: e["state"] for e in result["evidence"]}


def value(result: dict[str, Any], fid: str) -> Any:
    return next(e.get("value") for e in result["evidence"] if e["id"] == fid)


@pytest.mark.parametrize(
    ("text", "fever", "high"),
    [
        ("his arms keep jerking and the thermometer says 40.2", "present", "present"),
        ("temp 38.1 and my legs twitch", "present", "absent"),
        ("I'm twitching all over, 104F, really unwell", "present", "present"),
        ("my calf twitches; temperature is normal, 36.8", "absent", None),
    ],
)
def test_written_temperatures_give_fever_and_high_fever(kb: KnowledgeBase, text: str, fever: str, high: Any) -> None:
    """A temperature with a unit or a temperature word is read: fever from 38 °C, high from 38.5 °C."""
    s = states(read(kb, text))
    assert s.get("fever") == fever and s.get("high_fever") == high


def test_numbers_that_are_not_temperatures_are_ignored(kb: KnowledgeBase) -> None:
    """Ages, durations and doses near a temperature word are not read as a temperature."""
    s = states(read(kb, "I'm 39 and I've had a hot feeling in my calf for 40 days"))
    assert "fever" not in s and "high_fever" not in s


@pytest.mark.parametrize(
    "text",
    [
        "my wee came out dark brown, like strong tea, and my thighs ache",
        "this morning his urine was the colour of cola",
        "probably nothing but my pee looked like coke",
    ],
)
def test_dark_urine_is_read_and_its_colour_words_are_not_drinks(kb: KnowledgeBase, text: str) -> None:
    """A dark colour word near a urine word is dark urine, and "tea" or "cola" there is no caffeine."""
    result = read(kb, text)
    assert states(result).get("dark_urine") == "present"
    assert "caffeine_mg_per_day" not in states(result)


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("I can barely lift my arm above my head", "present"),
        ("since Tuesday he cannot stand up from the sofa alone", "present"),
        ("she's struggling to climb the stairs", "present"),
        ("I have no trouble walking at all", "absent"),
    ],
)
def test_lost_strength_is_read_from_what_cannot_be_done(kb: KnowledgeBase, text: str, state: str) -> None:
    """An inability before a movement verb is loss of function; a denied one is absent."""
    assert states(read(kb, text)).get("loss_of_function") == state


def test_inability_from_shaking_is_not_lost_strength(kb: KnowledgeBase) -> None:
    """Hands shaking so much a cup cannot be held is tremor, not loss of strength."""
    assert states(read(kb, "my hands shake so much I can't hold a cup")).get("loss_of_function") != "present"


def test_cannot_before_a_body_part_does_not_deny_the_body_part(kb: KnowledgeBase) -> None:
    """ "Couldn't lift my arm" keeps the arm: the negation belongs to the movement."""
    s = states(read(kb, "since this morning I couldn't lift my left arm and it twitches"))
    assert s.get("loc_arm") == "present" and s.get("loss_of_function") == "present"


@pytest.mark.parametrize(
    "text",
    [
        "During the day, I do not experience any twitching; it only happens as I fall asleep.",
        "I'm fine during the day, it's only when I fall asleep that my legs jerk.",
    ],
)
def test_a_quiet_daytime_clause_denies_daytime_twitching(kb: KnowledgeBase, text: str) -> None:
    """Saying nothing happens during the day makes daytime twitching absent, not present."""
    s = states(read(kb, text))
    assert s.get("daytime_twitching") == "absent" and s.get("falling_asleep") == "present"


@pytest.mark.parametrize(
    ("text", "pace"),
    [
        ("the weakness has crept up my legs over the last 3 days", "worse_fast"),
        ("my calf twitch is getting worse, it started 2 days ago", "worse_fast"),
        ("my hand twitching has been getting worse for 5 weeks", "worse_weeks"),
        ("the twitching has been slowly getting worse over a couple of years", "worse_slowly"),
        ("it's getting better now", "better"),
    ],
)
def test_the_pace_of_worsening_is_read(kb: KnowledgeBase, text: str, pace: str) -> None:
    """Explicit pace phrases are read; a bare "getting worse" takes its pace from the duration."""
    assert value(read(kb, text), "course") == pace


def test_the_most_urgent_pace_wins(kb: KnowledgeBase) -> None:
    """ "It was getting better, but now it is worse day by day" is read as worsening fast."""
    assert value(read(kb, "It was getting better, but now it is worse day by day."), "course") == "worse_fast"


def test_onset_within_minutes(kb: KnowledgeBase) -> None:
    """ "Within minutes" gives an onset within minutes."""
    assert value(read(kb, "my arm went weak within minutes and my hand twitched"), "onset_speed") == "minutes"


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("My husband 71 years. Since two months his memory is going down and his arms jerk.", 71),
        ("I am 27 years man. This morning I could not move my legs.", 27),
    ],
)
def test_an_age_after_a_person_is_not_a_duration(kb: KnowledgeBase, text: str, age: int) -> None:
    """ "My husband 71 years" is an age, and never a duration of 71 years."""
    result = read(kb, text)
    assert result["age"] == age
    assert (result["duration_days"] or 0) < 365
