"""The diary's day form (taps, sliders, drinks to mg), quick 'when' choices, warning signs and the reminder."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar

from twitchcheck.service import assess

PASSWORD = "a good long password"
ZONE = "Europe/Berlin"
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # storage on both: test_profile.py


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


@pytest.fixture
def person(app: FastAPI) -> tuple[TestClient, str]:
    """A browser signed in as a new person (time zone Europe/Berlin), and its CSRF token."""
    browser = TestClient(app)
    token = csrf_of(browser.get("/register").text)
    email = f"day-{uuid.uuid4().hex[:8]}@example.org"
    form = {"email": email, "password": PASSWORD, "confirm": PASSWORD, "timezone": ZONE, "csrf_token": token}
    assert browser.post("/register", data=form).status_code == 201
    return browser, csrf_of(browser.get("/diary").text)


def stored_day(browser: TestClient, day: str) -> dict[str, Any]:
    export = browser.get("/diary/export?format=json").json()
    return next(d for d in export["days"] if d["date"] == day)


def test_drinks_become_caffeine_mg(person: tuple[TestClient, str]) -> None:
    """Three coffees, a tea and an energy drink are stored as 3x90 + 50 + 80 mg, with other caffeine added."""
    browser, token = person
    form = {"csrf_token": token, "day": "2026-11-20", "coffee_cups": "3", "tea_cups": "1", "energy_drinks": "1"}
    form |= {
        "other_caffeine_mg": "40",
        "sleep_hours": "6.5",
        "stress": "7",
        "sleep_hours_unset": "",
        "stress_unset": "",
    }
    response = browser.post("/diary/days", data=form, follow_redirects=False)
    assert response.status_code == 303
    day = stored_day(browser, "2026-11-20")
    assert day["caffeine_mg"] == 3 * 90 + 50 + 80 + 40
    assert day["sleep_hours"] == 6.5 and day["stress"] == 7
    page = browser.get("/diary/days?date=2026-11-20").text
    assert 'id="coffee_cups-3" name="coffee_cups" value="3" checked' in page
    assert 'id="other_caffeine_mg" name="other_caffeine_mg"' in page and 'value="40"' in page


def test_sliders_left_unrecorded_store_nothing(person: tuple[TestClient, str]) -> None:
    """A slider whose 'not recorded' box stays ticked stores no value, whatever position it sends."""
    browser, token = person
    form = {"csrf_token": token, "day": "2026-11-21", "sleep_hours": "7", "sleep_hours_unset": "1"}
    form |= {"stress": "0", "stress_unset": "1", "coffee_cups": ""}
    assert browser.post("/diary/days", data=form, follow_redirects=False).status_code == 303
    day = stored_day(browser, "2026-11-21")
    assert day["sleep_hours"] is None and day["stress"] is None and day["caffeine_mg"] is None


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("coffee_cups", "40", "coffee_cups"), ("stress", "11", "stress"), ("other_caffeine_mg", "lots", "caffeine_mg")],
)
def test_bad_day_form_is_refused_whole(person: tuple[TestClient, str], field: str, value: str, words: str) -> None:
    """An impossible tap or slider value is refused with the field named, and nothing is stored."""
    browser, token = person
    form = {"csrf_token": token, "day": "2026-11-22", "sleep_hours": "8", field: value}
    response = browser.post("/diary/days", data=form)
    assert response.status_code == 422 and words in response.text
    assert browser.get("/diary/export?format=json").json()["days"] == []


def test_api_takes_drinks_too(make_user: Any, client: TestClient) -> None:
    """PUT /api/v1/diary/days counts drinks into caffeine_mg; a total below the drinks' caffeine is a 422."""
    headers = make_user()
    ok = client.put("/api/v1/diary/days/2026-11-02", json={"coffee_cups": 2, "tea_cups": 1}, headers=headers)
    assert ok.status_code == 200 and ok.json()["caffeine_mg"] == 230
    low = client.put("/api/v1/diary/days/2026-11-02", json={"coffee_cups": 2, "caffeine_mg": 100}, headers=headers)
    assert low.status_code == 422 and "180 mg" in str(low.json()["error"])


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("last_night", (-1, 23)), ("yesterday", (-1, 12))],
)
def test_quick_when_choices(person: tuple[TestClient, str], choice: str, expected: tuple[int, int]) -> None:
    """'Last night' is 23:00 and 'yesterday' 12:00 the day before, in the person's time zone."""
    browser, token = person
    form = {"csrf_token": token, "when": choice, "occurred_at": "", "body_part": "calf", "side": "left"}
    form |= {"movement": "fasciculation", "intensity": "3", "timezone": ZONE}
    assert browser.post("/diary/episodes", data=form, follow_redirects=False).status_code == 303
    episode = browser.get("/diary/export?format=json").json()["episodes"][-1]
    moment = datetime.fromisoformat(episode["occurred_at"]).astimezone(ZoneInfo(ZONE))
    today = datetime.now(ZoneInfo(ZONE)).date()
    assert (moment.date() - today).days == expected[0] and (moment.hour, moment.minute) == (expected[1], 0)


