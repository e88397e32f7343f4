"""The diary API on both databases: entries, accounts, and bad input refused whole with a clear 4xx."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from twitchcheck.diary.db import Database

EPISODES = "/api/v1/diary/episodes"


def count(client: TestClient, headers: dict[str, str]) -> int:
    return len(client.get(EPISODES, headers=headers).json())


def test_episode_lifecycle(client: TestClient, auth: dict[str, str], episode: dict[str, Any]) -> None:
    """POST gives 201 with an id; GET, PATCH and DELETE work; the time keeps its offset."""
    created = client.post(EPISODES, json=episode, headers=auth)
    assert created.status_code == 201, created.text
    body = created.json()
    assert isinstance(body["id"], int) and created.headers["location"].endswith(f"/{body['id']}")
    assert body["occurred_at"] == "2026-11-01T21:15:00+01:00"
    assert {k: body[k] for k in episode} == episode
    got = client.get(f"{EPISODES}/{body['id']}", headers=auth).json()
    assert got == body
    patched = client.patch(f"{EPISODES}/{body['id']}", json={"intensity": 7, "notes": None}, headers=auth).json()
    assert patched["intensity"] == 7 and patched["notes"] is None and patched["count"] == 12
    listed = client.get(EPISODES, headers=auth)
    assert [e["id"] for e in listed.json()] == [body["id"]] and listed.headers["x-total-count"] == "1"
    assert client.delete(f"{EPISODES}/{body['id']}", headers=auth).status_code == 204
    assert client.get(f"{EPISODES}/{body['id']}", headers=auth).status_code == 404


def test_episode_input_is_forgiving_but_exact(
    client: TestClient, auth: dict[str, str], episode: dict[str, Any]
) -> None:
    """Knowledge-base spellings of body parts are accepted and stored as the diary's id."""
    for spelling in ("loc_calf", "Calf", "lower leg"):
        body = client.post(EPISODES, json=episode | {"body_part": spelling}, headers=auth).json()
        assert body["body_part"] == "calf"


def test_episode_list_filters(client: TestClient, auth: dict[str, str], episode: dict[str, Any]) -> None:
    """Episodes list in time order and filter by time range, body part and page."""
    for day, part in ((3, "calf"), (1, "eyelid"), (2, "calf")):
        client.post(
            EPISODES, json=episode | {"occurred_at": f"2026-10-0{day}T08:00:00+00:00", "body_part": part}, headers=auth
        )
    every = client.get(EPISODES, headers=auth).json()
    assert [e["occurred_at"][:10] for e in every] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    calves = client.get(EPISODES, params={"body_part": "calf"}, headers=auth).json()
    assert len(calves) == 2
    window = client.get(EPISODES, params={"from": "2026-10-02T00:00:00Z", "to": "2026-10-03T00:00:00Z"}, headers=auth)
    assert [e["occurred_at"][:10] for e in window.json()] == ["2026-10-02"]
    page = client.get(EPISODES, params={"limit": 1, "offset": 1}, headers=auth).json()
    assert [e["occurred_at"][:10] for e in page] == ["2026-10-02"]


