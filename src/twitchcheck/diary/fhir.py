"""The diary as a FHIR R4 (R4B) Bundle for health records.

- Patient: a pseudonymous resource (no name or email).
- Observation per episode: the movement (HPO, and SNOMED CT where unambiguous), ``bodySite`` with
  its SNOMED CT body structure (the knowledge base's ``body_sites.yaml``), laterality, intensity, count, duration.
- Observation per recorded day (sleep as LOINC 93832-4, the other factors as components) and per
  other symptom.
- Observation per tremor measurement: SNOMED CT 26079004 (tremor), the verdict as its value, and
  frequency (Hz), RMS acceleration (m/s2) and estimated movement (cm) as UCUM quantities.
- MedicationStatement per medicine; QuestionnaireResponse per saved assessment (each answer,
  then the triage level and the likeliest causes).

Every resource is validated with ``fhir.resources.R4B``; as that library does not check code
values, ``check_codes`` checks the required ones (statuses, bundle type) against their value sets.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from twitchcheck.diary import vocab

SNOMED = "http://snomed.info/sct"
HPO = "http://human-phenotype-ontology.org"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
LOCAL = "urn:twitchcheck:diary"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
VALUE_SETS = {
    "Bundle.type": {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    },
    "Observation.status": {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    "MedicationStatement.status": {
        "active",
        "completed",
        "entered-in-error",
        "intended",
        "stopped",
        "on-hold",
        "unknown",
        "not-taken",
    },
    "QuestionnaireResponse.status": {"in-progress", "completed", "amended", "entered-in-error", "stopped"},
}


def _ref(uid: str) -> str:
    return f"urn:uuid:{uuid.UUID(hex=uid)}"


def _local(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": LOCAL, "code": code, "display": display}], "text": display}


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORY, "code": code, "display": display}]}]


def episode_observation(episode: dict[str, Any], patient: str) -> dict[str, Any]:
    """One episode as an Observation."""
    movement = episode["movement"]
    codings = []
    if hpo := vocab.movement_hpo().get(movement):
        codings.append({"system": HPO, "code": hpo, "display": movement.capitalize()})
    if sct := vocab.codes()["movements"].get(movement):
        codings.append({"system": SNOMED, "code": sct["snomed"], "display": sct["snomed_display"]})
    site = vocab.body_sites()[episode["body_part"]]
    components: list[dict[str, Any]] = []
    if lat := vocab.codes()["laterality"].get(episode["side"]):
        components.append(
            {
                "code": {"coding": [{"system": SNOMED, "code": "272741003", "display": "Laterality"}]},
                "valueCodeableConcept": {
                    "coding": [{"system": SNOMED, "code": lat["snomed"], "display": lat["snomed_display"]}]
                },
            }
        )
    components.append(
        {"code": _local("intensity", "Intensity (0-10, self-rated)"), "valueInteger": episode["intensity"]}
    )
    if episode.get("count") is not None:
        components.append({"code": _local("count", "Number of twitches"), "valueInteger": episode["count"]})
    if episode.get("duration_s") is not None:
        quantity = {"value": episode["duration_s"], "unit": "s", "system": UCUM, "code": "s"}
        components.append({"code": _local("duration", "Duration"), "valueQuantity": quantity})
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(uuid.UUID(hex=episode["uid"])),
        "status": "final",
        "category": _category("survey", "Survey"),
        "code": {"coding": codings, "text": vocab.movement_names()[movement]},
        "subject": {"reference": patient},
        "effectiveDateTime": episode["occurred_at"],
        "bodySite": {
            "coding": [{"system": SNOMED, "code": site.snomed, "display": site.snomed_display}],
            "text": vocab.place_name(site.id, episode["side"]),
        },
        "component": components,
    }
    if episode.get("notes"):
        resource["note"] = [{"text": episode["notes"]}]
    return resource


DAY_COMPONENTS = (
    ("sleep_hours", {"coding": [{"system": LOINC, "code": "93832-4", "display": "Sleep duration"}]}, "h", "h"),
    ("caffeine_mg", _local("caffeine", "Caffeine intake"), "mg", "mg"),
    ("alcohol_units", _local("alcohol", "Alcohol (UK units)"), "unit", "{unit}"),
    ("exercise_minutes", _local("exercise", "Exercise"), "min", "min"),
)


def day_observation(day: dict[str, Any], patient: str, user_uid: str) -> dict[str, Any]:
    """One recorded day's factors as an Observation with a component per factor."""
    components: list[dict[str, Any]] = []
    for key, code, unit, ucum in DAY_COMPONENTS:
        if day.get(key) is not None:
            quantity = {"value": day[key], "unit": unit, "system": UCUM, "code": ucum}
            components.append({"code": code, "valueQuantity": quantity})
    if day.get("stress") is not None:
        components.append({"code": _local("stress", "Stress (0-10, self-rated)"), "valueInteger": day["stress"]})
    for name in day.get("supplements") or []:
        components.append({"code": _local("supplement", "Supplement taken"), "valueString": name})
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(uuid.uuid5(uuid.UUID(hex=user_uid), f"day:{day['date']}")),
        "status": "final",
        "category": _category("social-history", "Social History"),
        "code": _local("daily-factors", "Daily factors (twitch diary)"),
        "subject": {"reference": patient},
        "effectiveDateTime": day["date"],
        "component": components,
    }
    if day.get("notes"):
        resource["note"] = [{"text": day["notes"]}]
    return resource


