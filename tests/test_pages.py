"""The HTML pages: the flow without JavaScript, result order, accessibility basics and page weight."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from twitchcheck.answers.guide import body_parts
from twitchcheck.kb.loader import default_knowledge_base
from twitchcheck.service import default_engine
from twitchcheck.web.app import create_app
from twitchcheck.web.pages.state import decode

HTML = {"accept": "text/html"}
MAX_PAGE_BYTES = 100_000
STATIC = Path(__file__).parent.parent / "src" / "twitchcheck" / "web" / "static"


class Page(HTMLParser):
    """The parts of a page the tests look at: tags with attributes, headings, label targets, text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.headings: list[tuple[int, str]] = []
        self._heading: int | None = None
        self._text: list[str] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = int(tag[1]), []

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading}":
            self.headings.append((self._heading, " ".join("".join(self._text).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def page(client: TestClient, url: str, status: int = 200) -> Page:
    response = client.get(url, headers=HTML)
    assert response.status_code == status, response.text[:500]
    return Page(response.text)


def state_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["s"][0]


def start(client: TestClient, **form: str) -> str:
    response = client.post("/start", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return str(response.headers["location"])


def answer(client: TestClient, url: str, choose: str = "no") -> str:
    """Answer the question at ``url`` (no / don't know / first option) and return where it leads."""
    p = page(client, url)
    form = {i["name"]: i["value"] for i in p.find("input", type="hidden")}
    values = [b["value"] for b in p.find("button", name="answer")]
    if choose == "unknown":
        form["answer"] = "unknown"
    else:
        form["answer"] = "group" if "group" in values else "absent" if "absent" in values else values[0]
    response = client.post("/interview", data=form, follow_redirects=False)
    assert response.status_code == 303
    return str(response.headers["location"])


def finish_interview(client: TestClient, url: str) -> str:
    for _ in range(40):
        if url.startswith("/result"):
            return url
        url = answer(client, url)
    raise AssertionError("the interview did not end")


def test_home_is_accessible(client: TestClient) -> None:
    """Home: lang attribute, skip link to main, one h1, and a label for every field."""
    p = page(client, "/")
    assert p.find("html", lang="en")
    assert p.find("a", href="#main", **{"class": "skip-link"}) and p.find("main", id="main")
    assert [h for h in p.headings if h[0] == 1] == [(1, "Make sense of your twitching")]
    labelled = {a["for"] for a in p.find("label")}
    fields = [a for t, a in p.tags if t in ("input", "select", "textarea") and a.get("type") != "hidden"]
    assert fields and all(f["id"] in labelled for f in fields)
    assert p.find("form", method="post", action="/start")


def test_describe_shows_the_result_at_once(client: TestClient) -> None:
    """ "Check my description" goes straight to the result, quoting what was read, and offers the questions."""
    text = "My left calf keeps twitching for 3 weeks, no weakness. Scared it's ALS."
    url = start(client, text=text, age="30", sex="female", mode="describe")
    assert url.startswith("/result")
    state = decode(state_of(url))
    assert {i.id for i in state.initial} >= {"loc_calf", "weakness"} and state.age == 30
    assert state.text == text and state.worries == ("als",)
    p = page(client, url)
    words = " ".join(p.text)
    assert "What it most likely is" in words and "What you are worried about" in words
    assert "“for 3 weeks”" in words and "Could anything change this?" in words
    assert any(a.get("href", "").startswith("/interview?s=") for t, a in p.tags if t == "a")


def test_back_from_the_first_question_keeps_the_description(client: TestClient) -> None:
    """Back on the first question returns to the home page with the typed text, age and sex filled in."""
    text = "my right eyelid has been flickering for 2 days"
    result_url = start(client, text=text, age="41", sex="male", mode="describe")
    links = [a["href"] for t, a in page(client, result_url).tags if t == "a" and "href" in a]
    more = next(href for href in links if href.startswith("/interview"))
    form = {i["name"]: i["value"] for i in page(client, more).find("input", type="hidden")}
    back = client.post("/interview", data={**form, "action": "back"}, follow_redirects=False)
    home = client.get(back.headers["location"]).text
    assert back.headers["location"].startswith("/?s=") and text in home
    assert 'value="41"' in home and '<option value="male" selected>' in home


def test_interview_page_has_rationale_progress_back_and_dont_know(client: TestClient) -> None:
    """A question page has the question, why it is asked, progress, back and don't know."""
    url = start(client, mode="questions", age="45")
    p = page(client, url)
    assert p.find("progress") and p.find("details", **{"class": "why"})
    assert p.find("button", name="answer", value="unknown")
    assert p.find("button", name="action", value="back")
    assert p.find("input", type="hidden", name="s")
    assert [h for h in p.headings if h[0] == 1]


def test_interview_answers_accumulate_and_back_removes_one(client: TestClient) -> None:
    """Each answer adds one step to the state; back drops the last one and shows that question again."""
    first = start(client, mode="questions")
    second = answer(client, first)
    assert len(decode(state_of(second)).steps) == 1
    p = page(client, second)
    form = {i["name"]: i["value"] for i in p.find("input", type="hidden")}
    back = client.post("/interview", data={**form, "action": "back"}, follow_redirects=False)
    assert decode(state_of(back.headers["location"])).steps == ()
    first_question = page(client, first).find("input", name="question")[0]["value"]
    assert page(client, back.headers["location"]).find("input", name="question")[0]["value"] == first_question


def test_dont_know_is_recorded_as_unknown(client: TestClient) -> None:
    """Don't know stores every finding of the question as unknown."""
    url = answer(client, start(client, mode="questions"), choose="unknown")
    (step,) = decode(state_of(url)).steps
    assert step and all(item.state == "unknown" and item.source == "asked" for item in step)


def test_stale_answer_is_not_applied(client: TestClient) -> None:
    """An answer for a question that is no longer next is ignored, with a notice."""
    url = start(client, mode="questions")
    s = state_of(url)
    response = client.post(
        "/interview", data={"s": s, "question": "not_this", "answer": "present"}, follow_redirects=False
    )
    assert "n=stale" in response.headers["location"] and state_of(response.headers["location"]) == s


def test_full_interview_reaches_result_in_order(client: TestClient) -> None:
    """The result answers first (what to do, what it most likely is, when to get help), then folds the details."""
    url = finish_interview(client, start(client, mode="questions", age="34", sex="male"))
    p = page(client, url)
    h2 = [text for level, text in p.headings if level == 2]
    wanted = ["What it most likely is", "Get help if", "The details", "Possible causes", "Why"]
    wanted += ["The kind of movement", "Tests a doctor may order", "What helps", "Safety net", "Sources"]
    positions = [next(i for i, h in enumerate(h2) if h.startswith(w) or w in h) for w in wanted]
    assert positions == sorted(positions)
    assert h2.index("What it most likely is") == 1  # the triage heading comes first
    assert "Please note:" in " ".join(p.text)


def test_result_shows_triage_in_colour_and_words(client: TestClient) -> None:
    """The triage box has a level colour class and says the level, time frame and whom to see in words."""
    state = start(client, mode="questions")
    p = page(client, "/result?s=" + state_of(state))
    box = next(a for t, a in p.tags if t == "section" and "triage" in a.get("class", ""))
    assert re.search(r"level-(self-care|routine|soon|urgent|emergency)", box["class"])
    text = " ".join(p.text)
    assert "When" in text and "Whom to see" in text and "level " in text and " of 5" in text


def test_red_flag_answer_escalates_result(client: TestClient) -> None:
    """Ticking a warning sign (breathing difficulty) in the first question gives urgent care or more."""
    url = start(client, mode="questions")
    p = page(client, url)
    form = {i["name"]: i["value"] for i in p.find("input", type="hidden")}
    members = [a["value"] for a in p.find("input", type="checkbox")]
    assert "breathing_difficulty" in members
    form |= {"answer": "group", "member": "breathing_difficulty"}
    target = client.post("/interview", data=form, follow_redirects=False).headers["location"]
    result = page(client, "/result?s=" + state_of(target))
    box = next(a for t, a in result.tags if t == "section" and "triage" in a.get("class", ""))
    assert "level-urgent" in box["class"] or "level-emergency" in box["class"]


def test_print_view_opens_everything(client: TestClient) -> None:
    """The print view marks the page for printing and opens the collapsed sections."""
    url = "/result?s=" + state_of(start(client, mode="questions")) + "&view=print"
    p = page(client, url)
    assert "print-view" in p.find("body")[0]["class"]
    assert all("open" in d for d in p.find("details"))


def test_damaged_state_is_a_400_page(client: TestClient) -> None:
    """A damaged link gives a readable 400 page, not a crash."""
    p = page(client, "/result?s=not-a-real-state", status=400)
    assert "damaged" in " ".join(p.text)


def test_forged_state_with_unknown_finding_is_rejected(client: TestClient) -> None:
    """A state naming an unknown finding is refused like any other bad evidence."""
    from twitchcheck.engine.evidence import EvidenceItem
    from twitchcheck.web.pages.state import InterviewState, encode

    forged = encode(InterviewState(initial=(EvidenceItem("not_a_finding", "present"),)))
    assert client.get(f"/result?s={forged}", headers=HTML).status_code == 422


def test_home_form_errors_are_shown(client: TestClient) -> None:
    """An empty description or an impossible age re-shows the form with a message (422)."""
    for form, message in (
        ({"mode": "describe", "text": " "}, "describe"),
        ({"mode": "questions", "age": "300"}, "age"),
    ):
        response = client.post("/start", data=form)
        assert response.status_code == 422
        assert message in response.text and 'role="alert"' in response.text


def test_ask_page_is_shaped_like_a_qa_page(client: TestClient) -> None:
    """The Ask page answers with a reply, more information and similar questions."""
    p = page(client, "/ask?q=why+does+my+eyelid+twitch")
    headings = [text for _, text in p.headings]
    assert "Reply" in headings and "More information" in headings and "Similar questions" in headings


def test_guide_index_and_every_guide_page(client: TestClient) -> None:
    """The guide lists every condition and body part, and each page renders with its sources."""
    index = page(client, "/guide")
    links = {a["href"] for a in index.find("a")}
    kb = default_engine().kb
    for cid in kb.conditions:
        assert f"/guide/conditions/{cid}" in links
        assert "Sources" in [t for _, t in page(client, f"/guide/conditions/{cid}").headings]
    for slug, _, _ in body_parts(default_knowledge_base()):
        assert f"/guide/body/{slug}" in links
        assert "Sources" in [t for _, t in page(client, f"/guide/body/{slug}").headings]


def test_unknown_guide_page_is_404_page(client: TestClient) -> None:
    """An unknown guide page is a 404 HTML page for a browser and the error shape for others."""
    page(client, "/guide/conditions/nope", status=404)
    assert client.get("/guide/conditions/nope").json()["error"]["code"] == "unknown_condition"


def _page_urls(client: TestClient) -> list[str]:
    state = start(client, mode="questions", age="34")
    result = "/result?s=" + state_of(finish_interview(client, state))
    return [
        "/",
        state,
        result,
        result + "&view=print",
        "/ask",
        "/ask?q=is+twitching+serious",
        "/guide",
        "/guide/conditions/als",
        "/guide/body/calf",
        "/guide/body/whole-body",
        "/nothing-here",
    ]


def test_pages_weigh_under_100_kb(client: TestClient) -> None:
    """No page is over 100 kB of HTML, CSS and JS together."""
    for url in _page_urls(client):
        response = client.get(url, headers=HTML)
        p = Page(response.text)
        assets = [a["href"] for a in p.find("link", rel="stylesheet")] + [
            a["src"] for a in p.find("script") if "src" in a
        ]
        total = len(response.content) + sum(len(client.get(a).content) for a in assets)
        assert total < MAX_PAGE_BYTES, (url, total)


def test_pages_load_nothing_from_other_sites(client: TestClient) -> None:
    """Styles, scripts, images and icons all come from this server (runs offline, no CDN)."""
    for url in _page_urls(client):
        p = Page(client.get(url, headers=HTML).text)
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
            for a in p.find(tag):
                assert not a.get(attr, "").startswith(("http:", "https:", "//")), (url, a)


def test_headings_do_not_skip_levels(client: TestClient) -> None:
    """Every page starts at h1 and never jumps more than one heading level down."""
    for url in _page_urls(client):
        levels = [level for level, _ in page(client, url, status=404 if "nothing" in url else 200).headings]
        assert levels[0] == 1, url
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (url, levels)


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colour_contrast_meets_wcag_aa() -> None:
    """Text colours on their backgrounds reach WCAG AA contrast (4.5:1)."""
    css = (STATIC / "style.css").read_text()
    colour: dict[str, Any] = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = [("text", "bg"), ("text", "surface"), ("muted", "bg"), ("muted", "surface"), ("primary", "surface")]
    pairs += [("primary", "bg"), ("surface", "primary"), ("surface", "brand"), ("emergency", "emergency-bg")]
    pairs += [("text", f"{lv}-bg") for lv in ("self-care", "routine", "soon", "urgent")]
    pairs += [(lv, f"{lv}-bg") for lv in ("self-care", "routine", "soon", "urgent")]
    pairs += [("muted", "soon-bg"), ("primary", "routine-bg")]
    for fg, bg in pairs:
        assert _contrast(colour[fg], colour[bg]) >= 4.5, (fg, bg, round(_contrast(colour[fg], colour[bg]), 2))


@pytest.mark.parametrize(
    "raw", ['{"v":1,"s":["x"]}', '{"v":1,"i":[["weakness",["p"]]]}', '{"v":1,"i":' + "[" * 9000 + "]" * 9000 + "}"]
)
def test_corrupt_interview_state_is_a_400_page(client: TestClient, raw: str) -> None:
    """A tampered ``s`` in /result, /interview and the interview form gives a 400 page, never a 500."""
    import base64
    import zlib

    s = base64.urlsafe_b64encode(zlib.compress(raw.encode(), 9)).decode().rstrip("=")
    for response in (
        client.get("/result", params={"s": s}, headers={"Accept": "text/html"}),
        client.get("/interview", params={"s": s}, headers={"Accept": "text/html"}),
        client.post("/interview", data={"s": s, "question": "weakness", "answer": "yes"}),
    ):
        assert response.status_code == 400 and "damaged" in response.text
