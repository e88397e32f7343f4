"""POST /api/v1/tremor and /tremor/session, the /tremor pages, and a measurement used in an assessment."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from twitchcheck.engine.interview import plan
from twitchcheck.tremor import MEASUREMENT_FINDINGS
from twitchcheck.tremor.synthetic import Synthetic
from twitchcheck.web.app import create_app
from twitchcheck.web.pages.flow import assess_state
from twitchcheck.web.pages.state import decode
from twitchcheck.web.uploads import MAX_TREMOR_BODY

PD_LIKE = Synthetic(frequency_hz=5.0, amplitude_m_s2=0.8, seed=21)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def columns(s: Synthetic, task: str | None = None) -> dict[str, Any]:
    t, x, y, z = s.columns()
    body: dict[str, Any] = {"t": t.tolist(), "x": x.tolist(), "y": y.tolist(), "z": z.tolist()}
    return body | ({"task": task} if task else {})


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def test_csv_body_gives_what_the_cli_prints(client: TestClient) -> None:
    """A text/csv body (phyphox's export) answers with frequency_hz, amplitude_m_s2 and evidence."""
    response = client.post("/api/v1/tremor?task=rest", content=PD_LIKE.csv(), headers={"Content-Type": "text/csv"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["frequency_hz"] == pytest.approx(5.0, abs=0.3)
    assert body["amplitude_m_s2"] == pytest.approx(0.8, rel=0.15)
    assert body["task"] == "rest" and body["evidence"][0]["id"] == "measured_tremor_at_rest"


def test_file_upload_and_json_give_the_same_answer(client: TestClient) -> None:
    """A multipart upload (field 'file') and JSON columns give the same frequency and evidence as CSV."""
    upload = client.post("/api/v1/tremor", files={"file": ("Raw Data.csv", PD_LIKE.csv(), "text/csv")})
    as_json = client.post("/api/v1/tremor", json=columns(PD_LIKE))
    assert upload.status_code == 200 and as_json.status_code == 200, (upload.text, as_json.text)
    assert upload.json()["frequency_hz"] == pytest.approx(as_json.json()["frequency_hz"], abs=0.01)
    assert [e["id"] for e in upload.json()["evidence"]] == [e["id"] for e in as_json.json()["evidence"]]


def test_no_tremor_gives_null_frequency(client: TestClient) -> None:
    """A still recording answers frequency_hz null and says what the phone could have seen."""
    body = client.post("/api/v1/tremor", json=columns(Synthetic(frequency_hz=None, seed=3), "postural")).json()
    assert body["frequency_hz"] is None and body["amplitude_m_s2"] is None
    assert "too small for this phone to measure" in body["notes"][0]


@pytest.mark.parametrize(
    ("synthetic", "code"),
    [
        (Synthetic(duration_s=6), "too_short"),
        (Synthetic(rate_hz=25), "too_coarse"),
    ],
)
def test_recording_limits_are_422(client: TestClient, synthetic: Synthetic, code: str) -> None:
    """Too short and too coarse recordings get a 422 with their own code."""
    error_of(client.post("/api/v1/tremor", json=columns(synthetic)), 422, code)
    error_of(client.post("/api/v1/tremor", content=synthetic.csv(), headers={"Content-Type": "text/csv"}), 422, code)


def test_gaps_and_wrong_columns_are_422(client: TestClient) -> None:
    """A gap, a CSV without x/y/z and a value that is not a number each get a 422 naming the problem."""
    body = columns(PD_LIKE)
    body["t"] = [v + (1.0 if i > 900 else 0.0) for i, v in enumerate(body["t"])]
    error_of(client.post("/api/v1/tremor", json=body), 422, "gaps")
    missing = client.post("/api/v1/tremor", content="time,a,b\n0,1,2\n", headers={"Content-Type": "text/csv"})
    assert error_of(missing, 422, "missing_columns")["details"]["missing"] == ["x", "y", "z"]
    body = columns(PD_LIKE)
    body["y"][3] = "1.2"
    error_of(client.post("/api/v1/tremor", json=body), 422, "validation_error")


def test_body_limit_media_type_and_bad_json(client: TestClient) -> None:
    """A body over the limit is a 413, another content type a 415, broken JSON a 400: all in the one shape."""
    too_big = b"x" * (MAX_TREMOR_BODY + 1)
    error_of(client.post("/api/v1/tremor", content=too_big, headers={"Content-Type": "text/csv"}), 413, "too_large")
    error_of(client.post("/api/v1/tremor", content="<a/>", headers={"Content-Type": "application/xml"}), 415,
             "unsupported_media_type")  # fmt: skip
    error_of(
        client.post("/api/v1/tremor", content="{", headers={"Content-Type": "application/json"}), 400, "invalid_json"
    )
    error_of(client.post("/api/v1/tremor", files={"other": ("a.csv", "x", "text/csv")}), 422, "missing_file")


def test_session_combines_the_guided_tasks(client: TestClient) -> None:
    """Three recordings give each task's result and one combined evidence list with the largest tremor's details."""
    body = {
        "recorded_at": "2026-04-01T10:00:00Z",
        "recordings": [
            columns(PD_LIKE, "rest"),
            columns(Synthetic(frequency_hz=5.2, amplitude_m_s2=0.3, seed=4), "postural"),
            columns(Synthetic(frequency_hz=None, seed=5), "kinetic"),
        ],
    }
    result = client.post("/api/v1/tremor/session", json=body).json()
    assert [m["task"] for m in result["measurements"]] == ["rest", "postural", "kinetic"]
    assert result["frequency_hz"] == pytest.approx(5.0, abs=0.3)
    assert result["recorded_at"].startswith("2026-04-01T10:00")
    assert {e["id"] for e in result["evidence"]} <= set(MEASUREMENT_FINDINGS)


def test_session_names_the_bad_recording(client: TestClient) -> None:
    """A session with one recording too short says which one."""
    body = {"recordings": [columns(PD_LIKE, "rest"), columns(Synthetic(duration_s=5), "postural")]}
    error = error_of(client.post("/api/v1/tremor/session", json=body), 422, "too_short")
    assert error["details"]["recording"] == 1 and error["details"]["task"] == "postural"


def test_measurement_joins_the_assessment(client: TestClient) -> None:
    """A PD-like measurement's evidence, added to an assessment, moves Parkinson's up and is shown as a reason."""
    measured = client.post("/api/v1/tremor", json=columns(PD_LIKE, "rest")).json()["evidence"]
    base = [{"id": "rhythmic_shaking", "state": "present"}, {"id": "loc_hand", "state": "present"}]
    before = client.post("/api/v1/assess", json={"age": 67, "evidence": base}).json()
    after = client.post("/api/v1/assess", json={"age": 67, "evidence": base + measured}).json()

    def probability(result: dict[str, Any], cid: str) -> float:
        return next(c["probability"] for c in result["conditions"] if c["id"] == cid)

    assert probability(after, "parkinsons_disease") > 2 * probability(before, "parkinsons_disease")
    assert after["conditions"][0]["id"] == "parkinsons_disease"
    reasons = {r["evidence"] for r in after["conditions"][0]["for"]}
    assert "measured_tremor_at_rest" in reasons
    assert {e["id"] for e in measured} <= {e["id"] for e in after["evidence"]}


def test_the_interview_never_asks_for_a_measurement(engine: Any) -> None:
    """Measurement findings are never offered as questions, even when nothing else is known."""
    for raw in ({"evidence": []}, {"age": 70, "evidence": [{"id": "rhythmic_shaking", "state": "present"}]}):
        case = engine.case(raw)
        step = plan(engine.model, case, asked=0)
        assert step.question is not None
        assert not set(step.question.findings) & set(MEASUREMENT_FINDINGS)


def test_page_loads_its_script_from_a_file(client: TestClient) -> None:
    """/tremor works under the strict CSP: its script and styles are files, no inline script or style."""
    response = client.get("/tremor")
    assert response.status_code == 200
    html = response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert re.search(r'<script src="/static/tremor\.js\?v=\w+" defer></script>', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html and "onclick" not in html
    assert client.get("/static/tremor.js").status_code == 200
    assert 'aria-current="page">Tremor' in html


def test_upload_form_without_javascript_shows_the_result(client: TestClient) -> None:
    """Posting a CSV through the page's form answers with the page and the measurement in it."""
    response = client.post(
        "/tremor/upload", files={"file": ("Raw Data.csv", PD_LIKE.csv(), "text/csv")}, data={"task": "rest"}
    )
    assert response.status_code == 200
    assert "5.0 Hz" in response.text and "measured_tremor_at_rest" in response.text
    bad = client.post("/tremor/upload", files={"file": ("a.csv", "time,x\n0,1\n", "text/csv")})
    assert bad.status_code == 422 and "cannot be measured" in bad.text


def test_use_in_a_check_starts_the_interview_with_the_measurement(client: TestClient) -> None:
    """The page's 'use it in a check' form carries the measurement's evidence into the check's state."""
    measured = client.post("/api/v1/tremor", json=columns(PD_LIKE, "rest")).json()["evidence"]
    response = client.post(
        "/tremor/check", data={"evidence": json.dumps(measured), "age": "66", "sex": "male"}, follow_redirects=False
    )
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert target.path in ("/interview", "/result")
    state = decode(parse_qs(target.query)["s"][0])
    assert state.age == 66 and {i.id for i in state.initial} == {e["id"] for e in measured}
    result = assess_state(state).to_json_dict()
    assert result["conditions"][0]["id"] == "parkinsons_disease"
    page = client.get(f"/result?s={parse_qs(target.query)['s'][0]}").text
    assert "Phone measurement: tremor with the hands resting" in page


def test_use_in_a_check_refuses_other_evidence(client: TestClient) -> None:
    """Only measurement findings can be carried in through the tremor form."""
    sneaky = '[{"id": "weakness", "state": "present"}]'
    response = client.post("/tremor/check", data={"evidence": sneaky}, follow_redirects=False)
    assert response.status_code == 422 and "measurement" in response.text
