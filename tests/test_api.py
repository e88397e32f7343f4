"""The JSON API: contract shapes, the one error shape, and agreement with the service functions."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from twitchcheck import service
from twitchcheck.contract import CONTRACT_CONDITION_IDS, CONTRACT_FINDING_IDS
from twitchcheck.web.app import create_app

LEVELS = ("self_care", "routine", "soon", "urgent", "emergency")
CALF = {"age": 34, "sex": "male", "evidence": [{"id": "loc_calf", "state": "present"}]}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) <= {"code", "message", "details"}
    assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def assert_assessment(result: dict[str, Any]) -> None:
    for key in ("age", "sex", "evidence", "movement", "conditions", "triage", "tests", "advice", "safety_net"):
        assert key in result
    assert isinstance(result["disclaimer"], str) and result["disclaimer"]
    for name in ("movement", "conditions"):
        probs = [entry["probability"] for entry in result[name]]
        assert probs == sorted(probs, reverse=True)
        assert math.isclose(sum(probs), 1.0, abs_tol=1e-6)
    assert result["triage"]["level"] in LEVELS
    assert {"time_frame", "clinician", "reasons", "red_flags"} <= set(result["triage"])
    for condition in result["conditions"]:
        assert {"id", "name", "probability", "for", "against"} <= set(condition)


def test_healthz(client: TestClient) -> None:
    """GET /healthz answers {"status": "ok"}."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_assess_evidence_has_contract_shape(client: TestClient) -> None:
    """POST /api/v1/assess with structured evidence returns the CONTRACT.md assessment."""
    response = client.post("/api/v1/assess", json=CALF)
    assert response.status_code == 200
    result = response.json()
    assert_assessment(result)
    assert result["age"] == 34 and result["sex"] == "male"
    assert result["evidence"] == [{"id": "loc_calf", "state": "present", "source": "initial"}]


def test_assess_api_equals_service_function(client: TestClient) -> None:
    """The API answer is exactly what the shared service function returns."""
    assert (
        client.post("/api/v1/assess", json=CALF).json()
        == service.assess(None, CALF["evidence"], 34, "male").to_json_dict()
    )


def test_assess_empty_body_gives_prior_assessment(client: TestClient) -> None:
    """An empty body is a valid (very uncertain) assessment, not an error."""
    response = client.post("/api/v1/assess", json={})
    assert response.status_code == 200
    assert_assessment(response.json())


def test_assess_red_flag_raises_triage(client: TestClient) -> None:
    """A reported warning sign (trouble breathing) gives urgent or emergency triage."""
    body = {"evidence": [{"id": "breathing_difficulty", "state": "present"}, {"id": "loc_calf", "state": "present"}]}
    triage = client.post("/api/v1/assess", json=body).json()["triage"]
    assert LEVELS.index(triage["level"]) >= LEVELS.index("urgent")
    assert triage["red_flags"]


def test_assess_text(client: TestClient) -> None:
    """POST /api/v1/assess with text reads the description into parsed evidence."""
    result = client.post("/api/v1/assess", json={"text": "My calf keeps twitching. I am 26, female."}).json()
    assert_assessment(result)
    calf = next(e for e in result["evidence"] if e["id"] == "loc_calf")
    assert calf["state"] == "present" and calf["source"] == "parsed"
    assert result["age"] == 26 and result["sex"] == "female"


def test_assess_evidence_overrides_text(client: TestClient) -> None:
    """Where text and evidence disagree about a finding, the structured evidence wins."""
    body = {"text": "My calf keeps twitching", "evidence": [{"id": "loc_calf", "state": "absent"}], "age": 40}
    result = client.post("/api/v1/assess", json=body).json()
    assert next(e for e in result["evidence"] if e["id"] == "loc_calf")["state"] == "absent"
    assert result["age"] == 40


def test_assess_unknown_finding_is_422_with_details(client: TestClient) -> None:
    """Unusable evidence is a 422 invalid_evidence error naming the item and the problem."""
    error = assert_error(client.post("/api/v1/assess", json={"evidence": [{"id": "nope"}]}), 422, "invalid_evidence")
    assert error["details"][0]["field"] == "evidence[0]"


