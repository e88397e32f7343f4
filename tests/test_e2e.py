"""End to end in real headless Chromium: describe, answer the interview by clicking, read the result.

The app runs in uvicorn on a free loopback port (started in a fixture, always terminated). The
browser is Debian's chromium driven by the Playwright package (never ``playwright install``).
Screenshots go to test-artifacts/e2e/ (desktop and phone widths). Skipped when Playwright or
chromium is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts" / "e2e"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
DESCRIPTION = "My left calf keeps twitching for 3 weeks, worse after running. No weakness. I drink 5 coffees a day."
RESULT_ORDER = ["triage-h", "answer-h", "safety-h", "causes-h", "why-h", "movement-h", "tests-h", "helps-h"]
RESULT_ORDER += ["safety-all-h", "sources-h"]
RESULT_NEEDED = {"triage-h", "answer-h", "safety-h", "causes-h", "why-h", "safety-all-h"}
FRIGHTENED = (
    "I'm 24 and my left calf has been twitching for 3 weeks, mostly when resting. I drink 4 coffees a day. "
    "I'm really scared it's ALS, I keep reading about it at night. "
    "I can still climb stairs and no muscle looks thinner."
)
PHONE_SCREENS = 2


@pytest.fixture(scope="module")
def server(app_server: Any) -> Iterator[str]:
    with app_server("create_app") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def shot(page: Any, name: str) -> None:
    """Save the whole page and what first shows on screen (the README uses the latter)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def answer_until_result(page: Any, limit: int = 40) -> int:
    """Click through the interview: 'Continue' on lists (nothing ticked), 'No', or the first option."""
    for count in range(limit):
        if "/result" in page.url:
            return count
        buttons = page.locator("button[name=answer][value=group], button[name=answer][value=absent]")
        target = buttons.first if buttons.count() else page.locator("button[name=answer]").first
        target.click()
        page.wait_for_load_state()
    raise AssertionError("the interview did not reach a result")


def check_result(page: Any) -> None:
    ids = page.eval_on_selector_all("main h2[id]", "els => els.map(e => e.id)")
    assert set(ids) >= RESULT_NEEDED
    positions = [ids.index(i) for i in RESULT_ORDER if i in ids]
    assert positions == sorted(positions) and positions[0] == 0
    triage = page.locator("section.triage")
    assert triage.is_visible()
    assert "level-" in (triage.get_attribute("class") or "")
    assert page.locator("#triage-h").inner_text().strip()
    assert page.locator("ul.causes li").count() >= 3
    assert page.locator("#answer-h").is_visible() and not page.locator("#causes-h").is_visible()  # folded


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_describe_then_result_then_questions(server: str, browser: Any, device: str) -> None:
    """A description gives the result at once; its questions can still be answered by clicking, at both widths."""
    page = browser.new_page(viewport=VIEWPORTS[device])
    page.goto(server + "/")
    shot(page, f"home-{device}")
    page.fill("#text", DESCRIPTION)
    page.fill("#age", "34")
    page.select_option("#sex", "male")
    page.click("button[value=describe]")
    page.wait_for_load_state()
    assert "/result" in page.url
    check_result(page)
    assert "“for 3 weeks”" in (page.locator("details.more").first.text_content() or "")
    page.click("text=Answer the questions")
    page.wait_for_load_state()
    assert "/interview" in page.url
    shot(page, f"interview-{device}")
    page.locator("details.why summary").click()
    assert page.locator("details.why p").is_visible()
    for _ in range(2):
        page.locator("button[name=answer]").first.click()
        page.wait_for_load_state()
    page.click("button[name=action][value=finish]")
    page.wait_for_load_state()
    check_result(page)
    shot(page, f"result-{device}")
    page.goto(server + "/guide/body/calf")
    shot(page, f"guide-{device}")
    page.goto(server + "/ask?q=could+my+twitching+be+ALS")
    assert page.locator("#reply-h").is_visible()
    shot(page, f"ask-{device}")
    page.close()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_first_screen_answers_a_frightened_calf_twitcher(server: str, browser: Any, device: str) -> None:
    """What to do, most likely cause, the ALS worry and the safety net fit in 2 phone screens; axe finds nothing."""
    page = browser.new_page(viewport=VIEWPORTS[device])
    page.goto(server + "/")
    page.fill("#text", FRIGHTENED)
    page.click("button[value=describe]")
    page.wait_for_load_state()
    first = page.locator("#first-screen")
    words = first.inner_text()
    assert "harmless kinds" in words and "Motor neurone disease (ALS) is very unlikely" in words
    assert "“can still climb stairs”" in words
    assert page.locator("#first-screen .safety-net li").count() == 3
    bottom = page.evaluate("document.querySelector('#first-screen').getBoundingClientRect().bottom + window.scrollY")
    if device == "phone":
        assert bottom <= PHONE_SCREENS * VIEWPORTS["phone"]["height"], bottom
    assert page.evaluate("[...document.querySelectorAll('details.more')].every(d => !d.open)")
    shot(page, f"result-first-{device}")
    first.screenshot(path=str(ARTIFACTS / f"result-first-screen-{device}.png"))  # the README's picture
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # the folded parts too
    violations = axe.run(page).response["violations"]
    assert not violations, [f"{v['id']}: {v['nodes'][0]['target']}" for v in violations]
    page.close()