def symptom_observation(row: dict[str, Any], patient: str) -> dict[str, Any]:
    """Another symptom as an Observation (the knowledge base's finding id as its code)."""
    name = vocab.symptoms().get(row["symptom"], row["symptom"])
    code = _local(row["symptom"], name) if row["symptom"] in vocab.symptoms() else {"text": name}
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(uuid.UUID(hex=row["uid"])),
        "status": "final",
        "category": _category("survey", "Survey"),
        "code": code,
        "subject": {"reference": patient},
        "effectiveDateTime": row["date"],
        "valueBoolean": True,
    }
    if row.get("severity") is not None:
        resource["component"] = [{"code": _local("severity", "Severity (0-10)"), "valueInteger": row["severity"]}]
    if row.get("notes"):
        resource["note"] = [{"text": row["notes"]}]
    return resource


TREMOR_SNOMED = {"system": SNOMED, "code": "26079004", "display": "Tremor"}
TREMOR_TASKS = {"rest": "At rest", "postural": "Arms held out (postural)", "kinetic": "Finger to nose (kinetic)"}
TREMOR_VERDICTS = {
    "tremor": "A tremor stood out of the sensor's noise",
    "physiological": "Only a rhythm smaller than a visible tremor",
    "none": "No rhythm above the sensor's noise",
}


def _quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def tremor_observation(row: dict[str, Any], patient: str) -> dict[str, Any]:
    """A phone tremor measurement as an Observation: the verdict, then frequency (Hz), size and steadiness."""
    components: list[dict[str, Any]] = []
    if row.get("task"):
        components.append({"code": _local("task", "Task"), "valueString": TREMOR_TASKS[row["task"]]})
    if row.get("frequency_hz") is not None:
        quantity = _quantity(row["frequency_hz"], "Hz", "Hz")
        components.append({"code": _local("frequency", "Tremor frequency"), "valueQuantity": quantity})
    if row.get("amplitude_m_s2") is not None:
        quantity = _quantity(row["amplitude_m_s2"], "m/s2", "m/s2")
        components.append(
            {"code": _local("amplitude", "Tremor amplitude (RMS acceleration)"), "valueQuantity": quantity}
        )
    if row.get("displacement_cm") is not None:
        quantity = _quantity(row["displacement_cm"], "cm", "cm")
        components.append(
            {"code": _local("displacement", "Estimated movement (peak to peak)"), "valueQuantity": quantity}
        )
    if row.get("steady") is not None:
        components.append({"code": _local("steady", "Frequency steady"), "valueBoolean": row["steady"]})
    limit = _quantity(row["detection_limit_m_s2"], "m/s2", "m/s2")
    components.append(
        {"code": _local("detection-limit", "Smallest tremor this recording could show"), "valueQuantity": limit}
    )
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(uuid.UUID(hex=row["uid"])),
        "status": "final",
        "category": _category("exam", "Exam"),
        "code": {
            "coding": [TREMOR_SNOMED, {"system": LOCAL, "code": "tremor-measurement", "display": "Tremor measured"}],
            "text": "Tremor measured with a phone accelerometer",
        },
        "subject": {"reference": patient},
        "effectiveDateTime": row["recorded_at"],
        "valueCodeableConcept": _local(f"verdict-{row['verdict']}", TREMOR_VERDICTS[row["verdict"]]),
        "method": {"text": f"Phone accelerometer, {row['duration_s']:g} s at {row['sample_rate_hz']:g} samples/s"},
        "component": components,
    }
    if row.get("note"):
        resource["note"] = [{"text": row["note"]}]
    return resource


