"""Free-text reading: findings with their assertions, people, places, timing, medicines, amounts, bad input."""

from __future__ import annotations

import json
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from twitchcheck.cli import parse_cmd
from twitchcheck.engine.evidence import EvidenceError, parse_case
from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.nlp import MAX_CHARS, NO_SYMPTOMS, TextError, lexicon_faults, parse_text
from twitchcheck.nlp.lexicon import LEXICON_PATH
from twitchcheck.service import assess

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def kb(engine: Any) -> KnowledgeBase:
    return engine.kb


def read(kb: KnowledgeBase, text: str) -> dict[str, Any]:
    return parse_text(text, kb, today=TODAY)


def states(result: dict[str, Any]) -> dict[str, str]:
    return {e["id"]: e["state"] for e in result["evidence"]}


def values(result: dict[str, Any]) -> dict[str, Any]:
    return {e["id"]: e.get("value") for e in result["evidence"]}


def test_lexicon_is_valid(kb: KnowledgeBase) -> None:
    """The lexicon passes its schema and names only findings, options and drug classes in findings.yaml."""
    assert lexicon_faults(kb) == []


def test_lexicon_faults_are_reported(kb: KnowledgeBase, tmp_path: Path) -> None:
    """A lexicon naming an unknown finding or drug class, or with an unknown key, is reported, not loaded."""
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    raw["findings"]["no_such_finding"] = ["whatever"]
    raw["medicines"]["aspirin"] = "med_painkiller"
    broken = tmp_path / "lexicon.yaml"
    broken.write_text(yaml.safe_dump(raw), encoding="utf-8")
    faults = lexicon_faults(kb, broken)
    assert any("no_such_finding" in f for f in faults) and any("med_painkiller" in f for f in faults)
    raw["colour"] = "blue"
    broken.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert any("colour" in f for f in lexicon_faults(kb, broken))


def test_final_check_sentence(kb: KnowledgeBase) -> None:
    """The brief's sentence: sleep-onset jerks in shoulder and neck, no weakness, age 26."""
    r = read(kb, "I'm 26 and get shoulder and neck jerks just as I'm falling asleep; no weakness")
    s = states(r)
    assert s["falling_asleep"] == s["jerk_moves_limb"] == s["loc_shoulder"] == s["loc_neck"] == "present"
    assert s["weakness"] == "absent"
    assert r["age"] == 26
    weakness = next(e for e in r["evidence"] if e["id"] == "weakness")
    assert weakness["assertion"] == "negated" and weakness["text"] == "no weakness"


def test_negated_list(kb: KnowledgeBase) -> None:
    """A negation reaches along a list ("no weakness, numbness or trouble swallowing")."""
    s = states(read(kb, "No weakness, numbness or trouble swallowing. My left calf twitches."))
    assert s["weakness"] == s["numbness_tingling"] == s["swallowing_difficulty"] == "absent"
    assert s["loc_calf"] == "present"


def test_negation_stops_at_new_clause(kb: KnowledgeBase) -> None:
    """A negation does not reach into a new clause ("no weakness and my calf twitches")."""
    s = states(read(kb, "No weakness and my calf twitches all day"))
    assert s["weakness"] == "absent" and s["loc_calf"] == "present"


def test_backward_negation(kb: KnowledgeBase) -> None:
    """Negation after the finding: "swallowing and speech are both normal", "weakness: none"."""
    s = states(read(kb, "Swallowing and speech are both normal. Weakness: none."))
    assert s["swallowing_difficulty"] == s["speech_difficulty"] == s["weakness"] == "absent"


def test_negated_phrase_inside_a_finding(kb: KnowledgeBase) -> None:
    """A negation word inside a symptom phrase ("can't grip", "not sleeping") does not deny it."""
    s = states(read(kb, "I can't grip jars anymore and I'm not sleeping well."))
    assert s["loss_of_function"] == "present" and s["short_sleep"] == "present"