def test_back_from_the_first_question_keeps_the_text(server: str, browser: Any) -> None:
    """From the result's questions, Back on the first question returns home with the description still typed."""
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(server + "/")
    page.fill("#text", FRIGHTENED)
    page.fill("#age", "24")
    page.click("button[value=describe]")
    page.wait_for_load_state()
    page.click("text=Answer the questions")
    page.wait_for_load_state()
    page.click("button[name=action][value=back]")
    page.wait_for_load_state()
    assert page.input_value("#text") == FRIGHTENED and page.input_value("#age") == "24"
    page.close()


def test_answer_questions_back_and_dont_know(server: str, browser: Any) -> None:
    """'Answer questions' starts the interview; back returns to the same question; don't know moves on."""
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(server + "/")
    page.click("button[value=questions]")
    page.wait_for_load_state()
    first = page.locator("input[name=question]").get_attribute("value")
    assert page.locator("progress").get_attribute("value") == "1"
    page.click("button[name=answer][value=unknown]")
    page.wait_for_load_state()
    assert page.locator("progress").get_attribute("value") == "2"
    page.click("button[name=action][value=back]")
    page.wait_for_load_state()
    assert page.locator("input[name=question]").get_attribute("value") == first
    page.click("button[name=action][value=finish]")
    page.wait_for_load_state()
    check_result(page)
    page.close()


def test_works_without_javascript(server: str, browser: Any) -> None:
    """With JavaScript off, the whole flow from home to result still works."""
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(server + "/")
    page.fill("#age", "50")
    page.click("button[value=questions]")
    page.wait_for_load_state()
    page.locator("input[type=checkbox]").first.check()
    page.click("button[name=answer][value=group]")
    page.wait_for_load_state()
    answer_until_result(page)
    check_result(page)
    context.close()


def test_keyboard_skip_link_and_form(server: str, browser: Any) -> None:
    """The first Tab reaches the skip link, which moves focus to the main content; the form works by keyboard."""
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus("#age")
    page.keyboard.type("29")
    page.focus("button[value=questions]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/interview" in page.url
    page.close()


def test_print_view(server: str, browser: Any) -> None:
    """The print view shows every section open and hides the navigation when printed."""
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(server + "/")
    page.click("button[value=questions]")
    page.click("button[name=action][value=finish]")
    page.click("text=Print view")
    page.wait_for_load_state()
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    shot(page, "result-print")
    page.close()


GUIDE_AND_ASK = {
    "guide-calf": "/guide/body/calf",
    "guide-condition": "/guide/conditions/benign_fasciculation",
    "ask-als": "/ask?q=my+calf+has+twitched+for+3+weeks%2C+is+it+ALS%3F",
}


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_guide_and_ask_markers_safety_net_and_fear(server: str, browser: Any, device: str) -> None:
    """Guide and Ask pages show numbered markers that jump to their source and back, five safety bullets, axe clean."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    page = browser.new_page(viewport=VIEWPORTS[device])
    for name, path in GUIDE_AND_ASK.items():
        page.goto(server + path)
        marker = page.locator("sup.refs a").first
        assert marker.is_visible() and marker.inner_text() == "[1]"
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[device]["width"]
        marker.click()
        assert page.url.endswith("#src-1") and page.locator("#src-1").is_visible()
        page.locator("#src-1 a.backref").click()
        assert page.url.endswith("#cite-1") and page.locator("#cite-1").is_visible()
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, f"{name}-{device}")
    page.goto(server + GUIDE_AND_ASK["guide-calf"])
    assert page.locator("section.safety-net li").count() <= 5
    page.goto(server + GUIDE_AND_ASK["ask-als"])
    assert "ALS" in page.locator("#reply-h").locator("xpath=..").inner_text()
    assert "Could my twitching be ALS" in page.locator(".qa .muted a").inner_text()
    page.close()
