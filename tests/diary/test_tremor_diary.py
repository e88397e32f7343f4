"""Tremor measurements in the diary: storage on SQLite and PostgreSQL, the API, ownership and validation."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from twitchcheck.accounts.service import local_user
from twitchcheck.diary import models as m
from twitchcheck.diary import tremor_store as store
from twitchcheck.diary.db import Database
from twitchcheck.tremor import analyse
from twitchcheck.tremor.synthetic import Synthetic
from twitchcheck.web.api.diary_tremor import TremorListItem, TremorRecordOut

TREMOR = "/api/v1/diary/tremor"


def recording_json(**kwargs: Any) -> dict[str, Any]:
    """A synthetic recording as the API's JSON columns."""
    t, x, y, z = Synthetic(**kwargs).columns()
    return {"t": t.tolist(), "x": x.tolist(), "y": y.tolist(), "z": z.tolist()}


@pytest.fixture(scope="module")
def five_hz() -> dict[str, Any]:
    """A 20 s, 100 Hz recording of a steady 5 Hz tremor of 0.5 m/s² RMS."""
    return recording_json(frequency_hz=5.0, amplitude_m_s2=0.5, seed=3)


def count_rows(db: Database) -> int:
    """All stored tremor measurements, of everyone."""
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(m.TremorRecording)) or 0)


def test_store_and_read_back_on_both_databases(db: Database) -> None:
    """A measurement is stored with its date, task, figures, spectrum and trace, and read back unchanged."""
    result = analyse(Synthetic(frequency_hz=6.0, amplitude_m_s2=0.4, seed=1).recording(), "postural")
    when = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    entry = store.entry_from_result(result, note="before coffee", recorded_at=when)
    with db.write() as session:
        user = local_user(session)
        row = store.add_tremor(session, user=user, entry=entry)
        row_id, user_id = row.id, user.id
    with db.read() as session:
        back = store.tremor_dict(store.get_tremor(session, user_id=user_id, tremor_id=row_id))
    assert back["recorded_at"] == "2026-11-02T09:30:00+00:00"
    assert back["task"] == "postural" and back["verdict"] == "tremor" and back["stands_out"] is True
    assert back["frequency_hz"] == result.frequency_hz and abs(back["frequency_hz"] - 6.0) < 0.3
    assert back["amplitude_m_s2"] == result.amplitude_m_s2 and back["steady"] is True
    assert result.spectrum is not None and back["spectrum"] == result.spectrum.model_dump()
    assert result.trace is not None and back["trace"] == result.trace.model_dump()
    assert back["evidence"] == [e.model_dump(mode="json") for e in result.evidence]
    assert back["note"] == "before coffee"
    with db.write() as session:
        store.delete_tremor(session, user_id=user_id, tremor_id=row_id)
    with db.read() as session:
        assert store.count_tremors(session, user_id=user_id) == 0


def test_noise_is_stored_as_no_tremor(db: Database) -> None:
    """A recording of sensor noise alone is kept as 'none': no frequency, no amplitude."""
    result = analyse(Synthetic(frequency_hz=None, seed=5).recording(), "rest")
    with db.write() as session:
        row = store.add_tremor(session, user=local_user(session), entry=store.entry_from_result(result))
        out = store.tremor_dict(row)
        store.delete_tremor(session, user_id=row.user_id, tremor_id=row.id)
    assert out["verdict"] == "none" and out["frequency_hz"] is None and out["amplitude_m_s2"] is None


def test_api_analyses_a_recording_and_stores_it(client: TestClient, auth: dict[str, str], five_hz: Any) -> None:
    """POST a raw recording: 201 with the measured frequency, then it is in the list and can be read and deleted."""
    body = five_hz | {"task": "rest", "recorded_at": "2026-11-03T08:00:00+01:00", "note": "no coffee today"}
    response = client.post(TREMOR, json=body, headers=auth)
    assert response.status_code == 201, response.text
    made = response.json()
    assert response.headers["location"] == f"{TREMOR}/{made['id']}"
    assert abs(made["frequency_hz"] - 5.0) < 0.3 and made["task"] == "rest" and made["note"] == "no coffee today"
    assert made["recorded_at"] == "2026-11-03T08:00:00+01:00"
    listed = client.get(TREMOR, headers=auth)
    assert listed.headers["x-total-count"] == "1"
    assert [r["id"] for r in listed.json()] == [made["id"]] and "spectrum" not in listed.json()[0]
    one = client.get(f"{TREMOR}/{made['id']}", headers=auth).json()
    assert one == made and len(one["spectrum"]["frequency_hz"]) == len(one["spectrum"]["power"]) > 10
    TremorRecordOut.model_validate(one)  # the answers match the documented (OpenAPI) shapes
    TremorListItem.model_validate(listed.json()[0])
    assert client.delete(f"{TREMOR}/{made['id']}", headers=auth).status_code == 204
    assert client.get(TREMOR, headers=auth).json() == []