def medication_statement(row: dict[str, Any], patient: str, today: str) -> dict[str, Any]:
    """A medicine as a MedicationStatement (active, or completed once its stop date has passed)."""
    period = {"start": row["start"]} | ({"end": row["stop"]} if row.get("stop") else {})
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": str(uuid.UUID(hex=row["uid"])),
        "status": "completed" if row.get("stop") and row["stop"] < today else "active",
        "medicationCodeableConcept": {"text": row["name"]},
        "subject": {"reference": patient},
        "effectivePeriod": period,
    }
    if row.get("dose"):
        resource["dosage"] = [{"text": row["dose"]}]
    if row.get("notes"):
        resource["note"] = [{"text": row["notes"]}]
    return resource


def _answer(item: dict[str, Any]) -> list[dict[str, Any]]:
    value = item.get("value")
    if value is not None and item.get("state") == "present":
        if isinstance(value, bool):
            return [{"valueBoolean": value}]
        if isinstance(value, (int, float)):
            return [{"valueDecimal": value}]
        return [{"valueCoding": {"system": LOCAL, "code": str(value)}}]
    if item.get("state") in ("present", "absent"):
        return [{"valueBoolean": item["state"] == "present"}]
    return []  # unknown: asked, not answered


def questionnaire_response(row: dict[str, Any], patient: str) -> dict[str, Any]:
    """A saved assessment as a QuestionnaireResponse: every answer, then the result."""
    from twitchcheck.kb.loader import default_knowledge_base

    findings = default_knowledge_base().findings
    data = row["assessment"]
    items = []
    for evidence in data.get("evidence", []):
        finding = findings.get(evidence["id"])
        item: dict[str, Any] = {"linkId": evidence["id"], "text": finding.question if finding else evidence["id"]}
        if answer := _answer(evidence):
            item["answer"] = answer
        items.append(item)
    triage = data["triage"]
    result = [
        {
            "linkId": "result.triage_level",
            "text": "Triage level",
            "answer": [
                {
                    "valueCoding": {
                        "system": LOCAL,
                        "code": triage["level"],
                        "display": triage.get("label", triage["level"]),
                    }
                }
            ],
        }
    ]
    for rank, condition in enumerate(data.get("conditions", [])[:5], start=1):
        text = f"{condition.get('name', condition['id'])} ({condition['probability']:.0%})"
        result.append(
            {"linkId": f"result.condition.{rank}", "text": f"Cause ranked {rank}", "answer": [{"valueString": text}]}
        )
    items.append({"linkId": "result", "text": "twitchcheck assessment (information, not a diagnosis)", "item": result})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(uuid.UUID(hex=row["uid"])),
        "status": "completed",
        "subject": {"reference": patient},
        "authored": row["saved_at"],
        "item": items,
    }


def bundle(export: dict[str, Any], *, user_uid: str, now: datetime | None = None) -> dict[str, Any]:
    """The whole diary (in export form) as a validated FHIR R4B collection Bundle (plain JSON)."""
    now = now or datetime.now(UTC)
    patient = _ref(user_uid)
    resources: list[dict[str, Any]] = [{"resourceType": "Patient", "id": str(uuid.UUID(hex=user_uid)), "active": True}]
    resources += [episode_observation(e, patient) for e in export["episodes"]]
    resources += [day_observation(d, patient, user_uid) for d in export["days"]]
    resources += [symptom_observation(s, patient) for s in export["symptoms"]]
    resources += [medication_statement(r, patient, now.date().isoformat()) for r in export["medications"]]
    resources += [questionnaire_response(a, patient) for a in export["assessments"]]
    resources += [tremor_observation(t, patient) for t in export.get("tremors", [])]
    out = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": now.isoformat(timespec="seconds"),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
    validate(out)
    return out


def validate(data: dict[str, Any]) -> None:
    """Validate a bundle with fhir.resources (R4B) and its code values; raises ValueError."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(data)
    problems = check_codes(data)
    if problems:
        raise ValueError("; ".join(problems[:5]))


def check_codes(data: dict[str, Any]) -> list[str]:
    """Required code values that are not in their value set (fhir.resources does not check these)."""
    problems = []
    if data.get("type") not in VALUE_SETS["Bundle.type"]:
        problems.append(f"Bundle.type {data.get('type')!r}")
    for entry in data.get("entry", []):
        resource = entry["resource"]
        key = f"{resource['resourceType']}.status"
        if key in VALUE_SETS and resource.get("status") not in VALUE_SETS[key]:
            problems.append(f"{key} {resource.get('status')!r} ({resource.get('id')})")
    return problems
