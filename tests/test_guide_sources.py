"""Guide and Ask: numbered source markers, no fact on a weak source alone, merged safety nets, feared diseases."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from twitchcheck.answers.faq import ask, faq_entry
from twitchcheck.answers.guide import body_part_page, body_parts, condition_page
from twitchcheck.kb.check import check_fact_sources, guide_faults
from twitchcheck.kb.citations import Citations
from twitchcheck.kb.faq import default_faq
from twitchcheck.kb.safety_net import MAX_BULLETS, default_signs, line_level, line_signs, merge_safety_net
from twitchcheck.kb.schema import TRIAGE_ORDER
from twitchcheck.service import default_engine
from twitchcheck.web.app import create_app

HTML = {"accept": "text/html"}


def _kb() -> Any:
    return default_engine().kb


def _refs(value: Any) -> list[dict[str, Any]]:
    """Every marker anywhere in a page's data, in document order."""
    if isinstance(value, dict):
        own = [r for k, v in value.items() if k.endswith("refs") for r in v]
        return own + [r for k, v in value.items() if not k.endswith("refs") for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def _check_numbering(page: dict[str, Any]) -> None:
    sources = page["sources"]
    kb = _kb()
    assert [s["n"] for s in sources] == list(range(1, len(sources) + 1))
    assert len({s["id"] for s in sources}) == len(sources)
    assert not any(kb.sources[s["id"]].weak for s in sources)
    by_n = {s["n"]: s["id"] for s in sources}
    refs = _refs({k: v for k, v in page.items() if k != "sources"})
    assert {r["n"] for r in refs} == set(by_n)
    assert all(by_n[r["n"]] == r["id"] for r in refs)
    anchors = [r["anchor"] for r in refs if r["anchor"]]
    assert sorted(anchors) == sorted(s["back"] for s in sources)


@pytest.mark.parametrize("condition_id", sorted(_kb().conditions))
def test_every_condition_fact_has_numbered_sources(condition_id: str) -> None:
    """Each fact on a condition page carries markers into one deduplicated, consecutively numbered list."""
    page = condition_page(condition_id)
    _check_numbering(page)
    facts = [page["summary_refs"], page["triage"]["refs"], page["management_refs"], page["course_refs"]]
    facts += [t["refs"] for t in page["tests"]] + [a["refs"] for a in page["advice"]]
    facts += [e["refs"] for e in page["triage"]["escalations"]] + [b["refs"] for b in page["safety_net_facts"]]
    facts += [f["refs"] for f in page["place_facts"] + page["points_to_facts"]]
    assert all(facts)
    assert condition_page(condition_id) == page


@pytest.mark.parametrize("slug", [p[0] for p in body_parts(_kb())])
def test_body_part_pages_cite_and_merge_safety_nets(slug: str) -> None:
    """A body-part page numbers its sources and shows at most five safety bullets, one per sign, most urgent first."""
    page = body_part_page(slug)
    _check_numbering(page)
    assert all(c["refs"] for c in page["causes"]) and all(w["refs"] for w in page["warning_sign_facts"])
    bullets = page["safety_net_facts"]
    assert 1 <= len(bullets) <= MAX_BULLETS and all(b["refs"] for b in bullets)
    ranks = [TRIAGE_ORDER.index(b["level"]) for b in bullets]
    assert ranks == sorted(ranks, reverse=True)
    signs = default_signs()
    seen: set[str] = set()
    for b in bullets:
        covers = set(line_signs(b["text"], signs))
        assert not covers <= seen, f"{b['text']!r} repeats a sign already shown"
        seen |= covers


def test_calf_safety_net_has_one_bullet_per_sign_in_the_most_urgent_wording() -> None:
    """The calf page's overlapping lines become at most five: blood clot and breathing first, weakness once."""
    kb = _kb()
    lines = default_engine().assess({"evidence": [{"id": "loc_calf", "state": "present"}]}).safety_net
    page = body_part_page("calf")
    texts = page["safety_net"]
    assert len(texts) <= MAX_BULLETS < len(lines)
    assert page["safety_net_facts"][0]["level"] == "urgent"
    assert any("blood clot" in t for t in texts) and any("2 weeks" in t for t in texts)
    weakness = [t for t in texts if "weak or thinner" in t and t.startswith("See a doctor soon")]
    assert len(weakness) == 1
    assert not any(t == "See a doctor soon if a muscle becomes weak or thinner." for t in texts)
    merged = merge_safety_net(["See a GP if a muscle feels weak.", "Call 999 if a muscle is suddenly weak."], kb)
    assert [b.text for b in merged] == ["Call 999 if a muscle is suddenly weak."]


def test_line_levels_follow_their_wording() -> None:
    """'Call 999' is an emergency, 'the same day' urgent, 'within days' soon, anything else routine."""
    signs = default_signs()
    assert line_level("Call 999 if you cannot breathe.", signs) == "emergency"
    assert line_level("Get help the same day if you faint.", signs) == "urgent"
    assert line_level("See a doctor within days if it spreads.", signs) == "soon"
    assert line_level("See a GP if it lasts.", signs) == "routine"


def test_no_guide_fact_rests_only_on_a_weak_source() -> None:
    """kb check finds no fact, FAQ entry or safety sign supported only by a seed, lay or AI-written source."""
    kb = _kb()
    assert check_fact_sources(kb) == []
    assert guide_faults(kb) == []
    weak = {s.kind for s in kb.sources.values() if s.weak}
    assert weak <= {"seed", "lay", "ai_summary"}


def test_kb_check_reports_a_fact_with_only_a_seed_source() -> None:
    """A test whose only source is a seed article is a fault that names it."""
    kb = _kb()
    seed = next(s.id for s in kb.sources.values() if s.kind == "seed")
    test_id = next(iter(kb.tests))
    tests = {**kb.tests, test_id: kb.tests[test_id].model_copy(update={"sources": [seed]})}
    faults = check_fact_sources(dataclasses.replace(kb, tests=tests))
    assert faults == [f"test {test_id}: its only sources are weak ({seed}); cite a guideline, reference or study"]


def test_citations_number_in_first_use_order_without_repeats() -> None:
    """Citing the same source twice gives one number; weak and unknown ids are dropped; only first use is an anchor."""
    kb = _kb()
    seed = next(s.id for s in kb.sources.values() if s.kind == "seed")
    cites = Citations(kb)
    first = cites.cite(["nhs_twitching", seed, "no_such_source", "turner_talbot_2013"])
    again = cites.cite(["turner_talbot_2013", "nhs_twitching"])
    assert [(r["n"], r["anchor"]) for r in first] == [(1, "cite-1"), (2, "cite-2")]
    assert [(r["n"], r["anchor"]) for r in again] == [(2, None), (1, None)]
    assert [s["id"] for s in cites.sources()] == ["nhs_twitching", "turner_talbot_2013"]


ALS = "twitching_and_als"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("my calf has twitched for 3 weeks, is it ALS?", ALS),
        ("Could these calf twitches be motor neurone disease?", ALS),
        ("thigh twitching for a month now, I'm terrified of MND", ALS),
        ("eyelid and arm twitching, is it als", ALS),
        ("Is this Lou Gehrig's disease? my feet twitch at night", ALS),
        ("my eye twitches every day, is it MS?", "twitching_and_ms"),
        ("could twitching legs be multiple sclerosis", "twitching_and_ms"),
        ("my finger twitches, is it Parkinson's?", "parkinsons_sign"),
        ("eyelid twitch for a week, could it be myasthenia gravis?", "twitching_and_myasthenia"),
        ("is it ALS or MS? my calf twitches", ALS),
        ("I jerk as I fall asleep, is it epilepsy?", "twitching_and_epilepsy"),
        ("my arm jerks now and then, could it be CJD?", "twitching_and_cjd"),
        ("whole body twitching for months, scared of Isaacs syndrome", "twitching_and_isaacs"),
    ],
)
def test_a_named_feared_disease_gets_the_answer_about_it(question: str, expected: str) -> None:
    """A question naming a feared disease is answered about that disease, whatever body part it names."""
    result = ask(question)
    assert result["matched"] and result["feared"]
    assert result["match"]["id"] == expected


