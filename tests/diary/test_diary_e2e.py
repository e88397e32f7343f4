"""The diary in real headless Chromium at phone (390x844) and desktop sizes: day form, warning sign, trends, report.

The diary app runs in uvicorn on a free loopback port with a throwaway SQLite file; a person signs
up through the page, 60 days of a synthetic diary are sent through the JSON API, and the browser
then uses the pages. Screenshots go to test-artifacts/diary/. Chart text is measured as rendered:
each SVG's smallest font size times the image's on-screen width over the SVG's own width.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from twitchcheck.diary import synthetic

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "diary"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PASSWORD = "a good long password for tests"
MIN_TEXT_PX = 12


@pytest.fixture(scope="module")
def server(app_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = os.environ | {
        "TWITCHCHECK_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('e2e')}/diary.db",
        "TWITCHCHECK_RATE_LIMIT": "off",
    }
    with app_server("create_diary_app", env, ready="/readyz") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def call(base: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    """One JSON API call (urllib: the test speaks to the server as a client app would)."""
    request = urllib.request.Request(f"{base}{path}", method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
    return json.loads(text) if text else None


def sign_up(page: Any, base: str) -> str:
    """Register through the page (the browser is then signed in); returns the email."""
    email = f"e2e-{uuid.uuid4().hex[:8]}@example.org"
    page.goto(f"{base}/register")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    return email


def seed(base: str, email: str) -> None:
    """Sixty days of a synthetic diary, a profile and a medicine started before it began, through the API."""
    token = call(base, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})["access_token"]
    start = datetime.now(UTC).date() - timedelta(days=60)
    data = synthetic.generate(days=60, start=start, base_rate=3, sleep_effect=2.5, seed=3)
    for episode in data["episodes"]:
        call(base, "POST", "/api/v1/diary/episodes", episode, token)
    for day in data["days"]:
        call(base, "PUT", f"/api/v1/diary/days/{day['date']}", {k: v for k, v in day.items() if k != "date"}, token)
    call(
        base,
        "POST",
        "/api/v1/diary/medications",
        {"name": "Salbutamol inhaler", "start": str(start - timedelta(days=20))},
        token,
    )
    profile = {"display_name": "Alex Example", "birth_year": 2002, "sex": "female", "twitching_began": str(start)}
    call(base, "PUT", "/api/v1/diary/profile", profile, token)


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page as 'rule: first target' lines (WCAG 2 A/AA and best practice)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in results["violations"]]


def fits(page: Any) -> bool:
    """Nothing is wider than the window (no sideways scrolling of the page)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def smallest_chart_text(page: Any) -> list[tuple[str, float]]:
    """For every visible SVG chart: its alt text and its smallest text in CSS px as rendered."""
    out = []
    for image in page.locator("main img[src^='data:image/svg+xml']").all():
        if not image.is_visible():
            continue
        svg = base64.b64decode(image.get_attribute("src").split(",", 1)[1]).decode()
        width_pt = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1))
        smallest = min(float(x) for x in re.findall(r"font-size: ([\d.]+)px", svg))
        shown = image.bounding_box()["width"]
        out.append((image.get_attribute("alt"), smallest * shown / width_pt))
    return out


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_diary_day_form_trends_and_report(server: str, browser: Any, device: str) -> None:
    """Day form by taps and sliders, a warning sign's triage, plain trends with legible charts, a report that fits."""
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    try:
        email = sign_up(page, server)
        seed(server, email)

        page.goto(f"{server}/diary")
        page.locator("label[for='when-last_night']").click()
        page.locator("form.quick-add button[type=submit]").click()
        page.wait_for_load_state()
        assert "Saved." in page.inner_text("main") and fits(page)
        assert axe_violations(page) == []
        shot(page, f"add-{device}")

        page.goto(f"{server}/diary/days")
        nav = page.locator("nav.diary-nav > ul").bounding_box()
        assert nav["height"] < 60, "the diary menu is one row"
        page.locator("label[for='coffee_cups-3']").click()
        page.locator("label[for='tea_cups-1']").click()
        page.locator("#stress").fill("7")
        assert not page.locator("#stress-unset").is_checked(), "moving the slider records it"
        assert page.locator("#stress-value").inner_text() == "7"
        assert fits(page)
        assert axe_violations(page) == []
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, f"day-form-{device}")
        page.locator("form.day-form button[type=submit]").click()
        page.wait_for_load_state()
        assert "Saved." in page.inner_text("main")
        today = page.locator("#day").input_value()
        export = page.request.get(f"{server}/diary/export?format=json").json()
        stored = next(d for d in export["days"] if d["date"] == today)
        assert stored["caffeine_mg"] == 3 * 90 + 50 and stored["stress"] == 7 and stored["sleep_hours"] is None

        page.goto(f"{server}/diary/symptoms")
        page.select_option("#symptom", "muscle_wasting")
        page.locator("form.card button[type=submit]").click()
        page.wait_for_load_state()
        box = page.locator("section.entry-triage")
        assert box.is_visible() and "See a doctor soon" in box.inner_text()
        assert axe_violations(page) == []
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, f"warning-sign-{device}")

        page.goto(f"{server}/diary/analysis")
        lead = page.locator("p.lead").inner_text()
        assert "stable" not in lead.lower()
        assert page.locator("ul.plain-list li").count() >= 1
        for summary in page.locator("details.stats > summary").all():
            summary.click()
        charts = smallest_chart_text(page)
        assert len(charts) >= 4
        for alt, px in charts:
            assert px >= MIN_TEXT_PX, f"{alt}: smallest text {px:.1f} px"
        assert fits(page)
        assert axe_violations(page) == []
        page.locator("details.stats > summary").first.click()  # fold the numbers again for the picture
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, f"analysis-{device}")

        page.goto(f"{server}/diary/report")
        text = page.inner_text("main")
        assert "Alex Example" in text and "female" in text and "Warning signs logged" in text
        assert "Salbutamol inhaler" in page.locator(".med-box").inner_text()
        assert "not asked" not in text and "stable" not in text.lower()
        report_charts = smallest_chart_text(page)
        assert len(report_charts) >= 4
        for alt, px in report_charts:
            assert px >= MIN_TEXT_PX, f"report {alt}: smallest text {px:.1f} px"
        assert fits(page)
        assert axe_violations(page) == []
        shot(page, f"report-{device}")
        page.goto(f"{server}/account/profile")
        assert page.locator("#display_name").input_value() == "Alex Example"
        assert axe_violations(page) == []
    finally:
        context.close()


def test_day_form_works_without_javascript(server: str, browser: Any) -> None:
    """Without JavaScript the taps post, and a slider counts once its 'not recorded' box is unticked."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = context.new_page()
    try:
        sign_up(page, server)
        page.goto(f"{server}/diary/days")
        page.locator("label[for='energy_drinks-2']").click()
        page.locator("#sleep_hours").fill("6.5")
        page.locator("#sleep_hours-unset").uncheck()
        page.locator("form.day-form button[type=submit]").click()
        page.wait_for_load_state()
        today = page.locator("#day").input_value()
        stored = page.request.get(f"{server}/diary/export?format=json").json()["days"]
        day = next(d for d in stored if d["date"] == today)
        assert day["caffeine_mg"] == 160 and day["sleep_hours"] == 6.5 and day["stress"] is None
        page.goto(f"{server}/diary")
        page.locator("nav.diary-nav summary").click()
        assert page.locator("nav.diary-nav a[href='/account/profile']").is_visible()
    finally:
        context.close()
