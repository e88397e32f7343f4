"""Export and import (exact CSV and JSON round trips, all-or-nothing import) and the FHIR R4 Bundle."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from twitchcheck.diary import export, fhir, synthetic, vocab
from twitchcheck.tremor import analyse
from twitchcheck.tremor.synthetic import Synthetic

TRICKY_NOTES = 'comma, "quotes", newline\nand unicode µ é ß – “x”'


@pytest.fixture
def filled(client: TestClient, make_user: Any) -> dict[str, str]:
    """A person with a few weeks of every kind of entry (including awkward text)."""
    from twitchcheck.service import assess_raw

    headers = make_user()
    data = synthetic.generate(days=21, seed=12)
    for i, e in enumerate(data["episodes"]):
        body = e | ({"notes": TRICKY_NOTES} if i == 0 else {}) | ({"duration_s": 0.1 + 0.2} if i == 1 else {})
        assert client.post("/api/v1/diary/episodes", json=body, headers=headers).status_code == 201
    for day in data["days"]:
        body = {k: v for k, v in day.items() if k != "date"}
        assert client.put(f"/api/v1/diary/days/{day['date']}", json=body, headers=headers).status_code == 200
    client.post("/api/v1/diary/medications", json=data["medications"][0] | {"notes": TRICKY_NOTES}, headers=headers)
    client.post("/api/v1/diary/symptoms", json=data["symptoms"][0], headers=headers)
    client.post(
        "/api/v1/diary/symptoms",
        json={"date": data["days"][3]["date"], "symptom": "my left foot feels cold"},
        headers=headers,
    )
    assessment = assess_raw(
        {
            "age": 40,
            "evidence": [
                {"id": "loc_calf", "state": "present"},
                {"id": "duration_days", "state": "present", "value": 21},
            ],
        }
    ).to_json_dict()
    client.post("/api/v1/diary/assessments", json=assessment, headers=headers)
    for task, frequency, seed in (("rest", 5.0, 1), ("postural", None, 2)):
        result = analyse(Synthetic(frequency_hz=frequency, amplitude_m_s2=0.4, seed=seed).recording(), task)
        body = result.model_dump(mode="json") | {"recorded_at": data["days"][seed]["date"] + "T08:15:30.25+02:00"}
        response = client.post("/api/v1/diary/tremor", json=body | {"note": TRICKY_NOTES}, headers=headers)
        assert response.status_code == 201, response.text
    return headers


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exact_round_trip(client: TestClient, make_user: Any, filled: dict[str, str], fmt: str) -> None:
    """Export, import into another account, export again: the same bytes (CSV and JSON)."""
    first = client.get("/api/v1/diary/export", params={"format": fmt}, headers=filled)
    assert first.status_code == 200 and "attachment" in first.headers["content-disposition"]
    other = make_user()
    content_type = "text/csv" if fmt == "csv" else "application/json"
    imported = client.post(
        "/api/v1/diary/import", content=first.content, headers=other | {"Content-Type": content_type}
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["imported"]["episodes"]["updated"] == 0
    second = client.get("/api/v1/diary/export", params={"format": fmt}, headers=other)
    assert second.content == first.content
    tremors = client.get("/api/v1/diary/tremor", headers=other).json()
    assert [t["task"] for t in tremors] == ["rest", "postural"] and tremors[0]["note"] == TRICKY_NOTES
    assert imported.json()["imported"]["tremors"] == {"added": 2, "updated": 0}
    notes = [e["notes"] for e in client.get("/api/v1/diary/episodes", headers=other).json()]
    assert TRICKY_NOTES in notes


def test_reimport_updates_instead_of_duplicating(client: TestClient, filled: dict[str, str]) -> None:
    """Importing one's own export again (also as a multipart upload) updates every row, adds none."""
    body = client.get("/api/v1/diary/export", params={"format": "csv"}, headers=filled).content
    before = len(client.get("/api/v1/diary/episodes", headers=filled).json())
    result = client.post("/api/v1/diary/import", files={"file": ("diary.csv", body, "text/csv")}, headers=filled).json()
    assert result["imported"]["episodes"] == {"added": 0, "updated": before}
    assert len(client.get("/api/v1/diary/episodes", headers=filled).json()) == before


def test_import_with_one_bad_row_stores_nothing(
    client: TestClient, make_user: Any, filled: dict[str, str], check_error: Any
) -> None:
    """One bad row (intensity 11) refuses the whole file with its place named; nothing is stored."""
    data = client.get("/api/v1/diary/export", headers=filled).json()
    data["episodes"][3]["intensity"] = 11
    data["days"][1]["sleep_hours"] = "seven"
    other = make_user()
    error = check_error(client.post("/api/v1/diary/import", json=data, headers=other), 422, "invalid_import")
    fields = {d["field"] for d in error["details"]}
    assert {"episodes[3].intensity", "days[1].sleep_hours"} <= fields
    assert client.get("/api/v1/diary/episodes", headers=other).json() == []
    assert client.get("/api/v1/diary/days", headers=other).json() == []


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"", 422), (b"{not json", 400), (b'{"format": "other"}', 422), (b"a,b\n1,2\n", 422), (b"\xff\xfe\x00", 422)],
)
def test_import_refuses_what_is_not_an_export(
    client: TestClient, auth: dict[str, str], check_error: Any, body: bytes, status: int
) -> None:
    """Empty files, broken JSON, foreign JSON, foreign CSV and binary are refused with a clear 4xx."""
    check_error(client.post("/api/v1/diary/import", content=body, headers=auth), status)


