"""The result's first screen and fitting advice (issue 12), on the shipped knowledge base.

Worries named in the text answered in the person's words, the harmless causes' combined chance, the
safety net's most urgent lines without repeats, reasons that quote what was read, and tests and advice
that fit the leading causes, the triage level and what the person said.
"""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from twitchcheck.cli import app
from twitchcheck.engine import Case, Engine
from twitchcheck.engine.firstscreen import chance_words
from twitchcheck.engine.interview import plan
from twitchcheck.engine.questions import answer_items
from twitchcheck.errors import TwitchcheckError
from twitchcheck.kb.schema import Advice
from twitchcheck.service import assess, case_from, parse
from twitchcheck.web.app import create_app

FRIGHTENED = (
    "I'm 24 and my left calf has been twitching for 3 weeks. I drink 4 coffees a day. "
    "I'm scared it's ALS. I can still climb stairs and no muscle looks thinner."
)


def advice_ids(text: str) -> list[str]:
    return [a.id for a in assess(text).advice]


def test_fear_phrases_become_worries_but_a_relatives_disease_does_not() -> None:
    """'scared it's ALS' and 'is it MS?' are worries; 'my mum has Parkinson's' is family history, not a worry."""
    read = parse("my calf twitches. I'm scared it's ALS, or is it MS? my mum has Parkinson's")
    assert [w["id"] for w in read["worries"]] == ["als", "multiple_sclerosis"]
    assert parse("my calf twitches for a week")["worries"] == []


def test_worry_is_answered_with_its_chance_and_the_persons_words() -> None:
    """The ALS worry carries ALS's own probability and quotes what the person said against it."""
    result = assess(FRIGHTENED)
    (worry,) = result.worries
    als = next(c for c in result.conditions if c.id == "als")
    assert worry.id == "als" and worry.probability == als.probability
    assert "very unlikely" in worry.text and "“can still climb stairs”" in worry.text
    assert "muscle wasting" in worry.text  # what would change it
    assert set(worry.model_dump()) == {"id", "probability", "text"}


def test_worries_in_the_api_and_the_json_cli() -> None:
    """worries is in POST /api/v1/assess and in `assess --json`, as [{"id", "probability", "text"}]."""
    body = TestClient(create_app()).post("/api/v1/assess", json={"text": FRIGHTENED}).json()
    assert [set(w) for w in body["worries"]] == [{"id", "probability", "text"}] and body["worries"][0]["id"] == "als"
    given = TestClient(create_app()).post("/api/v1/assess", json={"evidence": [], "worries": ["parkinsons_disease"]})
    assert given.json()["worries"][0]["id"] == "parkinsons_disease"
    out = CliRunner().invoke(app, ["assess", "--text", FRIGHTENED, "--json"])
    assert out.exit_code == 0 and json.loads(out.stdout)["worries"][0]["id"] == "als"


def test_an_unknown_worry_is_a_clear_error() -> None:
    """A worry that names no condition is refused with the field named."""
    with pytest.raises(TwitchcheckError) as caught:
        assess(evidence=[], worries=["not_a_disease"])
    assert caught.value.details[0]["field"] == "worries"


def test_harmless_share_sums_the_harmless_causes(engine: Engine) -> None:
    """The first screen's harmless chance is the sum over causes the KB marks harmless, in natural frequencies."""
    result = assess(FRIGHTENED)
    harmless = {c.id for c in engine.kb.conditions.values() if c.seriousness == "harmless"}
    total = sum(c.probability for c in result.conditions if c.id in harmless)
    assert result.first_screen.harmless_probability == pytest.approx(total, abs=1e-3)
    assert "harmless kinds" in result.first_screen.harmless
    assert result.first_screen.most_likely.startswith("Most likely: ")


def test_an_emergency_gives_no_reassurance_diet_or_desk_advice() -> None:
    """A stroke-like emergency lists only what to do now, and says nothing about harmless kinds."""
    result = assess("my face suddenly drooped on one side and my arm went weak 20 minutes ago, and my calf twitches")
    assert result.triage.level == "emergency"
    assert [a.id for a in result.advice] == ["emergency_treatment"]
    assert result.first_screen.harmless == ""
    assert result.first_screen.most_likely.startswith("What you describe needs care now")
    assert "stroke" in result.first_screen.most_likely.lower()  # not 'harmless muscle twitching'
    assert not {"neuro_exam", "emg_ncs", "tsh"} & {t.id for t in result.tests}


