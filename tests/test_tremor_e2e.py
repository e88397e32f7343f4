"""The /tremor page in real headless Chromium, fed synthetic device-motion events.

The page's clock is Playwright's fake clock, so the three 20-second tasks run in moments while
the page sees time pass as on a phone; a generator in the page dispatches a ``devicemotion``
event every 10 ms carrying a known tremor. The samples go to the real API of a real server
(uvicorn on a free loopback port), and the test reads the result and carries it into a check.
Debian's chromium through Playwright (never ``playwright install``); skipped when missing.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
import uuid
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
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts" / "e2e"
PHONE = {"width": 390, "height": 844}
# A tremor of f Hz and RMS a (m/s^2) along x and y, over gravity on z, with a little sensor noise.
GENERATOR = """
(() => {
  let seed = 7;
  const noise = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return (seed / 2147483648 - 0.5) * 0.1; };
  window.__tremor = {f: 0, a: 0};
  setInterval(() => {
    const t = performance.now() / 1000, w = window.__tremor;
    const s = w.a * Math.SQRT2 * Math.sin(2 * Math.PI * w.f * t);
    window.dispatchEvent(new DeviceMotionEvent("devicemotion", {
      accelerationIncludingGravity: {x: 0.6 * s + noise(), y: 0.8 * s + noise(), z: 9.81 + noise()},
      interval: 10}));
  }, 10);
})()
"""


@pytest.fixture(scope="module")
def server(app_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = f"sqlite:///{tmp_path_factory.mktemp('tremor-e2e')}/diary.db"
    env = {**os.environ, "TWITCHCHECK_WARM_NLP": "0", "TWITCHCHECK_DATABASE_URL": database}
    with app_server("create_app", env) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def record(page: Any, frequency: float, amplitude: float) -> None:
    """Press Start with the generator set to this tremor, and let the get-ready and 20 seconds pass."""
    page.evaluate(f"window.__tremor = {{f: {frequency}, a: {amplitude}}}")
    page.click("#start-button")
    page.clock.run_for(24_000)


def test_three_guided_tasks_measure_the_tremor_and_feed_a_check(server: str, browser: Any) -> None:
    """Rest (5 Hz), arms out (5 Hz, smaller) and a skipped finger-to-nose show 5 Hz and carry it into a check."""
    page = browser.new_page(viewport=PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.clock.install()
    page.goto(server + "/tremor")
    assert page.locator("#task-panel").is_visible()
    assert "Task 1 of 3" in page.locator("#task-title").inner_text()
    page.evaluate(GENERATOR)
    record(page, 5.0, 0.7)
    assert "Task 2 of 3" in page.locator("#task-title").inner_text()
    record(page, 5.1, 0.35)
    assert "Task 3 of 3" in page.locator("#task-title").inner_text()
    page.click("#skip-button")
    page.wait_for_selector("#result:not([hidden])", timeout=30_000)
    summary = page.locator("#result-summary").inner_text()
    assert "5.0 Hz" in summary and "hands resting in the lap" in summary
    rows = page.locator("#result-table tbody tr")
    assert rows.count() == 2 and "Hz, steady" in rows.nth(0).inner_text()
    assert page.locator("#result-chart svg polyline").count() == 2
    assert "measured_tremor_at_rest" in page.locator("#evidence-field").input_value()
    assert page.evaluate("document.activeElement.id") == "result-h"
    assert page.locator("#save-signin").is_visible() and page.locator("#save-form").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#result").screenshot(path=str(ARTIFACTS / "tremor-result-phone.png"))
    page.fill("#check-age", "67")
    page.click("#check-form button[type=submit]")
    page.wait_for_load_state()
    for _ in range(40):
        if "/result" in page.url:
            break
        # "Don't know" throughout: the measurement is then the only evidence about the shaking.
        buttons = page.locator("button[name=answer][value=unknown]")
        (buttons.first if buttons.count() else page.locator("button[name=answer]").first).click()
        page.wait_for_load_state()
    assert "/result" in page.url
    page.locator("details.more summary").first.click()  # the causes and why are folded below the answer
    why = page.locator("#why-h ~ .why-block").first.inner_text()
    assert "Phone measurement" in why
    assert not errors, errors
    page.close()


def test_without_a_sensor_the_page_says_so(server: str, browser: Any) -> None:
    """When no motion events arrive, the page says the device does not share its sensor and offers the upload."""
    page = browser.new_page(viewport=PHONE)
    page.clock.install()
    page.goto(server + "/tremor")
    page.click("#start-button")
    status = page.locator("#task-status")
    for _ in range(30):  # the start handler awaits the permission request before it sets its timers
        page.clock.run_for(1_000)
        if "No motion data arrived" in status.inner_text():
            break
        page.wait_for_timeout(100)
    assert "No motion data arrived" in status.inner_text()
    assert page.locator("#start-button").is_enabled()
    page.close()


def test_upload_form_measures_in_place(server: str, browser: Any, tmp_path: Path) -> None:
    """Choosing a phyphox CSV and pressing Measure shows the result with its spectrum, without leaving the page."""
    from twitchcheck.tremor.synthetic import Synthetic

    path = tmp_path / "Raw Data.csv"
    path.write_text(Synthetic(frequency_hz=8.5, amplitude_m_s2=0.3, seed=9).csv(), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/tremor")
    page.set_input_files("#file", str(path))
    page.select_option("#upload-task", "postural")
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#result:not([hidden])", timeout=30_000)
    assert "8.5 Hz" in page.locator("#result-summary").inner_text()
    assert page.url.endswith("/tremor")
    page.close()


def api(server: str, method: str, path: str, body: dict[str, Any] | None = None, token: str = "") -> Any:
    """One JSON API call to the test server."""
    request = urllib.request.Request(server + path, method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def test_signed_in_page_saves_the_measurement_to_the_diary(server: str, browser: Any) -> None:
    """Signed in, the result offers "Save to my diary"; saving keeps the measurement, seen in the API and the report."""
    email, password = f"tremor-{uuid.uuid4().hex[:10]}@example.org", "correct horse battery"
    api(server, "POST", "/api/v1/auth/register", {"email": email, "password": password})
    page = browser.new_page(viewport=PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install()
    page.goto(server + "/login?next=/tremor")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url("**/tremor")
    page.evaluate(GENERATOR)
    record(page, 6.0, 0.5)
    page.click("#skip-button")
    page.click("#skip-button")
    page.wait_for_selector("#result:not([hidden])", timeout=30_000)
    assert page.locator("#save-form").is_visible()
    page.fill("#save-note", "before coffee")
    page.click("#save-button")
    page.wait_for_selector("#saved-note", timeout=30_000)
    token = api(server, "POST", "/api/v1/auth/login", {"email": email, "password": password})["access_token"]
    saved = api(server, "GET", "/api/v1/diary/tremor", token=token)
    assert len(saved) == 1 and saved[0]["task"] == "rest" and saved[0]["note"] == "before coffee"
    assert abs(saved[0]["frequency_hz"] - 6.0) < 0.3
    page.goto(server + "/diary/report")
    assert "Tremor measurements" in page.locator("#tremor-measurements").inner_text()
    shown = "[...document.querySelectorAll('#tremor-measurements img')].map(i => i.complete && i.naturalWidth > 0)"
    assert page.evaluate(shown) == [True], "the latest measurement's plot is shown"
    assert not errors, errors
    page.close()