def test_fear_is_not_a_finding(kb: KnowledgeBase) -> None:
    """A feared disease gives nothing; a feared symptom is unknown; the twitching itself stays."""
    r = read(kb, "I'm scared it's ALS and worried I might get weakness. My calf twitches constantly.")
    s = states(r)
    assert s["weakness"] == "unknown"
    assert s["loc_calf"] == "present" and values(r)["frequency"] == "constant"
    assert "family_history_neuro" not in s and "stress_anxiety" not in s


def test_hypothetical_symptom(kb: KnowledgeBase) -> None:
    """ "If I start getting weakness" is hypothetical: unknown."""
    r = read(kb, "If I start getting weakness I'll see a doctor.")
    item = next(e for e in r["evidence"] if e["id"] == "weakness")
    assert item["state"] == "unknown" and item["assertion"] == "hypothetical"


def test_family_history_of_als(kb: KnowledgeBase) -> None:
    """A relative's ALS is family history, not the writer's own finding."""
    r = read(kb, "My uncle died of motor neurone disease, so I'm panicking about these calf twitches.")
    s = states(r)
    assert s["family_history_neuro"] == "present" and s["loc_calf"] == "present"
    assert next(e for e in r["evidence"] if e["id"] == "family_history_neuro")["assertion"] == "family"


def test_family_tremor_and_own_tremor(kb: KnowledgeBase) -> None:
    """A mother's tremor is family_history_tremor; the writer's own trembling is rhythmic_shaking."""
    s = states(read(kb, "My mum has a tremor in her hands and my own hands have started trembling when I write."))
    assert s["family_history_tremor"] == "present"
    assert s["rhythmic_shaking"] == s["tremor_on_action"] == s["loc_hand"] == "present"


def test_no_family_history(kb: KnowledgeBase) -> None:
    """ "No family history of ALS" makes family_history_neuro absent."""
    assert states(read(kb, "I have no family history of ALS or MND."))["family_history_neuro"] == "absent"


def test_child_subject(kb: KnowledgeBase) -> None:
    """In "my 8-year-old son" the patient is the child: age 8, male, subject child."""
    r = read(kb, "My 8-year-old son has had a twitch in his left eyelid for 2 weeks.")
    assert (r["subject"], r["age"], r["sex"]) == ("child", 8, "male")
    assert states(r)["loc_eyelid"] == "present" and values(r)["side"] == "left"


def test_other_adult_subject(kb: KnowledgeBase) -> None:
    """A partner described alone is the patient (subject other), with their age and sex."""
    r = read(kb, "My husband, 58, has a tremor in his right hand.")
    assert (r["subject"], r["age"], r["sex"]) == ("other", 58, "male")
    assert states(r)["rhythmic_shaking"] == "present"


@pytest.mark.parametrize(
    ("text", "age", "sex"),
    [
        ("I'm 26 and my eye twitches", 26, None),
        ("35-year-old male, calf twitching", 35, "male"),
        ("26F, twitching thigh", 26, "female"),
        ("(F, 29) eyelid twitching", 29, "female"),
        ("As a woman in my late 40s I get twitches", 48, "female"),
        ("Age 61, male, twitches in both thighs", 61, "male"),
        ("M26 here, twitching in my abs", 26, "male"),
        ("I'm a 52 year old woman with twitching in my thighs", 52, "female"),
    ],
)
def test_age_and_sex(kb: KnowledgeBase, text: str, age: int, sex: str | None) -> None:
    """Ages and sexes in the usual lay formats."""
    r = read(kb, text)
    assert (r["age"], r["sex"]) == (age, sex)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("twitching for 3 months", 91.3),
        ("calf twitching since March", 106),
        ("it has been like this for years", 730),
        ("eyelid twitch for a couple of weeks", 14),
        ("it started 4 days ago", 4),
        ("twitching since Christmas", 172),
        ("eyelid twitching since Monday", 7),
        ("for about a year and a half", 548),
        ("twitching arms 3 months, no weakness", 91.3),
        ("my eyelid started twitching yesterday", 1),
    ],
)
def test_durations(kb: KnowledgeBase, text: str, days: float) -> None:
    """Onset and duration in days, with "since <month>" counted from the given date."""
    r = read(kb, text)
    assert r["duration_days"] == pytest.approx(days, rel=0.02)
    assert values(r)["duration_days"] == r["duration_days"]