def test_api_keeps_an_analysis_result_as_it_is(client: TestClient, auth: dict[str, str]) -> None:
    """POST what /api/v1/tremor answered (plus a note): stored with the same figures, no re-analysis."""
    result = analyse(Synthetic(frequency_hz=9.0, amplitude_m_s2=0.2, seed=8).recording(), "kinetic")
    sent = result.model_dump(mode="json") | {"recorded_at": "2026-10-30T18:00:00Z", "note": "after 3 coffees"}
    made = client.post(TREMOR, json=sent, headers=auth).json()
    assert made["frequency_hz"] == result.frequency_hz and made["amplitude_m_s2"] == result.amplitude_m_s2
    assert made["task"] == "kinetic" and made["recorded_at"] == "2026-10-30T18:00:00+00:00"


def test_api_takes_a_csv_upload_with_task_and_note(client: TestClient, auth: dict[str, str]) -> None:
    """A phyphox CSV body with ?task= and ?note= is analysed and stored."""
    csv = Synthetic(frequency_hz=7.0, amplitude_m_s2=0.3, seed=2).csv()
    response = client.post(
        TREMOR,
        content=csv.encode(),
        params={"task": "postural", "note": "propranolol day 3"},
        headers=auth | {"Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["task"] == "postural" and abs(response.json()["frequency_hz"] - 7.0) < 0.3
    assert response.json()["note"] == "propranolol day 3"


def test_list_is_paged_and_filtered(client: TestClient, make_user: Any) -> None:
    """The list comes oldest first, a page at a time with a Link to the next page, and by task."""
    headers = make_user()
    result = analyse(Synthetic(seed=4).recording(), "rest").model_dump(mode="json")
    start = datetime(2026, 10, 1, 9, tzinfo=UTC)
    for day in range(3):
        moment = (start + timedelta(days=day)).isoformat()
        task = "rest" if day < 2 else "postural"
        response = client.post(TREMOR, json=result | {"task": task, "recorded_at": moment}, headers=headers)
        assert response.status_code == 201
    page = client.get(TREMOR, params={"limit": 2}, headers=headers)
    assert page.headers["x-total-count"] == "3" and 'rel="next"' in page.headers["link"]
    assert [r["recorded_at"][:10] for r in page.json()] == ["2026-10-01", "2026-10-02"]
    rest = client.get(TREMOR, params={"task": "rest"}, headers=headers)
    assert rest.headers["x-total-count"] == "2" and "link" not in rest.headers


def test_another_persons_measurement_is_404(client: TestClient, make_user: Any, five_hz: Any, check_error: Any) -> None:
    """Another person's id answers 404 for GET and DELETE, exactly like an id that does not exist."""
    owner, other = make_user(), make_user()
    made = client.post(TREMOR, json=five_hz, headers=owner).json()
    check_error(client.get(f"{TREMOR}/{made['id']}", headers=other), 404, "not_found")
    check_error(client.delete(f"{TREMOR}/{made['id']}", headers=other), 404, "not_found")
    check_error(client.get(f"{TREMOR}/999999999", headers=other), 404, "not_found")
    assert client.get(TREMOR, headers=other).json() == []
    assert client.get(f"{TREMOR}/{made['id']}", headers=owner).status_code == 200


def test_signed_out_is_401(client: TestClient, five_hz: Any, check_error: Any) -> None:
    """Without a token every tremor route answers 401 in the one error shape."""
    check_error(client.post(TREMOR, json=five_hz), 401)
    check_error(client.get(TREMOR), 401)
    check_error(client.get(f"{TREMOR}/1"), 401)


def bad_results() -> list[tuple[str, dict[str, Any]]]:
    """Analysis results that could not have come from the analysis."""
    good = analyse(Synthetic(frequency_hz=5.0, seed=6).recording(), "rest").model_dump(mode="json")
    return [
        ("frequency_out_of_band", good | {"frequency_hz": 50.0}),
        ("tremor_without_frequency", good | {"frequency_hz": None}),
        ("negative_amplitude", good | {"amplitude_m_s2": -1.0}),
        ("unknown_task", good | {"task": "dancing"}),
        ("unknown_field", good | {"colour": "red"}),
        ("future_date", good | {"recorded_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()}),
        ("note_not_text", good | {"note": 5}),
        ("huge_trace", good | {"trace": {"rate_hz": 100.0, "start_s": 0.0, "acceleration_m_s2": [0.0] * 5000}}),
        ("short_spectrum_power", good | {"spectrum": good["spectrum"] | {"power": [1.0]}}),
    ]


@pytest.mark.parametrize(("name", "body"), bad_results())
def test_bad_results_are_refused_and_nothing_stored(
    *, client: TestClient, db: Database, auth: dict[str, str], check_error: Any, name: str, body: dict[str, Any]
) -> None:
    """Each impossible result is a 422 in the one error shape, and no row is stored."""
    before = count_rows(db)
    check_error(client.post(TREMOR, json=body, headers=auth), 422)
    assert count_rows(db) == before, name


def test_bad_recordings_are_refused_and_nothing_stored(
    client: TestClient, db: Database, auth: dict[str, str], check_error: Any
) -> None:
    """A too-short recording, broken JSON, a JSON list and an unknown media type are 4xx, and nothing is stored."""
    before = count_rows(db)
    short = recording_json(duration_s=5.0)
    check_error(client.post(TREMOR, json=short, headers=auth), 422, "too_short")
    check_error(client.post(TREMOR, content=b"{oops", headers=auth | {"Content-Type": "application/json"}), 400)
    check_error(client.post(TREMOR, json=[1, 2], headers=auth), 422)
    check_error(client.post(TREMOR, content=b"x", headers=auth | {"Content-Type": "image/png"}), 415)
    check_error(client.post(TREMOR, content=b"a,b\n1,2\n", headers=auth | {"Content-Type": "text/csv"}), 422)
    assert count_rows(db) == before


def test_account_deletion_removes_measurements(client: TestClient, db: Database, make_user: Any, five_hz: Any) -> None:
    """Deleting the account deletes its tremor measurements; another person's stay."""
    keeper, leaver = make_user(), make_user()
    client.post(TREMOR, json=five_hz, headers=keeper)
    client.post(TREMOR, json=five_hz, headers=leaver)
    leaver_uid = client.get("/api/v1/auth/me", headers=leaver).json()["id"]
    response = client.request(
        "DELETE", "/api/v1/auth/account", json={"password": "correct horse battery"}, headers=leaver
    )
    assert response.status_code == 204
    with db.read() as session:
        assert session.scalar(select(m.User).where(m.User.uid == leaver_uid)) is None
        orphans = select(func.count()).select_from(m.TremorRecording)
        assert session.scalar(orphans.where(~m.TremorRecording.user_id.in_(select(m.User.id)))) == 0
    assert len(client.get(TREMOR, headers=keeper).json()) == 1


@pytest.mark.slow  # a PDF or a statistics cross-check: left out of the quick tier
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_stored_measurement_appears_in_the_report_pdf(
    client: TestClient, make_user: Any, five_hz: Any, tmp_path: Path
) -> None:
    """A stored measurement shows in GET /report.pdf's tremor section (read from the database)."""
    headers = make_user()
    client.post(TREMOR, json=five_hz | {"task": "rest"}, headers=headers)
    pdf = client.get("/api/v1/diary/report.pdf", headers=headers)
    assert pdf.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Tremor measurements" in text and "hands resting in the lap" in text and "5.0 Hz" in text


def test_import_refuses_a_bad_measurement_whole(
    client: TestClient, make_user: Any, five_hz: Any, check_error: Any
) -> None:
    """An export whose tremor row has an impossible frequency is refused with its place named; nothing is stored."""
    owner = make_user()
    client.post(TREMOR, json=five_hz | {"task": "rest"}, headers=owner)
    data = client.get("/api/v1/diary/export", headers=owner).json()
    data["tremors"][0]["frequency_hz"] = 40.0
    data["tremors"].append(data["tremors"][0] | {"uid": "d" * 32, "steady": "yes"})
    other = make_user()
    error = check_error(client.post("/api/v1/diary/import", json=data, headers=other), 422, "invalid_import")
    fields = {d["field"] for d in error["details"]}
    assert {"tremors[0].frequency_hz", "tremors[1].steady"} <= fields
    assert client.get(TREMOR, headers=other).json() == []