def test_assess_wrong_types_is_422(client: TestClient) -> None:
    """A body of the wrong shape gets the error shape, not FastAPI's default."""
    error = assert_error(client.post("/api/v1/assess", json={"age": "old", "sex": "x"}), 422, "validation_error")
    fields = {d["field"] for d in error["details"]}
    assert {"body.age", "body.sex"} <= fields


def test_assess_unknown_field_is_422(client: TestClient) -> None:
    """Unknown fields in a request are rejected (a typo is an error, not ignored)."""
    assert_error(client.post("/api/v1/assess", json={"evidense": []}), 422, "validation_error")


def test_invalid_json_is_400(client: TestClient) -> None:
    """A body that is not JSON gets 400 invalid_json in the error shape."""
    response = client.post("/api/v1/assess", content=b"{oops", headers={"content-type": "application/json"})
    assert_error(response, 400, "invalid_json")


def test_unknown_path_is_404(client: TestClient) -> None:
    """An unknown address gets 404 in the error shape."""
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    """A wrong method gets 405 in the error shape, listing the allowed methods."""
    response = client.get("/api/v1/assess")
    error = assert_error(response, 405, "method_not_allowed")
    assert error["details"]["allow"] == ["POST"]
    assert response.headers["allow"] == "POST"


def test_unexpected_exception_is_500_error_shape() -> None:
    """An unexpected exception becomes a 500 in the error shape, without internals."""
    app = create_app()
    boom = APIRouter()

    @boom.get("/api/v1/boom")
    async def explode() -> None:
        raise RuntimeError("secret internals")

    app.include_router(boom)
    response = TestClient(app, raise_server_exceptions=False).get("/api/v1/boom")
    error = assert_error(response, 500, "internal_error")
    assert "secret" not in error["message"]


def test_parse(client: TestClient) -> None:
    """POST /api/v1/parse returns what was read, with spans."""
    result = client.post("/api/v1/parse", json={"text": "My left calf twitches, no weakness"}).json()
    ids = {e["id"]: e for e in result["evidence"]}
    assert ids["loc_calf"]["state"] == "present"
    assert ids["weakness"]["state"] == "absent"
    assert {"start", "end"} <= set(ids["weakness"])


def test_parse_empty_text_is_422(client: TestClient) -> None:
    """Blank text is a 422 in the error shape (the parser is never called with it)."""
    assert_error(client.post("/api/v1/parse", json={"text": "   "}), 422)


def test_interview_next_shape(client: TestClient) -> None:
    """POST /api/v1/interview/next returns question, should_stop and the assessment so far."""
    result = client.post("/api/v1/interview/next", json=CALF).json()
    assert set(result) >= {"question", "should_stop", "assessment"}
    question = result["question"]
    assert {"id", "text", "type", "rationale"} <= set(question)
    assert question["type"] in ("yes_no", "single", "group")
    assert isinstance(result["should_stop"], bool)
    assert_assessment(result["assessment"])


def test_interview_next_moves_on_after_answers(client: TestClient) -> None:
    """Answering the first question's findings makes the next call ask about other findings."""
    first = client.post("/api/v1/interview/next", json=CALF).json()["question"]
    members = [o["id"] for o in first.get("options") or []] if first["type"] == "group" else [first["id"]]
    answered = [{"id": m, "state": "absent", "source": "asked"} for m in members]
    body = {**CALF, "evidence": CALF["evidence"] + answered}
    second = client.post("/api/v1/interview/next", json=body).json()["question"]
    asked_next = [o["id"] for o in second.get("options") or []] if second and second["type"] == "group" else []
    assert second is None or not set(asked_next or [second["id"]]) & set(members)


def test_explain_condition(client: TestClient) -> None:
    """POST /api/v1/explain/{condition} gives its rank, probability and reasons in words."""
    result = client.post("/api/v1/explain/benign_fasciculation", json=CALF).json()
    assert result["condition"]["id"] == "benign_fasciculation"
    assert 1 <= result["rank"] <= result["of"]
    assert any("Calf" in reason for reason in result["reasons"]["for"])
    assert result["sources"]


def test_explain_unknown_condition_is_404(client: TestClient) -> None:
    """Explaining a condition that does not exist is a 404 in the error shape."""
    assert_error(client.post("/api/v1/explain/unicorn_pox", json=CALF), 404, "unknown_condition")