def test_duration_of_a_medicine_is_not_the_onset(kb: KnowledgeBase) -> None:
    """ "On sertraline for 3 years" is not how long the twitching has lasted."""
    assert read(kb, "Been taking sertraline for 3 years and my calf twitches.")["duration_days"] is None


@pytest.mark.parametrize(
    ("text", "option"),
    [("it happens a few times a day", "daily"), ("constant twitching", "constant"),
     ("every few minutes", "many_times_a_day"), ("now and then", "occasional"),
     ("10 times an hour", "many_times_a_day")],
)  # fmt: skip
def test_frequency(kb: KnowledgeBase, text: str, option: str) -> None:
    """How often, as an option of the frequency finding."""
    assert read(kb, f"My eyelid twitches, {text}.")["frequency"] == option


@pytest.mark.parametrize(
    ("text", "cls"),
    [("I take sertraline", "med_ssri"), ("on Lexapro 10mg", "med_ssri"), ("my Adderall", "med_stimulant"),
     ("prednisolone for asthma", "med_corticosteroid"), ("my Ventolin inhaler", "med_beta_agonist"),
     ("lithium for bipolar", "med_lithium"), ("quetiapine at night", "med_antipsychotic"),
     ("omeprazole daily", "med_ppi"), ("water tablets", "med_diuretic"), ("atorvastatin", "med_statin"),
     ("tramadol for pain", "med_other_serotonergic")],
)  # fmt: skip
def test_medicine_classes(kb: KnowledgeBase, text: str, cls: str) -> None:
    """Medicine names and brands map to the drug classes of findings.yaml."""
    r = read(kb, f"{text} and my arm twitches")
    assert states(r)[cls] == "present"
    assert any(m["class"] == cls for m in r["medicines"])


def test_new_and_stopped_medicine(kb: KnowledgeBase) -> None:
    """Starting or stopping a medicine gives new_medicine; a stopped one is absent."""
    s = states(read(kb, "Stopped taking my Zoloft two weeks ago and now I have body jerks."))
    assert s["med_ssri"] == "absent" and s["new_medicine"] == "present"
    assert states(read(kb, "I started a new medication last month."))["new_medicine"] == "present"


def test_no_medication(kb: KnowledgeBase) -> None:
    """ "Not on any medication" makes every drug class absent."""
    s = states(read(kb, "Not on any medication."))
    assert s["med_ssri"] == s["med_statin"] == s["med_lithium"] == "absent"


@pytest.mark.parametrize(
    ("text", "mg"),
    [("I drink 5 coffees a day", 475), ("two energy drinks a day", 300), ("3 cups of coffee and a Red Bull", 365),
     ("I take caffeine pills, 400mg a day", 400), ("I don't drink coffee, only herbal tea", 0),
     ("four to five coffees", 428), ("a lot of coffee", 475), ("no caffeine at all", 0)],
)  # fmt: skip
def test_caffeine_amounts(kb: KnowledgeBase, text: str, mg: float) -> None:
    """Caffeine in mg a day from servings and serving sizes; "no coffee" is 0 mg."""
    r = read(kb, text)
    assert states(r)["caffeine_mg_per_day"] == "present"
    assert values(r)["caffeine_mg_per_day"] == pytest.approx(mg, abs=5)


