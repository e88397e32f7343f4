"""Hostile and unlucky input to the diary API: a 4xx in the one error shape, never a 500, nothing half-stored."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from twitchcheck.diary import export

EPISODES = "/api/v1/diary/episodes"
IMPORT = "/api/v1/diary/import"
EXTREME_TIMES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59"]
ASSESSMENT = {"triage": {"level": "routine"}, "conditions": [], "movement": [], "evidence": []}


def export_of(client: TestClient, headers: dict[str, str], fmt: str = "json") -> str:
    return client.get("/api/v1/diary/export", params={"format": fmt}, headers=headers).text


@pytest.mark.parametrize("moment", EXTREME_TIMES)
def test_extreme_offsets_in_an_episode_are_422(
    client: TestClient, auth: dict[str, str], episode: dict[str, Any], check_error: Any, moment: str
) -> None:
    """An episode at the edge of the calendar with an offset is a 422 naming occurred_at, not a 500."""
    error = check_error(client.post(EPISODES, json=episode | {"occurred_at": moment}, headers=auth), 422)
    assert "occurred_at" in json.dumps(error)
    first = client.post(EPISODES, json=episode, headers=auth).json()["id"]
    error = check_error(client.patch(f"{EPISODES}/{first}", json={"occurred_at": moment}, headers=auth), 422)
    assert "occurred_at" in json.dumps(error)


@pytest.mark.parametrize("moment", EXTREME_TIMES[:2])
@pytest.mark.parametrize("name", ["from", "to"])
def test_extreme_offsets_in_filters_are_422(
    client: TestClient, auth: dict[str, str], check_error: Any, moment: str, name: str
) -> None:
    """A list filter at the edge of the calendar is a 422 naming the filter, not a 500."""
    error = check_error(client.get(EPISODES, params={name: moment}, headers=auth), 422)
    assert name in json.dumps(error)


@pytest.mark.parametrize("moment", EXTREME_TIMES)
def test_extreme_offsets_in_an_import_are_422_and_nothing_is_stored(
    client: TestClient, auth: dict[str, str], episode: dict[str, Any], check_error: Any, moment: str
) -> None:
    """An import with an overflowing time (episode or saved assessment) is refused whole with a 422."""
    before = export_of(client, auth)
    good = episode | {"uid": "a" * 32}
    for data in (
        {"episodes": [good, episode | {"occurred_at": moment}]},
        {"episodes": [good], "assessments": [{"uid": "b" * 32, "saved_at": moment, "assessment": ASSESSMENT}]},
    ):
        body = {"format": "twitchcheck-diary", "version": 1} | data
        check_error(client.post(IMPORT, json=body, headers=auth), 422, "invalid_import")
    assert export_of(client, auth) == before


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_json_import_is_4xx(
    client: TestClient, auth: dict[str, str], check_error: Any, depth: int
) -> None:
    """A JSON import nested thousands of levels deep is a 400 in the error shape, not a RecursionError."""
    body = '{"format": "twitchcheck-diary", "episodes": ' + "[" * depth + "]" * depth + "}"
    error = check_error(
        client.post(IMPORT, content=body.encode(), headers=auth | {"Content-Type": "application/json"}), 400
    )
    assert "nested" in error["message"]


def test_csv_field_over_128_kb_is_422(client: TestClient, auth: dict[str, str], check_error: Any) -> None:
    """A CSV import with a field over 128 KB is a 422 naming the line, not a csv.Error."""
    body = "record,notes\nepisode," + "x" * 140_000 + "\n"
    error = check_error(client.post(IMPORT, content=body.encode(), headers=auth | {"Content-Type": "text/csv"}), 422)
    assert "line" in error["message"] and "too long" in error["message"]


@pytest.mark.parametrize("uid", ["<junk>", "A" * 32, "a" * 31, "", 42, "'; DROP TABLE assessments; --"])
def test_import_checks_assessment_uids(client: TestClient, auth: dict[str, str], check_error: Any, uid: Any) -> None:
    """An imported assessment with a junk uid is refused (like other records) and the FHIR export still works."""
    body = {
        "format": "twitchcheck-diary",
        "version": 1,
        "assessments": [{"uid": uid, "saved_at": "2025-11-01T00:00:00+00:00", "assessment": ASSESSMENT}],
    }
    error = check_error(client.post(IMPORT, json=body, headers=auth), 422, "invalid_import")
    assert "assessments[0].uid" in json.dumps(error)
    assert client.get("/api/v1/diary/export", params={"format": "fhir"}, headers=auth).status_code == 200


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "+1", "\tx", "\rx"]
FORMULAS += ["'=already quoted", "'plain quote", "= spaced", "ok -2+3"]


def test_csv_export_neutralises_formulas_and_round_trips(
    client: TestClient, make_user: Any, episode: dict[str, Any]
) -> None:
    """CSV cells that a spreadsheet would run start with a quote; re-importing restores them byte for byte."""
    headers = make_user()
    for note in FORMULAS:
        assert client.post(EPISODES, json=episode | {"notes": note}, headers=headers).status_code == 201
    client.post(
        "/api/v1/diary/medications", json={"name": "=cmd()", "dose": "-5 mg", "start": "2025-01-01"}, headers=headers
    )
    client.put("/api/v1/diary/days/2025-01-02", json={"supplements": ["@magnesium"]}, headers=headers)
    text = export_of(client, headers, "csv")
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(tuple(export.FORMULA_STARTS)), cell
    other = make_user()
    response = client.post(IMPORT, content=text.encode(), headers=other | {"Content-Type": "text/csv"})
    assert response.status_code == 200, response.text
    assert export_of(client, other, "csv") == text
    notes = {e["notes"] for e in client.get(EPISODES, headers=other).json()}
    assert notes == {n.strip() for n in FORMULAS}


@pytest.mark.parametrize("text", [*FORMULAS, "", "'", "''", "plain", "2026-01-01"])
def test_formula_neutralising_is_reversible(text: str) -> None:
    """Neutralising a cell then restoring it gives the same text, and no neutralised cell starts a formula."""
    safe = export.neutralise_cell(text)
    assert not safe.startswith(tuple(export.FORMULA_STARTS))
    assert export.restore_cell(safe) == text


def test_deeply_nested_assessment_is_refused(client: TestClient, auth: dict[str, str], check_error: Any) -> None:
    """An 'assessment' nested 300 levels deep is refused (422); once stored it could never be shown again."""
    deep: Any = []
    for _ in range(300):
        deep = [deep]
    body = ASSESSMENT | {"extra": deep}
    check_error(client.post("/api/v1/diary/assessments", json=body, headers=auth), 422, "invalid_assessment")
    assert client.get("/api/v1/diary/assessments", headers=auth).json() == []


def test_a_whole_assessment_with_a_wrong_part_is_refused(
    client: TestClient, auth: dict[str, str], check_error: Any
) -> None:
    """A saved assessment that has every part is checked by the engine's model: a bad probability is a 422."""
    from twitchcheck.service import assess_raw

    good = assess_raw({"age": 30, "evidence": [{"id": "loc_calf", "state": "present"}]}).to_json_dict()
    assert client.post("/api/v1/diary/assessments", json=good, headers=auth).status_code == 201
    bad = {**good, "conditions": [{**good["conditions"][0], "probability": "high"}]}
    check_error(client.post("/api/v1/diary/assessments", json=bad, headers=auth), 422, "invalid_assessment")
