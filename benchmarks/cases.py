"""The case every benchmark measures (the engine, the API under load, pgmpy), in one place."""

from __future__ import annotations

from typing import Any


def full_case() -> dict[str, Any]:
    """A person who answered about thirty questions, as at the end of a long interview."""
    present = [
        "loc_calf",
        "loc_thigh",
        "brief_flicker",
        "stress_anxiety",
        "short_sleep",
        "after_exercise",
        "numbness_tingling",
        "multiple_sites",
        "daytime_twitching",
        "fatigue",
    ]
    absent = [
        "weakness",
        "muscle_wasting",
        "swallowing_difficulty",
        "speech_difficulty",
        "breathing_difficulty",
        "fever",
        "confusion",
        "seizure",
        "falling_asleep",
        "rhythmic_shaking",
        "jerk_moves_limb",
        "painful_tightening",
        "new_medicine",
        "spreading",
        "diabetes",
        "med_ssri",
    ]
    evidence = [{"id": f, "state": "present"} for f in present] + [{"id": f, "state": "absent"} for f in absent]
    evidence += [
        {"id": "duration_days", "state": "present", "value": 60},
        {"id": "frequency", "state": "present", "value": "many_times_a_day"},
        {"id": "caffeine_mg_per_day", "state": "present", "value": 450},
        {"id": "course", "state": "present", "value": "same"},
    ]
    return {"age": 34, "sex": "male", "evidence": evidence}