def test_alcohol_and_nicotine(kb: KnowledgeBase) -> None:
    """Heavy drinking from the amount; light drinking and non-smoking are absent."""
    assert states(read(kb, "I drink 6 beers a night."))["alcohol_heavy"] == "present"
    s = states(read(kb, "Non-smoker, I have the odd glass of wine at the weekend."))
    assert s["alcohol_heavy"] == s["nicotine"] == "absent"
    assert states(read(kb, "I smoke a pack a day"))["nicotine"] == "present"


def test_locations_with_sides(kb: KnowledgeBase) -> None:
    """Body parts with their sides; left and right places make side "both" and multiple_sites present."""
    r = read(kb, "Twitches in my left forearm and right thigh for 10 days.")
    assert {(loc["id"], loc["side"]) for loc in r["locations"]} == {("loc_arm", "left"), ("loc_thigh", "right")}
    assert values(r)["side"] == "both" and states(r)["multiple_sites"] == "present"


def test_one_place_and_all_over(kb: KnowledgeBase) -> None:
    """One place makes multiple_sites absent; "all over" gives the whole body and multiple sites."""
    assert states(read(kb, "My thumb keeps twitching."))["multiple_sites"] == "absent"
    s = states(read(kb, "Random twitches all over my body."))
    assert s["loc_whole_body"] == s["multiple_sites"] == "present"


def test_body_part_of_another_symptom(kb: KnowledgeBase) -> None:
    """The hand in "numbness in my hand" is not a twitching site; side words need a body part."""
    r = read(kb, "Numbness in my left hand, and my calf twitches right now.")
    assert [loc["id"] for loc in r["locations"]] == ["loc_calf"]
    assert "side" not in states(r)


def test_lay_movement_words(kb: KnowledgeBase) -> None:
    """Flicker, popcorn and bubbling are flickers; worms are rippling; jolts are jerks; cramps tighten."""
    assert states(read(kb, "bubbling like popcorn under the skin"))["brief_flicker"] == "present"
    assert states(read(kb, "like worms rippling in my calf"))["rippling"] == "present"
    assert states(read(kb, "a jolt like an electric shock in my arm"))["jerk_moves_limb"] == "present"
    assert states(read(kb, "painful cramps in my calves"))["painful_tightening"] == "present"
    assert states(read(kb, "my hands are shaky"))["rhythmic_shaking"] == "present"


def test_context_findings(kb: KnowledgeBase) -> None:
    """Exercise, stress and sleep in lay words; hours of sleep decide short_sleep."""
    s = states(read(kb, "Calves twitch after running; training for a marathon; exams are stressful."))
    assert s["after_exercise"] == s["intense_exercise"] == s["stress_anxiety"] == "present"
    assert states(read(kb, "sleeping about 5 hours a night"))["short_sleep"] == "present"
    assert states(read(kb, "I sleep 8 hours and I'm not stressed"))["short_sleep"] == "absent"


def test_misspellings(kb: KnowledgeBase) -> None:
    """Common misspellings are read ("twiching", "eyelied", "weakess", "alot of cofee")."""
    r = read(kb, "my left eyelied has been twiching for 2 weeks, no weakess, i drink alot of cofee")
    s = states(r)
    assert s["loc_eyelid"] == "present" and s["weakness"] == "absent"
    assert values(r)["caffeine_mg_per_day"] == 475


def test_spans_index_the_original_text(kb: KnowledgeBase) -> None:
    """Every evidence span is exactly the text at [start, end) of what was given, HTML and emoji included."""
    text = "<p>😩 My <b>left calf</b> twitches &amp; no weakness 😩</p>"
    r = read(kb, text)
    assert states(r)["loc_calf"] == "present" and states(r)["weakness"] == "absent"
    for item in r["evidence"]:
        assert text[item["start"] : item["end"]] == item["text"]
        assert item["source"] == "parsed"


def test_evidence_is_valid_for_the_engine(kb: KnowledgeBase) -> None:
    """What is read passes the engine's evidence check (known ids, options, numbers)."""
    r = read(kb, "I'm 30F, left calf twitching constantly for 3 weeks, 4 coffees a day, on sertraline, no weakness.")
    case = parse_case({"age": r["age"], "sex": r["sex"], "evidence": r["evidence"]}, kb.findings, "parsed")
    assert len(case.evidence) == len(r["evidence"])


