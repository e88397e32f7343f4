"""The misreadings the clinical review of December 2026 found in the reader, each checked in new words."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.nlp import parse_text


@pytest.fixture(scope="module")
def kb(engine: Any) -> KnowledgeBase:
    return engine.kb


def states(kb: KnowledgeBase, text: str) -> dict[str, str]:
    return {e["id"]: e["state"] for e in parse_text(text, kb, today=date(2026, 6, 15))["evidence"]}


def test_a_quiet_daytime_is_not_daytime_twitching(kb: KnowledgeBase) -> None:
    """ "In the daytime nothing happens, only when I drift off" denies daytime twitching."""
    s = states(kb, "In the daytime I don't get any twitches at all, only when I drift off at night.")
    assert s.get("daytime_twitching") == "absent" and s.get("falling_asleep") == "present"


def test_stopping_drinking_is_recent_withdrawal_not_no_drinking(kb: KnowledgeBase) -> None:
    """ "Stopped drinking three days ago" is a recent stop, never "no heavy drinking"."""
    s = states(kb, "I drank heavily for years and stopped drinking three days ago; now my hands shake.")
    assert s.get("alcohol_stopped_recently") == "present"
    assert s.get("alcohol_heavy") != "absent"


def test_a_clawed_hand_is_hand_spasm_not_tingling_around_the_mouth(kb: KnowledgeBase) -> None:
    """Fingers pulled into a claw are carpopedal spasm; they say nothing about the mouth."""
    s = states(kb, "my fingers pulled together into a claw and wouldn't straighten")
    assert s.get("carpopedal_spasm") == "present" and "tingling_around_mouth" not in s


def test_breathing_fast_in_a_panic_is_over_breathing(kb: KnowledgeBase) -> None:
    """Breathing fast in a panic is over-breathing, not breathlessness."""
    s = states(kb, "when the panic comes I breathe really fast and my fingers tingle")
    assert s.get("over_breathing") == "present" and s.get("breathing_difficulty") != "present"


def test_cola_coloured_urine_is_dark_urine_not_caffeine(kb: KnowledgeBase) -> None:
    """Urine "dark like cola" is dark urine, and no cola was drunk."""
    s = states(kb, "after the marathon my urine went dark like cola and my legs ache")
    assert s.get("dark_urine") == "present" and "caffeine_mg_per_day" not in s


def test_completely_normal_strength_denies_weakness(kb: KnowledgeBase) -> None:
    """ "My strength is completely normal" is read as no weakness."""
    assert states(kb, "my strength is completely normal, it's just the twitching").get("weakness") == "absent"


def test_being_unable_to_move_the_arms_keeps_the_jerks(kb: KnowledgeBase) -> None:
    """ "Couldn't move my arms" does not deny the jerks that were described."""
    s = states(kb, "my arms jerked and then for an hour I couldn't move my arms at all")
    assert s.get("jerk_moves_limb") == "present"
    assert "present" in (s.get("loss_of_function"), s.get("paralysis_episodes"))


def test_a_stated_diagnosis_is_evidence_and_a_feared_one_is_not(kb: KnowledgeBase) -> None:
    """ "I have myasthenia" is a known diagnosis; "scared it's myasthenia" is not."""
    assert states(kb, "I have myasthenia and my eyelid twitches").get("known_myasthenia") == "present"
    assert states(kb, "I'm scared it's myasthenia, my eyelid twitches").get("known_myasthenia") != "present"


def test_a_written_temperature_is_a_fever(kb: KnowledgeBase) -> None:
    """ "39.5" after a temperature word is a high temperature."""
    s = states(kb, "she's burning up, temp was 39.5 and her arms keep jerking")
    assert s.get("fever") == "present" and s.get("high_fever") == "present"


def test_nothing_looking_thinner_denies_wasting_and_nothing_helping_does_not(kb: KnowledgeBase) -> None:
    """ "Nothing looks thinner" denies wasting; "nothing helps, the muscle looks thinner" keeps it."""
    assert states(kb, "my calf twitches but nothing looks thinner").get("muscle_wasting") == "absent"
    kept = states(kb, "nothing helps, my arm is weak and the muscle looks thinner")
    assert kept.get("muscle_wasting") == "present" and kept.get("weakness") == "present"