def test_warning_sign_symptom_gets_the_checks_triage(person: tuple[TestClient, str]) -> None:
    """Logging muscle wasting shows the assessment's own level, time frame and reason instead of 'Saved.'."""
    browser, token = person
    expected = assess(evidence=[{"id": "muscle_wasting", "state": "present"}]).triage
    today = datetime.now(ZoneInfo(ZONE)).date().isoformat()
    form = {"csrf_token": token, "day": today, "symptom": "muscle_wasting"}
    page = browser.post("/diary/symptoms", data=form).text
    assert 'class="triage level-soon entry-triage"' in page and expected.level == "soon"
    assert expected.label in page and expected.time_frame in page and expected.reasons[0] in page
    assert '<p class="notice" role="status">Saved.</p>' not in page


def test_ordinary_symptom_just_saves(person: tuple[TestClient, str]) -> None:
    """A symptom that is no warning sign is simply saved."""
    browser, token = person
    page = browser.post("/diary/symptoms", data={"csrf_token": token, "day": "2026-11-20", "symptom": "fatigue"}).text
    assert "Saved." in page and "entry-triage" not in page


def test_two_recent_warning_signs_count_together(person: tuple[TestClient, str]) -> None:
    """Trouble breathing after weakness logged days before gets the check's answer for both: an ambulance."""
    browser, token = person
    today = datetime.now(ZoneInfo(ZONE)).date()
    browser.post(
        "/diary/symptoms", data={"csrf_token": token, "day": str(today - timedelta(days=3)), "symptom": "weakness"}
    )
    page = browser.post(
        "/diary/symptoms", data={"csrf_token": token, "day": str(today), "symptom": "breathing_difficulty"}
    ).text
    both = assess(evidence=[{"id": f, "state": "present"} for f in ("breathing_difficulty", "weakness")]).triage
    assert both.level == "emergency" and f"level-{both.level}" in page and both.time_frame in page


def test_episode_notes_with_a_warning_sign(person: tuple[TestClient, str]) -> None:
    """An episode whose notes say a muscle looks thinner gets the check's advice; plain notes just save."""
    browser, token = person
    form = {"csrf_token": token, "when": "now", "body_part": "calf", "side": "left", "movement": "fasciculation"}
    form |= {"intensity": "4", "notes": "my left calf looks thinner than the right"}
    page = browser.post("/diary/episodes", data=form).text
    assert "entry-triage" in page and "Muscle wasting" in page
    plain = browser.post("/diary/episodes", data=form | {"notes": "after a long run"}).text
    assert "entry-triage" not in plain and "Saved." in plain


def test_api_symptom_answers_with_triage(make_user: Any, client: TestClient) -> None:
    """POST /api/v1/diary/symptoms answers a warning sign with the assessment's triage, others without one."""
    headers = make_user()
    body = {"date": date.today().isoformat(), "symptom": "seizure"}
    created = client.post("/api/v1/diary/symptoms", json=body, headers=headers).json()
    expected = assess(evidence=[{"id": "seizure", "state": "present"}]).triage
    assert created["triage"]["level"] == expected.level == "emergency"
    assert created["triage"]["reasons"] == expected.reasons
    other = client.post("/api/v1/diary/symptoms", json=body | {"symptom": "fatigue"}, headers=headers).json()
    assert "triage" not in other
    episode = {"occurred_at": "2026-11-01T21:15:00+01:00", "body_part": "calf", "side": "left"}
    episode |= {"movement": "fasciculation", "intensity": 3, "notes": "I can't swallow properly since yesterday"}
    logged = client.post("/api/v1/diary/episodes", json=episode, headers=headers).json()
    assert logged["triage"]["level"] == "soon" and "Trouble swallowing" in logged["triage"]["signs"]


def test_symptoms_page_says_what_the_check_says(person: tuple[TestClient, str]) -> None:
    """The symptoms page groups warning signs by the check's advice: a seizure is 'call an ambulance'."""
    browser, _ = person
    page = browser.get("/diary/symptoms").text
    ambulance = re.search(r"<li><strong>Call an ambulance</strong>: ([^<]*)</li>", page)
    assert ambulance and "seizure" in ambulance.group(1)


def test_reminder_is_a_daily_calendar_event(person: tuple[TestClient, str]) -> None:
    """The reminder is an RFC 5545 calendar: one daily event at the chosen local time, with an alarm."""
    browser, _ = person
    response = browser.get("/diary/reminder.ics?time=07:30")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1 and calendar["VERSION"] == "2.0" and calendar["PRODID"]
    event = events[0]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (7, 30) and str(start.tzinfo) == ZONE
    assert event["RRULE"]["FREQ"] == ["DAILY"] and event["UID"] and event.decoded("DTSTAMP")
    assert list(event.walk("VALARM")) and list(calendar.walk("VTIMEZONE"))
    assert browser.get("/diary/reminder.ics?time=25:99").status_code == 422


def test_menu_has_one_row_of_four_and_more(person: tuple[TestClient, str]) -> None:
    """The diary menu shows four places and folds the rest under 'More' (a details element, no script)."""
    browser, _ = person
    nav = browser.get("/diary").text.split('<nav class="diary-nav"', 1)[1].split("</nav>", 1)[0]
    top = nav.split("<details", 1)[0]
    assert top.count("<a href=") == 4 and "<summary>More</summary>" in nav
    assert "/diary/symptoms" in nav and "/account/profile" in nav