def test_empty_text_is_an_error(kb: KnowledgeBase) -> None:
    """Empty or blank text raises TextError with a message."""
    for text in ("", "   \n "):
        with pytest.raises(TextError, match="empty"):
            parse_text(text, kb)


def test_too_long_text_is_an_error(kb: KnowledgeBase) -> None:
    """100 kB of text raises TextError that names the limit."""
    with pytest.raises(TextError, match=f"{MAX_CHARS:,}"):
        parse_text("my calf twitches " * 6000, kb)


def test_text_errors_reach_the_assess_path() -> None:
    """A TextError is also an EvidenceError, so ``assess --text`` reports it instead of crashing."""
    with pytest.raises(EvidenceError) as caught:
        assess("")
    assert isinstance(caught.value, TextError) and caught.value.details[0]["field"] == "text"


def test_not_a_string_is_an_error(kb: KnowledgeBase) -> None:
    """A non-string raises TextError, a ValueError."""
    with pytest.raises(ValueError, match="string"):
        parse_text(None, kb)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["Ich habe seit drei Wochen Zuckungen im Bein und Angst vor ALS.", "我的左眼皮跳了一个星期了",
     "Tengo espasmos en el ojo izquierdo, no tengo debilidad.", "😩😩🔥💪", "<div><br/></div>", "1234 5678"],
)  # fmt: skip
def test_unreadable_text_gets_a_message(kb: KnowledgeBase, text: str) -> None:
    """Non-English text, emoji only and bare HTML give empty evidence and the "could not find" message."""
    r = parse_text(text, kb)
    assert r["evidence"] == [] and r["message"] == NO_SYMPTOMS
    json.dumps(r)


def test_html_is_read_as_text(kb: KnowledgeBase) -> None:
    """Tags and scripts are ignored; the words inside are read."""
    r = parse_text("<script>alert('no weakness')</script><p>My <b>right calf</b> twitches</p>", kb)
    assert states(r) == {"side": "present", "loc_calf": "present", "multiple_sites": "absent"}


def test_parse_is_fast(kb: KnowledgeBase) -> None:
    """After loading, a 100-word description is read in well under 20 ms (median) by the rules alone."""
    text = (
        "I'm a 34 year old woman and for about three months I've had twitching in my left calf and sometimes my "
        "right thigh, mostly in the evening. It looks like little flickers under the skin, a few times a day. No "
        "weakness, no numbness, I can still climb stairs fine. I drink four coffees a day and I've been really "
        "stressed at work, sleeping about 5 hours a night. I started sertraline in January. My grandmother had "
        "MND so I'm terrified it's ALS and I keep checking my strength every single day."
    )
    parse_text(text, kb)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        parse_text(text, kb)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.020


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("parse")(parse_cmd.parse)
    app.command("eval-parse")(parse_cmd.eval_parse)
    return app


def test_parse_command_json() -> None:
    """``parse --text ... --json`` prints the evidence with spans."""
    result = CliRunner().invoke(_app(), ["parse", "--text", "left calf twitching, no weakness", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {e["id"] for e in out["evidence"]} >= {"loc_calf", "weakness"}
    assert all("start" in e and "end" in e for e in out["evidence"])


def test_parse_command_table_and_errors() -> None:
    """The table names what was read; empty text fails with an error object under --json."""
    runner = CliRunner()
    table = runner.invoke(_app(), ["parse", "--text", "left calf twitching, no weakness"])
    assert table.exit_code == 0 and "loc_calf" in table.stdout
    bad = runner.invoke(_app(), ["parse", "--text", "", "--json"])
    assert bad.exit_code != 0
    assert json.loads(bad.stdout)["error"]["code"] == "invalid_text"