def test_days_put_replaces_and_lists(client: TestClient, auth: dict[str, str]) -> None:
    """PUT /days/{date} records the factors (a second PUT replaces them); GET /days lists them."""
    first = {"sleep_hours": 5.5, "caffeine_mg": 300, "stress": 7, "supplements": ["Magnesium", " vitamin D "]}
    response = client.put("/api/v1/diary/days/2026-11-02", json=first, headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["supplements"] == ["magnesium", "vitamin d"]
    client.put("/api/v1/diary/days/2026-11-02", json={"sleep_hours": 8}, headers=auth)
    days = client.get("/api/v1/diary/days", headers=auth).json()
    assert len(days) == 1 and days[0]["sleep_hours"] == 8 and days[0]["caffeine_mg"] is None


def test_medications_symptoms_and_assessments(client: TestClient, auth: dict[str, str]) -> None:
    """Medicines (with a later stop date), symptoms and saved assessments are stored and listed."""
    from twitchcheck.service import assess_raw

    med = client.post(
        "/api/v1/diary/medications", json={"name": "Sertraline", "dose": "50 mg", "start": "2026-09-01"}, headers=auth
    )
    assert med.status_code == 201
    stopped = client.patch(f"/api/v1/diary/medications/{med.json()['id']}", json={"stop": "2026-10-01"}, headers=auth)
    assert stopped.json()["stop"] == "2026-10-01"
    assert [m["name"] for m in client.get("/api/v1/diary/medications", headers=auth).json()] == ["Sertraline"]
    symptom = client.post(
        "/api/v1/diary/symptoms",
        json={"date": "2026-10-02", "symptom": "Muscle feels weak", "severity": 3},
        headers=auth,
    )
    assert symptom.status_code == 201 and symptom.json()["symptom"] == "weakness"
    assessment = assess_raw({"age": 30, "evidence": [{"id": "loc_eyelid", "state": "present"}]}).to_json_dict()
    saved = client.post("/api/v1/diary/assessments", json=assessment, headers=auth)
    assert saved.status_code == 201 and saved.json()["triage_level"] == assessment["triage"]["level"]
    full = client.get(f"/api/v1/diary/assessments/{saved.json()['id']}", headers=auth).json()
    assert full["assessment"] == assessment


# --- Bad input: a clear 4xx in the one error shape, and nothing stored ---------------------------

FUTURE = (datetime.now(UTC) + timedelta(days=2)).isoformat(timespec="seconds")
BAD_EPISODES = {
    "intensity 11": {"intensity": 11},
    "intensity negative": {"intensity": -1},
    "intensity as text": {"intensity": "5"},
    "intensity as float": {"intensity": 4.5},
    "intensity as bool": {"intensity": True},
    "count as float": {"count": 2.5},
    "count zero": {"count": 0},
    "duration as text": {"duration_s": "long"},
    "time as number": {"occurred_at": 1730000000},
    "time not a date": {"occurred_at": "yesterday"},
    "time in the future": {"occurred_at": FUTURE},
    "unknown body part": {"body_part": "nose"},
    "body part as list": {"body_part": ["calf"]},
    "unknown side": {"side": "middle"},
    "unknown movement": {"movement": "wobble"},
    "1 MB of notes": {"notes": "x" * 1_000_000},
    "NUL in the notes": {"notes": "calf\x00twitch"},
    "unknown field": {"intesity": 3},
    "missing intensity": {"intensity": None},
}


@pytest.mark.parametrize("change", BAD_EPISODES.values(), ids=BAD_EPISODES.keys())
def test_bad_episode_is_refused_and_not_stored(
    client: TestClient, auth: dict[str, str], episode: dict[str, Any], check_error: Any, change: dict[str, Any]
) -> None:
    """Wrong types, future dates, intensity 11, 1 MB of notes, unknown body parts: 422 and nothing stored."""
    body = {k: v for k, v in (episode | change).items() if v is not None}
    response = client.post(EPISODES, json=body, headers=auth)
    error = check_error(response, 422)
    assert error["details"], "the details name the field"
    assert count(client, auth) == 0


def test_future_time_message_is_clear(
    client: TestClient, auth: dict[str, str], episode: dict[str, Any], check_error: Any
) -> None:
    """A time in the future is refused with code date_in_future naming the field."""
    error = check_error(
        client.post(EPISODES, json=episode | {"occurred_at": FUTURE}, headers=auth), 422, "date_in_future"
    )
    assert error["details"] == [{"field": "occurred_at", "problem": "is in the future"}]


def test_invalid_json_and_wrong_shape(client: TestClient, auth: dict[str, str], check_error: Any) -> None:
    """A body that is not JSON is 400 invalid_json; a JSON list instead of an object is 422."""
    headers = auth | {"Content-Type": "application/json"}
    check_error(client.post(EPISODES, content=b'{"intensity": ', headers=headers), 400, "invalid_json")
    check_error(client.post(EPISODES, json=[1, 2], headers=auth), 422)
    assert count(client, auth) == 0


def test_too_large_body_is_413(
    client: TestClient, auth: dict[str, str], episode: dict[str, Any], check_error: Any
) -> None:
    """A body over the size limit is refused before it is read (413)."""
    check_error(client.post(EPISODES, json=episode | {"notes": "x" * 3_000_000}, headers=auth), 413, "too_large")


def test_bad_patch_changes_nothing(
    client: TestClient, auth: dict[str, str], episode: dict[str, Any], check_error: Any
) -> None:
    """A PATCH with one bad field changes none of the fields."""
    episode_id = client.post(EPISODES, json=episode, headers=auth).json()["id"]
    check_error(client.patch(f"{EPISODES}/{episode_id}", json={"notes": "new", "intensity": 11}, headers=auth), 422)
    check_error(client.patch(f"{EPISODES}/{episode_id}", json={"intensity": None}, headers=auth), 422)
    assert client.get(f"{EPISODES}/{episode_id}", headers=auth).json()["notes"] == episode["notes"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/diary/days/2999-01-01", {"sleep_hours": 7}),
        ("/api/v1/diary/days/2026-11-01", {"sleep_hours": 25}),
        ("/api/v1/diary/days/2026-11-01", {"stress": 11}),
        ("/api/v1/diary/days/2026-11-01", {"caffeine_mg": "lots"}),
        ("/api/v1/diary/days/2026-11-01", {"supplements": ["a, b"]}),
        ("/api/v1/diary/days/not-a-date", {"sleep_hours": 7}),
    ],
)
def test_bad_day_is_refused(
    client: TestClient, auth: dict[str, str], check_error: Any, path: str, body: dict[str, Any]
) -> None:
    """Days in the future, out-of-range or mistyped factors are refused with 422 and not stored."""
    check_error(client.put(path, json=body, headers=auth), 422)
    assert client.get("/api/v1/diary/days", headers=auth).json() == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": "X", "start": "2999-01-01"},
        {"name": "X", "start": "2026-10-01", "stop": "2026-09-01"},
        {"name": "", "start": "2026-10-01"},
        {"name": "X"},
        {"name": "X", "start": 20261001},
        {"name": "Sert\x00raline", "start": "2026-10-01"},
    ],
)
def test_bad_medication_is_refused(
    client: TestClient, auth: dict[str, str], check_error: Any, body: dict[str, Any]
) -> None:
    """Future starts, stops before starts, empty or NUL-holding names, missing or mistyped dates: 422, none stored."""
    check_error(client.post("/api/v1/diary/medications", json=body, headers=auth), 422)
    assert client.get("/api/v1/diary/medications", headers=auth).json() == []


