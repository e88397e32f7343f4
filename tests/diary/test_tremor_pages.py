"""The /tremor page's "Save to my diary" without JavaScript: signed in, CSRF-checked, all or nothing."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from twitchcheck.diary import models as m
from twitchcheck.diary.db import Database
from twitchcheck.tremor.synthetic import Synthetic

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
PASSWORD = "correct horse battery"
CSV = Synthetic(frequency_hz=7.5, amplitude_m_s2=0.4, seed=21).csv()


@pytest.fixture
def browser(db: Database) -> TestClient:
    """A fresh browser on the whole web app (tremor pages and diary) with the test database."""
    from twitchcheck.web.app import create_app

    app = create_app()
    app.state.diary_db = db
    return TestClient(app)


def field(page: str, name: str) -> str:
    """The value of a hidden form field."""
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"the page has a {name} field"
    return html.unescape(match.group(1))


def sign_up(client: TestClient) -> None:
    """Register through the form; the client is then signed in."""
    token = field(client.get("/register").text, "csrf_token")
    email = f"tremor-{uuid.uuid4().hex[:8]}@example.org"
    form = {"email": email, "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token, "timezone": "Asia/Tokyo"}
    assert client.post("/register", data=form).status_code == 201


def upload(client: TestClient) -> str:
    """Measure the CSV through the page's upload form (no JavaScript); the page with the result."""
    response = client.post("/tremor/upload", files={"file": ("Raw Data.csv", CSV, "text/csv")}, data={"task": "rest"})
    assert response.status_code == 200 and "7.5 Hz" in response.text
    return response.text


def stored(db: Database) -> int:
    """How many tremor measurements are stored, of everyone."""
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(m.TremorRecording)) or 0)


def test_signed_in_upload_can_be_saved(browser: TestClient, db: Database) -> None:
    """Signed in, the upload's result offers Save to my diary; saving stores it at local time and the page says so."""
    sign_up(browser)
    page = upload(browser)
    assert 'id="save-form"' in page
    before = stored(db)
    form = {"csrf_token": field(page, "csrf_token"), "measurements": field(page, "measurements"), "note": "tea only"}
    response = browser.post("/tremor/save", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/tremor?saved=1"
    assert stored(db) == before + 1
    with db.read() as session:
        row = session.scalars(select(m.TremorRecording).order_by(m.TremorRecording.id.desc())).first()
        assert row is not None and row.task == "rest" and row.note == "tea only"
        assert row.utc_offset_min == 9 * 60, "kept at the person's local time (Tokyo)"
    assert 'id="saved-note"' in browser.get("/tremor?saved=1").text


def test_save_needs_the_csrf_token_and_an_intact_measurement(browser: TestClient, db: Database) -> None:
    """A wrong CSRF token is refused (403), a damaged measurement too (422); nothing is stored."""
    sign_up(browser)
    page = upload(browser)
    before = stored(db)
    good = {"csrf_token": field(page, "csrf_token"), "measurements": field(page, "measurements")}
    assert browser.post("/tremor/save", data=good | {"csrf_token": "x" * 43}).status_code == 403
    damaged = good | {"measurements": field(page, "measurements").replace('"verdict"', '"colour"')}
    assert browser.post("/tremor/save", data=damaged).status_code == 422
    assert browser.post("/tremor/save", data=good | {"measurements": "[]"}).status_code == 422
    assert stored(db) == before


def test_signed_out_visitors_are_offered_sign_in(browser: TestClient) -> None:
    """Not signed in, the result has a sign-in link instead of the form, and posting goes to sign-in."""
    page = upload(browser)
    assert 'id="save-signin"' in page and 'id="save-form"' not in page
    response = browser.post("/tremor/save", data={"measurements": "[]"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
