"""The diary's pages: sign-up and sign-in with CSRF and secure cookies, the quick form, charts, report."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

PASSWORD = "a good long password"
# Pages are the same code on both databases (the API tests cover storage on both); SQLite keeps this quick.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def sign_up(client: TestClient) -> str:
    """Register through the form; the client is then signed in."""
    email = f"page-{uuid.uuid4().hex[:8]}@example.org"
    token = csrf_of(client.get("/register").text)
    form = {"email": email, "password": PASSWORD, "confirm": PASSWORD, "timezone": "Europe/Berlin", "csrf_token": token}
    response = client.post("/register", data=form)
    assert response.status_code == 201 and "recovery codes" in response.text, response.text[:500]
    assert client.get("/diary", follow_redirects=False).status_code == 200
    return email


@pytest.fixture
def browser(app: FastAPI) -> TestClient:
    """A fresh browser (its own cookies) on the diary app."""
    return TestClient(app)


def test_pages_need_sign_in(browser: TestClient) -> None:
    """Diary pages send a visitor who is not signed in to the sign-in page, then back."""
    response = browser.get("/diary/analysis", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/diary/analysis"


def test_session_cookie_is_http_only_and_lax(app: FastAPI) -> None:
    """The session cookie is HttpOnly and SameSite=Lax, and Secure when served over https."""
    for base, secure in (("http://testserver", False), ("https://testserver", True)):
        browser = TestClient(app, base_url=base)
        token = csrf_of(browser.get("/register").text)
        email = f"cookie-{uuid.uuid4().hex[:8]}@example.org"
        form = {"email": email, "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token}
        response = browser.post("/register", data=form, follow_redirects=False)
        cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("tc_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        assert ("Secure" in cookie) is secure


def test_security_headers_on_diary_pages(browser: TestClient) -> None:
    """Pages carry a CSP without inline script, nosniff, a referrer policy, frame-ancestors none and no-store."""
    sign_up(browser)
    headers = browser.get("/diary").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"]
    assert headers["cache-control"] == "no-store"


def test_forms_without_csrf_token_are_refused(browser: TestClient) -> None:
    """A form post without (or with a wrong) CSRF token, or from another origin, is refused with 403."""
    sign_up(browser)
    form = {
        "body_part": "calf",
        "side": "left",
        "movement": "fasciculation",
        "intensity": "3",
        "occurred_at": "2026-11-01T10:00",
    }
    assert browser.post("/diary/episodes", data=form).status_code == 403
    assert browser.post("/diary/episodes", data=form | {"csrf_token": "forged-token-123456789012"}).status_code == 403
    token = csrf_of(browser.get("/diary").text)
    response = browser.post(
        "/diary/episodes", data=form | {"csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "No episodes" not in browser.get("/diary").text and "1 in all" not in browser.get("/diary").text


def test_quick_add_with_defaults(browser: TestClient) -> None:
    """The quick form starts at now; after an entry it starts from the last place, side and kind."""
    sign_up(browser)
    page = browser.get("/diary").text
    assert re.search(r'name="occurred_at" type="datetime-local" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', page)
    form = {
        "csrf_token": csrf_of(page),
        "occurred_at": "2026-11-01T21:15",
        "body_part": "eyelid",
        "side": "right",
        "movement": "myokymia",
        "intensity": "6",
        "count": "",
        "duration_s": "",
        "notes": "",
        "timezone": "",
    }
    after = browser.post("/diary/episodes", data=form)
    assert after.status_code == 200 and "Saved." in after.text and "1 in all" in after.text
    assert '<option value="eyelid" selected>' in after.text
    assert 'id="side-right" name="side" value="right" checked' in after.text
    assert 'id="int-6" name="intensity" value="6" checked' in after.text
    assert "21:15" in after.text and "right eyelid" in after.text


def test_quick_add_error_keeps_what_was_typed(browser: TestClient) -> None:
    """A refused entry comes back with the message and the typed values; nothing is stored."""
    sign_up(browser)
    token = csrf_of(browser.get("/diary").text)
    form = {
        "csrf_token": token,
        "occurred_at": "2999-01-01T10:00",
        "body_part": "calf",
        "side": "left",
        "movement": "fasciculation",
        "intensity": "4",
        "notes": "typed note",
    }
    response = browser.post("/diary/episodes", data=form)
    assert response.status_code == 422 and "in the future" in response.text and "typed note" in response.text
    assert "0 in all" in response.text


def test_edit_and_delete_an_episode(browser: TestClient) -> None:
    """An episode's page changes it (keeping its time zone) and deletes it."""
    sign_up(browser)
    token = csrf_of(browser.get("/diary").text)
    form = {
        "csrf_token": token,
        "occurred_at": "2026-10-01T08:30",
        "body_part": "calf",
        "side": "left",
        "movement": "fasciculation",
        "intensity": "4",
    }
    added = browser.post("/diary/episodes", data=form, follow_redirects=False)
    episode_id = added.headers["location"].split("=")[1]
    edit = browser.get(f"/diary/episodes/{episode_id}").text
    assert 'value="2026-10-01T08:30"' in edit and 'name="offset" value="+0200"' in edit
    changed = browser.post(f"/diary/episodes/{episode_id}", data=form | {"intensity": "8", "offset": "+0200"})
    assert changed.status_code == 200 and "<strong>8</strong>/10" in changed.text and "08:30" in changed.text
    gone = browser.post(f"/diary/episodes/{episode_id}/delete", data={"csrf_token": token})
    assert "Deleted." in gone.text and "0 in all" in gone.text