def test_not_an_assessment_is_refused(client: TestClient, auth: dict[str, str], check_error: Any) -> None:
    """Saving something that is not an assessment answers 422 invalid_assessment."""
    check_error(
        client.post("/api/v1/diary/assessments", json={"triage": {"level": "panic"}}, headers=auth),
        422,
        "invalid_assessment",
    )


# --- Accounts ------------------------------------------------------------------------------------


def test_register_and_login_errors(client: TestClient, check_error: Any) -> None:
    """A taken email 409 (worded to confirm nothing), bad email or short password 422, wrong password 401."""
    email = f"dup-{datetime.now().timestamp()}@example.org"
    assert client.post("/api/v1/auth/register", json={"email": email, "password": "long enough pw"}).status_code == 201
    check_error(
        client.post("/api/v1/auth/register", json={"email": email.upper(), "password": "long enough pw"}),
        409,
        "cannot_register",
    )
    check_error(
        client.post("/api/v1/auth/register", json={"email": "not-an-email", "password": "long enough pw"}),
        422,
        "invalid_email",
    )
    check_error(
        client.post("/api/v1/auth/register", json={"email": "a@b.org", "password": "short"}), 422, "weak_password"
    )
    check_error(
        client.post("/api/v1/auth/login", json={"email": email, "password": "wrong password"}),
        401,
        "invalid_credentials",
    )
    token = client.post("/api/v1/auth/login", json={"email": email, "password": "long enough pw"}).json()
    assert token["access_token"].startswith("tct_") and token["token_type"] == "bearer"


def test_only_token_hashes_are_stored(client: TestClient, db: Database) -> None:
    """The database holds the SHA-256 of a token and an Argon2 hash of the password, never the secrets."""
    from sqlalchemy import select

    from twitchcheck.diary import models as m

    email = f"hash-{datetime.now().timestamp()}@example.org"
    client.post("/api/v1/auth/register", json={"email": email, "password": "a secret phrase"})
    token = client.post("/api/v1/auth/login", json={"email": email, "password": "a secret phrase"}).json()[
        "access_token"
    ]
    with db.read() as session:
        user = session.scalar(select(m.User).where(m.User.email == email))
        assert user is not None and user.password_hash.startswith("$argon2id$")
        hashes = list(session.scalars(select(m.ApiToken.token_hash).where(m.ApiToken.user_id == user.id)))
    assert hashes and token not in hashes and all(len(h) == 64 for h in hashes)


