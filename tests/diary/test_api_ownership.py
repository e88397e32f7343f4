"""Ownership: one person can never see or change another's diary, on every route and both databases."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

ASSESSMENT = {
    "evidence": [{"id": "weakness", "state": "absent", "source": "asked"}],
    "movement": [{"id": "fasciculation", "probability": 1.0}],
    "conditions": [{"id": "benign_fasciculation", "name": "Benign fasciculations", "probability": 1.0}],
    "triage": {"level": "self_care", "time_frame": "", "clinician": "gp", "reasons": [], "red_flags": []},
}


@pytest.fixture
def owner_records(client: TestClient, make_user: Any, episode: dict[str, Any]) -> dict[str, Any]:
    """One person's records of every kind: their ids and the secret words in them."""
    headers = make_user()
    ids: dict[str, Any] = {"headers": headers}
    secret = "SECRET-" + headers["Authorization"][-8:]
    ids["episode"] = client.post("/api/v1/diary/episodes", json=episode | {"notes": secret}, headers=headers).json()[
        "id"
    ]
    day = {"sleep_hours": 6.5, "notes": secret}
    assert client.put("/api/v1/diary/days/2026-11-01", json=day, headers=headers).status_code == 200
    med = {"name": secret, "dose": "50 mg", "start": "2026-10-01"}
    ids["medication"] = client.post("/api/v1/diary/medications", json=med, headers=headers).json()["id"]
    symptom = {"date": "2026-11-01", "symptom": "fatigue", "notes": secret}
    ids["symptom"] = client.post("/api/v1/diary/symptoms", json=symptom, headers=headers).json()["id"]
    ids["assessment"] = client.post("/api/v1/diary/assessments", json=ASSESSMENT, headers=headers).json()["id"]
    ids["secret"] = secret
    return ids


ROUTES = [
    ("GET", "/api/v1/diary/episodes/{episode}", None),
    ("PATCH", "/api/v1/diary/episodes/{episode}", {"intensity": 9}),
    ("DELETE", "/api/v1/diary/episodes/{episode}", None),
    ("GET", "/api/v1/diary/medications/{medication}", None),
    ("PATCH", "/api/v1/diary/medications/{medication}", {"stop": "2026-11-02"}),
    ("DELETE", "/api/v1/diary/medications/{medication}", None),
    ("GET", "/api/v1/diary/symptoms/{symptom}", None),
    ("DELETE", "/api/v1/diary/symptoms/{symptom}", None),
    ("GET", "/api/v1/diary/assessments/{assessment}", None),
    ("DELETE", "/api/v1/diary/assessments/{assessment}", None),
    ("GET", "/api/v1/diary/days/2026-11-01", None),
    ("DELETE", "/api/v1/diary/days/2026-11-01", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_other_persons_record_is_404(
    client: TestClient,
    *,
    make_user: Any,
    owner_records: dict[str, Any],
    check_error: Any,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    """Another person's id answers 404 with the error shape, never their data, and changes nothing."""
    intruder = make_user()
    url = path.format(**owner_records)
    response = client.request(method, url, json=body, headers=intruder)
    error = check_error(response, 404, "not_found")
    assert owner_records["secret"] not in response.text
    assert "SECRET" not in str(error)
    still = client.get(url, headers=owner_records["headers"]) if method != "GET" else response
    if method != "GET":
        assert still.status_code == 200, "the owner's record must be untouched"
        if method == "PATCH" and "episodes" in url:
            assert still.json()["intensity"] == 4


LISTS = [
    "/api/v1/diary/episodes",
    "/api/v1/diary/days",
    "/api/v1/diary/medications",
    "/api/v1/diary/symptoms",
    "/api/v1/diary/assessments",
    "/api/v1/diary/analysis",
    "/api/v1/diary/export?format=json",
    "/api/v1/diary/export?format=csv",
    "/api/v1/diary/export?format=fhir",
]


@pytest.mark.parametrize("path", LISTS)
def test_lists_and_exports_hold_only_own_records(
    client: TestClient, make_user: Any, owner_records: dict[str, Any], path: str
) -> None:
    """Lists, analysis and exports of another person contain nothing of the owner's."""
    intruder = make_user()
    response = client.get(path, headers=intruder)
    assert response.status_code == 200, response.text
    assert owner_records["secret"] not in response.text
    if path.endswith("episodes") or path.endswith("medications"):
        assert response.json() == []


@pytest.mark.slow  # a PDF or a statistics cross-check: left out of the quick tier
def test_report_pdf_of_another_person_is_their_own(
    client: TestClient, make_user: Any, owner_records: dict[str, Any]
) -> None:
    """The report of a person with an empty diary shows no episodes of anyone else."""
    intruder = make_user()
    response = client.get("/api/v1/diary/report.pdf", headers=intruder)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert owner_records["secret"].encode() not in response.content


def test_ids_that_never_existed_are_404(client: TestClient, auth: dict[str, str], check_error: Any) -> None:
    """Unknown and out-of-range ids answer 404 like another person's."""
    for record_id in (999_999_999, 2**40):
        check_error(client.get(f"/api/v1/diary/episodes/{record_id}", headers=auth), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/diary/episodes"),
        ("POST", "/api/v1/diary/episodes"),
        ("GET", "/api/v1/diary/report.pdf"),
        ("PUT", "/api/v1/diary/days/2026-11-01"),
        ("GET", "/api/v1/diary/export"),
        ("POST", "/api/v1/diary/import"),
        ("DELETE", "/api/v1/auth/account"),
    ],
)
def test_routes_need_a_token(client: TestClient, check_error: Any, method: str, path: str) -> None:
    """Without a bearer token, or with a wrong one, the diary answers 401 in the error shape."""
    check_error(client.request(method, path, json={}), 401, "unauthorized")
    bad = {"Authorization": "Bearer tct_not-a-real-token"}
    response = client.request(method, path, json={}, headers=bad)
    check_error(response, 401, "invalid_token")
    assert response.headers["www-authenticate"] == "Bearer"
