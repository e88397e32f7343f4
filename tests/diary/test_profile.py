"""The report profile (name, year of birth, sex, when it began) stored on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from twitchcheck.diary.db import Database
from twitchcheck.diary.profile import onset_date

PROFILE = {"display_name": "Alex Example", "birth_year": 2002, "sex": "female", "twitching_began": "mid October 2026"}


def test_migration_adds_the_profile_and_drinks_columns(db: Database) -> None:
    """Migration 0004 adds the optional profile columns to users and the drinks to days."""
    columns = inspect(db.engine)
    users = {c["name"]: c for c in columns.get_columns("users")}
    days = {c["name"] for c in columns.get_columns("days")}
    for name in ("display_name", "birth_year", "sex", "twitching_began"):
        assert users[name]["nullable"], name
    assert {"coffee_cups", "tea_cups", "energy_drinks"} <= days


def test_profile_round_trip(client: TestClient, make_user: Any) -> None:
    """PUT then GET /api/v1/diary/profile gives back what was stored; a new account's profile is empty."""
    headers = make_user()
    assert client.get("/api/v1/diary/profile", headers=headers).json() == dict.fromkeys(PROFILE)
    stored = client.put("/api/v1/diary/profile", json=PROFILE, headers=headers)
    assert stored.status_code == 200 and stored.json() == PROFILE
    assert client.get("/api/v1/diary/profile", headers=headers).json() == PROFILE
    cleared = client.put("/api/v1/diary/profile", json={"sex": "male"}, headers=headers).json()
    assert cleared == dict.fromkeys(PROFILE) | {"sex": "male"}


@pytest.mark.parametrize(
    "body",
    [
        {"birth_year": date.today().year + 1},
        {"birth_year": "2002"},
        {"sex": "unknown"},
        {"display_name": "x" * 201},
        {"display_name": "Al\x00ex"},
        {"nickname": "Al"},
    ],
)
def test_bad_profile_is_refused(client: TestClient, make_user: Any, check_error: Any, body: dict[str, Any]) -> None:
    """A future year, a year as text, an unknown sex, a long or NUL-holding name, an unknown field: 422, no change."""
    headers = make_user()
    client.put("/api/v1/diary/profile", json=PROFILE, headers=headers)
    check_error(client.put("/api/v1/diary/profile", json=body, headers=headers), 422)
    assert client.get("/api/v1/diary/profile", headers=headers).json() == PROFILE


def test_profile_is_private(client: TestClient, make_user: Any) -> None:
    """One person's profile is not another's."""
    first, second = make_user(), make_user()
    client.put("/api/v1/diary/profile", json=PROFILE, headers=first)
    assert client.get("/api/v1/diary/profile", headers=second).json()["display_name"] is None


def test_profile_page_and_report_header(app: FastAPI) -> None:
    """The profile form saves; the report page then shows the name, age, sex and when it began."""
    browser = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/register").text)
    assert token
    password = "a good long password"
    form = {"email": f"p-{uuid.uuid4().hex[:8]}@example.org", "password": password, "confirm": password}
    assert browser.post("/register", data=form | {"timezone": "UTC", "csrf_token": token.group(1)}).status_code == 201
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/account/profile").text)
    assert csrf
    saved = browser.post(
        "/account/profile", data={"csrf_token": csrf.group(1), **{k: str(v) for k, v in PROFILE.items()}}
    )
    assert saved.status_code == 200 and 'value="Alex Example"' in saved.text
    bad = browser.post("/account/profile", data={"csrf_token": csrf.group(1), "birth_year": "1850"})
    assert bad.status_code == 422 and "birth_year" in bad.text
    report = browser.get("/diary/report").text
    age = date.today().year - 2002
    assert "Alex Example" in report and f"born 2002 ({age} this year)" in report and "female" in report
    assert "mid October 2026" in report


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-15", date(2026, 10, 15)),
        ("2026-10", date(2026, 10, 1)),
        ("October 2026", date(2026, 10, 1)),
        ("late sept 2025", date(2025, 9, 1)),
        ("since my exams", None),
        ("2999-01-01", None),
    ],
)
def test_onset_date_reads_dates_months_and_words(text: str, expected: date | None) -> None:
    """'When it began' reads as a date when it names one (a month as its first day), otherwise not."""
    assert onset_date(text, today=date(2026, 12, 3)) == expected


def test_drinks_are_stored_with_the_day(client: TestClient, make_user: Any, db: Database) -> None:
    """A day's drinks are kept beside its caffeine total (the day form refills its taps from them)."""
    from sqlalchemy import select

    from twitchcheck.diary import models as m

    headers = make_user()
    body = {"coffee_cups": 2, "energy_drinks": 1, "caffeine_mg": 300}
    day = client.put("/api/v1/diary/days/2026-11-03", json=body, headers=headers)
    assert day.status_code == 200 and day.json()["caffeine_mg"] == 300
    uid = client.get("/api/v1/auth/me", headers=headers).json()["id"]
    with db.read() as session:
        user_id = session.scalar(select(m.User.id).where(m.User.uid == uid))
        row = session.scalar(select(m.Day).where(m.Day.user_id == user_id))
        assert row is not None and (row.coffee_cups, row.tea_cups, row.energy_drinks) == (2, None, 1)