def test_login_rate_limit_per_account_and_client(app: FastAPI, check_error: Any) -> None:
    """After 3 failures one client must wait (429 with Retry-After, even with the right password); others may not."""
    client = TestClient(app, client=("10.0.0.7", 4000))
    email = f"limit-{datetime.now().timestamp()}@example.org"
    client.post("/api/v1/auth/register", json={"email": email, "password": "the right one"})
    for _ in range(3):
        check_error(client.post("/api/v1/auth/login", json={"email": email, "password": "wrong"}), 401)
    locked = client.post("/api/v1/auth/login", json={"email": email, "password": "the right one"})
    check_error(locked, 429, "rate_limited")
    assert int(locked.headers["retry-after"]) > 0
    owner = TestClient(app, client=("10.0.0.9", 4000))
    assert owner.post("/api/v1/auth/login", json={"email": email, "password": "the right one"}).status_code == 200
    other = TestClient(app, client=("10.0.0.8", 4000))
    for i in range(20):
        other.post("/api/v1/auth/login", json={"email": f"nobody{i}@example.org", "password": "guess"})
    check_error(
        other.post("/api/v1/auth/login", json={"email": "x@example.org", "password": "guess"}), 429, "rate_limited"
    )


def test_logout_revokes_the_token(client: TestClient, make_user: Any, check_error: Any) -> None:
    """After POST /auth/logout the token no longer works."""
    headers = make_user()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    check_error(client.get("/api/v1/auth/me", headers=headers), 401, "invalid_token")


def test_time_zone_reads_times_without_offset(client: TestClient, make_user: Any, episode: dict[str, Any]) -> None:
    """A time sent without an offset is read in the account's time zone."""
    headers = make_user()
    assert client.patch("/api/v1/auth/me", json={"timezone": "America/New_York"}, headers=headers).status_code == 200
    body = client.post(EPISODES, json=episode | {"occurred_at": "2026-07-01T08:00:00"}, headers=headers).json()
    assert body["occurred_at"] == "2026-07-01T08:00:00-04:00"


def test_delete_account_deletes_everything(
    client: TestClient, db: Database, make_user: Any, episode: dict[str, Any], check_error: Any
) -> None:
    """DELETE /auth/account removes the person, their tokens and every diary row; others keep theirs."""
    from sqlalchemy import func, select

    from twitchcheck.diary import models as m

    keeper = make_user()
    client.post(EPISODES, json=episode, headers=keeper)
    headers = make_user()
    client.post(EPISODES, json=episode, headers=headers)
    client.put("/api/v1/diary/days/2026-11-01", json={"sleep_hours": 7}, headers=headers)
    client.post("/api/v1/diary/medications", json={"name": "X", "start": "2026-10-01"}, headers=headers)
    user_uid = client.get("/api/v1/auth/me", headers=headers).json()["id"]
    assert (
        client.request(
            "DELETE", "/api/v1/auth/account", json={"password": "correct horse battery"}, headers=headers
        ).status_code
        == 204
    )
    check_error(client.get(EPISODES, headers=headers), 401)
    with db.read() as session:
        assert session.scalar(select(m.User).where(m.User.uid == user_uid)) is None
        for model in (m.Episode, m.Day, m.Medication, m.ApiToken):
            orphans = session.scalar(
                select(func.count()).select_from(model).where(~model.user_id.in_(select(m.User.id)))
            )
            assert orphans == 0
    assert len(client.get(EPISODES, headers=keeper).json()) == 1


def test_symptom_with_a_nul_character_is_refused(client: TestClient, auth: dict[str, str], check_error: Any) -> None:
    """A NUL character in a symptom entry is a 422 on both databases (PostgreSQL cannot store one), nothing kept."""
    body = {"date": "2026-10-02", "symptom": "weakness", "notes": "left\x00hand"}
    check_error(client.post("/api/v1/diary/symptoms", json=body, headers=auth), 422)
    assert client.get("/api/v1/diary/symptoms", headers=auth).json() == []