def test_conditions_and_findings_cover_contract(client: TestClient) -> None:
    """The conditions and findings lists hold every id CONTRACT.md names."""
    conditions = {c["id"] for c in client.get("/api/v1/conditions").json()}
    findings = {f["id"] for f in client.get("/api/v1/findings").json()}
    assert set(CONTRACT_CONDITION_IDS) <= conditions
    assert set(CONTRACT_FINDING_IDS) <= findings


def test_condition_detail(client: TestClient) -> None:
    """GET /api/v1/conditions/{id} returns the entry with its sources spelled out; unknown is 404."""
    detail = client.get("/api/v1/conditions/als").json()
    assert detail["id"] == "als" and detail["source_details"][0]["title"]
    assert_error(client.get("/api/v1/conditions/nope"), 404, "unknown_condition")


def test_guide_api(client: TestClient) -> None:
    """The guide index, a condition page and a body-part page are available as JSON."""
    index = client.get("/api/v1/guide").json()
    assert len(index["body_parts"]) == 15
    page = client.get("/api/v1/guide/conditions/hypnic_jerk").json()
    assert page["sources"] and page["triage"]["label"]
    calf = client.get("/api/v1/guide/body-parts/calf").json()
    assert calf["finding"] == "loc_calf" and "benign_fasciculation" in [c["id"] for c in calf["causes"][:2]]
    assert_error(client.get("/api/v1/guide/body-parts/elbowz"), 404, "unknown_body_part")


def test_ask_answers_from_faq(client: TestClient) -> None:
    """POST /api/v1/ask replies with the closest FAQ answer, more information and similar questions."""
    result = client.post("/api/v1/ask", json={"question": "Could these twitches be ALS?"}).json()
    assert result["matched"] and result["match"]["id"] == "twitching_and_als"
    assert result["reply"] and result["more_information"] and len(result["similar"]) == 5
    assert result["sources"]


def test_ask_unrelated_question_says_no_match(client: TestClient) -> None:
    """A question the FAQ does not cover gets an honest no-match reply and nearest questions."""
    result = client.post("/api/v1/ask", json={"question": "What is the capital of France?"}).json()
    assert not result["matched"] and result["match"] is None and result["similar"]


def test_ask_blank_question_is_422(client: TestClient) -> None:
    """A blank question is a 422 in the error shape."""
    assert_error(client.post("/api/v1/ask", json={"question": "   "}), 422)


def test_faq_endpoints(client: TestClient) -> None:
    """GET /api/v1/faq lists the FAQ; /api/v1/faq/{id} gives one entry; unknown ids are 404."""
    entries = client.get("/api/v1/faq").json()
    assert len(entries) >= 25
    entry = client.get(f"/api/v1/faq/{entries[0]['id']}").json()
    assert entry["more_information"] and entry["similar"]
    assert_error(client.get("/api/v1/faq/nope"), 404, "unknown_question")


def test_openapi_lists_contract_routes(client: TestClient) -> None:
    """/openapi.json documents every contract route, with the error shape for 4xx answers."""
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/healthz", "/api/v1/parse", "/api/v1/assess", "/api/v1/interview/next", "/api/v1/conditions"):
        assert path in paths
    assert "/api/v1/conditions/{condition_id}" in paths and "/api/v1/findings" in paths
    assert "422" in paths["/api/v1/assess"]["post"]["responses"]
    assert "/" not in paths  # the HTML pages are not part of the API


def test_security_headers(client: TestClient) -> None:
    """Answers carry no-referrer (addresses hold answers) and a same-origin content policy."""
    headers = client.get("/healthz").headers
    assert headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in headers["content-security-policy"]


def test_openapi_documents_the_whole_assessment(client: TestClient) -> None:
    """The assess route's response schema is the engine's Assessment, triage and causes included."""
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/api/v1/assess"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Assessment"}
    schemas = spec["components"]["schemas"]
    assert {"screened", "unasked_warning_signs", "level"} <= set(schemas["Triage"]["properties"])
    assert {"for", "against", "probability"} <= set(schemas["ConditionEntry"]["properties"])