@pytest.mark.slow  # a PDF or a statistics cross-check: left out of the quick tier
def test_other_pages_render(browser: TestClient) -> None:
    """Day, medicines, symptoms, saved assessments, trends, report, import and account pages render."""
    sign_up(browser)
    token = csrf_of(browser.get("/diary").text)
    for day in range(1, 8):
        form = {
            "csrf_token": token,
            "occurred_at": f"2026-10-0{day}T09:00",
            "body_part": "calf",
            "side": "left",
            "movement": "fasciculation",
            "intensity": str(day),
        }
        browser.post("/diary/episodes", data=form)
        day_form = {
            "csrf_token": token,
            "day": f"2026-10-0{day}",
            "sleep_hours": "5" if day % 2 else "8",
            "supplements": "magnesium",
        }
        assert browser.post("/diary/days", data=day_form).status_code == 200
    assert (
        browser.post(
            "/diary/medications", data={"csrf_token": token, "name": "Propranolol", "start": "2026-10-03"}
        ).status_code
        == 200
    )
    assert (
        browser.post(
            "/diary/symptoms", data={"csrf_token": token, "day": "2026-10-04", "symptom": "fatigue", "severity": "3"}
        ).status_code
        == 200
    )
    for path, words in (
        ("/diary/days?date=2026-10-02", "magnesium"),
        ("/diary/medications", "Propranolol"),
        ("/diary/symptoms", "Tiredness"),
        ("/diary/assessments", "None yet"),
        ("/diary/analysis", "data:image/svg+xml;base64,"),
        ("/diary/report", "summary for the doctor"),
        ("/diary/import", "enctype"),
        ("/account", "Delete your account"),
    ):
        response = browser.get(path)
        assert response.status_code == 200 and words in response.text, path
    assert "<script>" not in browser.get("/diary/analysis").text
    pdf = browser.get("/diary/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert browser.get("/diary/export?format=csv").text.startswith("record,uid")


def test_save_assessment_from_a_result_link(browser: TestClient) -> None:
    """A result page's state (``s``) can be saved to the diary and shows up with its triage level."""
    from twitchcheck.engine.evidence import EvidenceItem
    from twitchcheck.web.pages.state import InterviewState, encode

    sign_up(browser)
    token = csrf_of(browser.get("/diary").text)
    state = InterviewState(age=30, sex=None, initial=(EvidenceItem("loc_eyelid", "present", None, "initial"),))
    response = browser.post("/diary/assessments", data={"csrf_token": token, "s": encode(state)})
    assert response.status_code == 200 and "Saved to your diary" in response.text


def test_logout_and_delete_account(browser: TestClient) -> None:
    """Signing out ends the session; deleting the account needs the password and then signs out."""
    email = sign_up(browser)
    token = csrf_of(browser.get("/account").text)
    wrong = browser.post("/account/delete", data={"csrf_token": token, "password": "not it"})
    assert wrong.status_code == 403 and "nothing was deleted" in wrong.text
    browser.post("/logout", data={"csrf_token": token})
    assert browser.get("/diary", follow_redirects=False).status_code == 303
    login_token = csrf_of(browser.get("/login").text)
    signed_in = browser.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": login_token, "next": "/account"}
    )
    assert signed_in.url.path == "/account"
    token = csrf_of(signed_in.text)
    deleted = browser.post("/account/delete", data={"csrf_token": token, "password": PASSWORD}, follow_redirects=False)
    assert deleted.status_code == 303
    again = browser.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": login_token})
    assert again.status_code == 401


def test_login_page_never_redirects_off_site(browser: TestClient) -> None:
    """After signing in, 'next' only leads to a page of this site."""
    email = sign_up(browser)
    token = csrf_of(browser.get("/account").text)
    browser.post("/logout", data={"csrf_token": token})
    login_token = csrf_of(browser.get("/login").text)
    form: dict[str, Any] = {"email": email, "password": PASSWORD, "csrf_token": login_token, "next": "//evil.example/x"}
    response = browser.post("/login", data=form, follow_redirects=False)
    assert response.headers["location"] == "/diary"


def test_result_link_asks_before_saving(browser: TestClient) -> None:
    """/diary/assessments/save?s=... shows the result and a form that saves it (after signing in)."""
    from twitchcheck.engine.evidence import EvidenceItem
    from twitchcheck.web.pages.state import InterviewState, encode

    state = encode(InterviewState(age=30, sex=None, initial=(EvidenceItem("loc_calf", "present", None, "initial"),)))
    first = browser.get(f"/diary/assessments/save?s={state}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/login?next=/diary/assessments/save")
    sign_up(browser)
    page = browser.get(f"/diary/assessments/save?s={state}")
    assert page.status_code == 200 and "Save to my diary" in page.text
    saved = browser.post("/diary/assessments", data={"csrf_token": csrf_of(page.text), "s": state})
    assert "Saved to your diary" in saved.text
