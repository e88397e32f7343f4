"""The curated FAQ: strict schema, integrity against the knowledge base, and search by meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchcheck.answers.faq import ask, faq_entry
from twitchcheck.kb.faq import FAQ_FILE, MIN_ENTRIES, default_faq, faq_faults, read_faq
from twitchcheck.kb.loader import KnowledgeBaseError, load_knowledge_base


def test_shipped_faq_is_valid_and_large_enough() -> None:
    """The shipped FAQ has no schema or integrity faults and at least 25 entries."""
    entries, faults = read_faq(FAQ_FILE)
    assert not faults
    assert len(entries) >= MIN_ENTRIES
    assert len(default_faq()) == len(entries)


def test_every_entry_cites_kb_sources_and_conditions() -> None:
    """Each entry names existing conditions and sources, and has a reply and more information."""
    from twitchcheck.service import default_engine

    kb = default_engine().kb
    for entry in default_faq():
        assert entry.sources and all(s in kb.sources for s in entry.sources)
        assert entry.conditions and all(c in kb.conditions for c in entry.conditions)
        assert len(entry.more_information) > len(entry.answer) / 2


def test_unknown_keys_and_ids_are_faults(tmp_path: Path) -> None:
    """A typo'd key, an unknown source and an unknown condition are all reported."""
    bad = tmp_path / "faq.yaml"
    bad.write_text(
        "- {id: a_b, question: 'Is this a question?', answer: '"
        + "x" * 50
        + "', more_information: '"
        + "y" * 90
        + "', conditions: [no_such_condition], sources: [no_such_source]}\n"
        + "- {id: c_d, questoin: 'typo'}\n"
    )
    entries, faults = read_faq(bad)
    assert any("questoin" in f for f in faults)
    kb = load_knowledge_base()
    integrity = faq_faults(entries, kb)
    assert any("no_such_condition" in f for f in integrity) and any("no_such_source" in f for f in integrity)
    with pytest.raises(KnowledgeBaseError):
        from twitchcheck.kb.faq import load_faq

        load_faq(kb, bad)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("my eyelid has been flickering for days", {"eyelid_twitch_cause", "eyelid_twitch_duration"}),
        ("am I getting motor neurone disease", {"twitching_and_als"}),
        ("does coffee cause twiching", {"caffeine_twitching"}),
        ("I jolt awake when drifting off to sleep", {"jerk_falling_asleep"}),
        ("should I buy magnesium pills", {"magnesium_for_twitching"}),
    ],
)
def test_search_finds_paraphrases(question: str, expected: set[str]) -> None:
    """Questions worded differently from the FAQ (and with typos) find the right entry."""
    result = ask(question)
    assert result["matched"] and result["match"]["id"] in expected


def test_entry_lists_similar_questions_without_itself() -> None:
    """An FAQ entry's similar questions never include the entry itself."""
    entry = faq_entry("calf_twitching")
    assert entry["similar"] and all(s["id"] != "calf_twitching" for s in entry["similar"])