def test_sleep_starts_get_no_eeg_sleep_study_emg_or_clonazepam() -> None:
    """Jerks while falling asleep: self-care, so no tests and no doctor's treatments."""
    result = assess("I get a sudden jerk just as I'm falling asleep, I'm 30")
    assert result.conditions[0].id == "hypnic_jerk"
    assert result.tests == [] and "clonazepam" not in {a.id for a in result.advice}


def test_no_drink_more_advice_with_heart_failure() -> None:
    """With heart failure, 'drink more' is replaced by asking the care team about a fluid limit."""
    text = "I've had diarrhoea and heavy sweating and now my legs cramp and twitch"
    assert "hydrate" in advice_ids(text)
    ids = advice_ids("I have heart failure. " + text)
    assert "hydrate" not in ids and "fluids_ask_doctor" in ids


@pytest.mark.parametrize(
    "text",
    [
        "I started sertraline last week and since yesterday my muscles keep jerking, I'm sweating, restless, "
        "heart racing",
        "I take lithium and I've had diarrhoea and vomiting, now my hands shake badly and I feel unsteady",
        "I was given metoclopramide yesterday and now my neck is twisting and my eyes roll up",
    ],
)
def test_stop_and_be_seen_today_where_the_drug_is_the_danger(text: str) -> None:
    """Serotonin toxicity, lithium toxicity, acute dystonia: never 'don't stop your medicines'."""
    ids = advice_ids(text)
    assert "stop_medicine_seen_today" in ids and "dont_stop_medicines" not in ids


def test_botulinum_toxin_is_graded_honestly_for_an_eyelid_twitch() -> None:
    """A long eyelid twitch gets the eyelid entry (limited evidence), not the blepharospasm one (good)."""
    result = assess("my left eyelid has been twitching for 4 months, it is driving me mad")
    by_id = {a.id: a for a in result.advice}
    assert "botulinum_toxin" not in by_id and by_id["botulinum_toxin_eyelid"].evidence == "limited"


def test_reasons_quote_the_words_read_and_list_what_changed_nothing() -> None:
    """Reasons quote 'for 3 weeks'; caffeine is read as '4 coffees a day'; what moved nothing is 'also read'."""
    result = assess("I have heart failure. " + FRIGHTENED)
    reasons = {r.text for c in result.conditions for r in (*c.for_, *c.against)}
    assert "“for 3 weeks”" in reasons and not any(r.endswith(": 21") for r in reasons)
    caffeine = next(e for e in result.evidence if e.id == "caffeine_mg_per_day")
    assert caffeine.text == "4 coffees a day"
    also = {a.id: a.text for a in result.first_screen.also_read}
    assert also["heart_failure"] == "“heart failure”" and also["caffeine_mg_per_day"] == "“4 coffees a day”"
    assert not also.keys() & {r.evidence for c in result.conditions for r in (*c.for_, *c.against)}


def test_safety_net_has_no_repeats_and_the_most_urgent_line_first() -> None:
    """No line is contained in another, and the first screen's three lines are the most urgent ones."""
    result = assess(FRIGHTENED)
    lines = result.safety_net
    assert len(lines) == len(set(lines)) and result.first_screen.safety_net == lines[:3]
    assert "same day" in lines[0] and not any(a != b and a.rstrip(".") in b for a in lines for b in lines)


def test_advice_cautions_need_their_basis() -> None:
    """An advice entry with avoid_if but no caution_basis is rejected by the schema."""
    entry = {"id": "x", "kind": "self_care", "text": "t", "evidence": "some", "sources": ["s"], "avoid_if": ["f"]}
    with pytest.raises(ValidationError):
        Advice.model_validate(entry)


def test_chances_read_as_natural_frequencies() -> None:
    """Probabilities read as 'about 3 in 4', 'about 1 in 50' and 'fewer than 1 in 1,000'."""
    assert chance_words(0.76) == "about 3 in 4"
    assert chance_words(0.02) == "about 1 in 50"
    assert chance_words(0.0002) == "fewer than 1 in 1,000"


@pytest.mark.parametrize("text", [FRIGHTENED, "my eyelid twitches", "my hands shake when I hold a cup"])
def test_interview_pages_never_repeat_the_last_heading(engine: Engine, text: str) -> None:
    """Answering 'no' to everything, no question page has the same heading as the page before it."""
    case, _ = case_from(text, None, 30, None)
    items, texts = list(case.evidence), []
    for asked in range(15):
        step = plan(engine.model, Case(tuple(items), case.age, case.sex), asked=asked)
        if step.question is None:
            break
        texts.append(step.question.text)
        items += answer_items(step.question, "unknown" if step.question.type == "single" else "absent")
    assert len(texts) >= 3 and all(a != b for a, b in pairwise(texts))