def test_fhir_bundle_validates(client: TestClient, filled: dict[str, str]) -> None:
    """The FHIR export is an R4B Bundle that validates, with an Observation per episode coded with SNOMED body sites."""
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.medicationstatement import MedicationStatement
    from fhir.resources.R4B.observation import Observation
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    response = client.get("/api/v1/diary/export", params={"format": "fhir"}, headers=filled)
    assert response.headers["content-type"].startswith("application/fhir+json")
    data = response.json()
    Bundle.model_validate(data)
    assert fhir.check_codes(data) == []
    episodes = client.get("/api/v1/diary/episodes", headers=filled).json()
    resources = [e["resource"] for e in data["entry"]]
    kinds = {
        "Observation": Observation,
        "MedicationStatement": MedicationStatement,
        "QuestionnaireResponse": QuestionnaireResponse,
    }
    for resource in resources:
        if resource["resourceType"] in kinds:
            kinds[resource["resourceType"]].model_validate(resource)
    observations = [r for r in resources if r["resourceType"] == "Observation" and "bodySite" in r]
    assert len(observations) == len(episodes)
    sites = {s.snomed for s in vocab.body_sites().values()}
    for obs in observations:
        coding = obs["bodySite"]["coding"][0]
        assert coding["system"] == "http://snomed.info/sct" and coding["code"] in sites
        assert any(c["system"] == fhir.HPO for c in obs["code"]["coding"])
    assert sum(r["resourceType"] == "MedicationStatement" for r in resources) == 1
    tremors = [r for r in resources if any(c.get("code") == "26079004" for c in r.get("code", {}).get("coding", []))]
    assert len(tremors) == 2
    measured = next(t for t in tremors if t["valueCodeableConcept"]["coding"][0]["code"] == "verdict-tremor")
    quantities = {c["code"]["coding"][0]["code"]: c.get("valueQuantity") for c in measured["component"]}
    assert quantities["frequency"]["code"] == "Hz" and abs(quantities["frequency"]["value"] - 5.0) < 0.3
    assert (
        quantities["amplitude"]["system"] == "http://unitsofmeasure.org" and quantities["amplitude"]["code"] == "m/s2"
    )
    questionnaire = next(r for r in resources if r["resourceType"] == "QuestionnaireResponse")
    assert questionnaire["status"] == "completed"
    assert {i["linkId"] for i in questionnaire["item"]} >= {"loc_calf", "duration_days", "result"}


def test_check_codes_catches_bogus_values() -> None:
    """fhir.resources accepts status 'bogus'; our check does not."""
    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Observation", "id": "x", "status": "bogus"}}],
    }
    assert fhir.check_codes(data) == ["Observation.status 'bogus' (x)"]
    with pytest.raises(ValueError, match=r"Observation\.status"):
        fhir.validate(
            data
            | {
                "entry": [
                    {
                        "fullUrl": "urn:uuid:1",
                        "resource": {
                            "resourceType": "Observation",
                            "id": "x",
                            "status": "bogus",
                            "code": {"text": "t"},
                        },
                    }
                ]
            }
        )


def test_body_site_table_covers_every_location_finding() -> None:
    """Every location finding of the knowledge base has exactly one diary body part with a SNOMED code."""
    from twitchcheck.kb.loader import default_knowledge_base

    locations = {f.id for f in default_knowledge_base().findings.values() if f.id.startswith("loc_")}
    sites = vocab.body_sites().values()
    assert {s.finding for s in sites} == locations
    assert all(s.snomed.isdigit() and 6 <= len(s.snomed) <= 18 for s in sites)


def test_csv_round_trip_without_a_database() -> None:
    """CSV text converts back to the same export (types restored: ints, floats, lists, JSON)."""
    data = {
        "format": export.FORMAT,
        "version": 1,
        "timezone": "UTC",
        "episodes": [
            {
                "uid": "a" * 32,
                "occurred_at": "2026-01-01T10:00:00.123456+05:30",
                "body_part": "calf",
                "side": "left",
                "movement": "cramp",
                "count": None,
                "duration_s": 0.30000000000000004,
                "intensity": 0,
                "notes": TRICKY_NOTES,
            }
        ],
        "days": [
            {
                "date": "2026-01-01",
                "sleep_hours": 7.5,
                "caffeine_mg": None,
                "alcohol_units": 0.0,
                "stress": 3,
                "exercise_minutes": None,
                "supplements": ["magnesium", "vitamin d"],
                "notes": None,
            }
        ],
        "medications": [],
        "symptoms": [],
        "assessments": [
            {
                "uid": "b" * 32,
                "saved_at": "2026-01-02T00:00:00+00:00",
                "assessment": {"triage": {"level": "routine"}, "z": [1, 2.5]},
            }
        ],
        "tremors": [
            {
                "uid": "c" * 32,
                "recorded_at": "2026-01-03T07:00:00.5+01:00",
                "task": None,
                "verdict": "tremor",
                "frequency_hz": 5.123456789012345,
                "amplitude_m_s2": 0.1 + 0.2,
                "displacement_cm": 0.17,
                "frequency_sd_hz": None,
                "steady": False,
                "stands_out": True,
                "detection_limit_m_s2": 0.011,
                "sample_rate_hz": 100.0,
                "duration_s": 20.0,
                "summary": "-a summary that starts like a formula",
                "spectrum": {"frequency_hz": [2.0, 2.25], "power": [1e-05, 3.5e-06], "noise_floor": [1e-06, 1e-06]},
                "trace": {"rate_hz": 100.0, "start_s": 8.0, "acceleration_m_s2": [0.1, -0.2]},
                "evidence": [{"id": "measured_tremor", "state": "present", "source": "initial"}],
                "note": TRICKY_NOTES,
            }
        ],
    }
    back = export.from_csv(export.to_csv(data))
    assert export.to_csv(back) == export.to_csv(data)
    assert back["episodes"] == data["episodes"] and back["days"] == data["days"]
    assert back["tremors"] == data["tremors"]