def test_questions_without_a_feared_disease_keep_their_match() -> None:
    """'My calf has twitched for 3 weeks' stays the calf answer, and 'Ms Jones' is not multiple sclerosis."""
    assert ask("my calf has twitched for 3 weeks")["match"]["id"] == "calf_twitching"
    result = ask("Ms Jones asks why her calf keeps twitching")
    assert not result["feared"] and result["match"]["id"] != "twitching_and_ms"


def test_the_als_answer_says_what_als_looks_like_how_rare_and_when_to_see_a_neurologist() -> None:
    """The ALS reply names weakness and wasting, twitching alone, its rarity and when a neurologist is needed."""
    result = ask("my calf has twitched for 3 weeks, is it ALS?")
    reply, more = result["reply"].lower(), result["more_information"].lower()
    assert "weakness" in reply and "thinner" in reply and "twitching alone" in reply
    assert "100,000" in more and "neurologist" in more
    assert result["reply_refs"] and len(result["more_information_refs"]) == len(result["sources"])


def test_feared_diseases_in_the_kb_have_sourced_faq_answers() -> None:
    """ALS, MS, Parkinson's, myasthenia, epilepsy and CJD each have a sourced FAQ entry answering that fear."""
    kb = _kb()
    by_condition = {c: e for e in default_faq() if e.feared for c in e.conditions[:1]}
    feared = ("als", "multiple_sclerosis", "parkinsons_disease", "myasthenia_gravis", "epilepsy", "creutzfeldt_jakob")
    for condition in feared:
        entry = by_condition[condition]
        assert any(not kb.sources[s].weak for s in entry.sources)
    assert faq_entry(ALS)["answer_refs"]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize(
    "url", ["/guide/conditions/benign_fasciculation", "/guide/body/calf", "/ask?q=my+calf+twitches%2C+is+it+ALS%3F"]
)
def test_pages_link_markers_and_sources_both_ways(client: TestClient, url: str) -> None:
    """Every marker links to a numbered source on the page, and every source links back to a marker."""
    html = client.get(url, headers=HTML).text
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    markers = re.findall(r'<a href="#(src-\d+)"(?: id="(cite-\d+)")?>\[(\d+)\]</a>', html)
    assert markers
    assert all(target in ids and target == f"src-{n}" for target, _, n in markers)
    backs = re.findall(r'<a class="backref" href="#(cite-\d+)"', html)
    assert backs and all(b in ids for b in backs)
    assert len(backs) == len(set(re.findall(r'<li id="src-(\d+)"', html)))
    assert "seed article" not in html


def test_body_part_page_links_the_feared_disease_answers(client: TestClient) -> None:
    """The calf page links the ALS answer under 'Worried it is something serious?', and the API carries markers."""
    html = client.get("/guide/body/calf", headers=HTML).text
    assert 'id="fears-h"' in html and '/ask?id=twitching_and_als"' in html
    data = client.get("/api/v1/guide/body-parts/calf").json()
    assert data["safety_net_facts"][0]["refs"] and data["sources"][0]["n"] == 1
    reply = client.post("/api/v1/ask", json={"question": "my calf has twitched for 3 weeks, is it ALS?"}).json()
    assert reply["match"]["id"] == ALS and reply["reply_refs"][0]["n"] == 1


def test_cli_ask_prints_markers_and_numbered_sources() -> None:
    """`twitchcheck ask` answers a named fear about that disease, with [n] markers and a numbered source list."""
    from typer.testing import CliRunner

    from twitchcheck.cli import app

    out = CliRunner().invoke(app, ["ask", "my calf has twitched for 3 weeks, is it ALS?"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert text.startswith("Could my twitching be ALS") and "[1][2][3]" in text and "Sources: [1] " in text
