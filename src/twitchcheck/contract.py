"""Names that outside checks rely on (../shared/CONTRACT.md). Keep them exactly."""

from __future__ import annotations

CONTRACT_CONDITION_IDS: tuple[str, ...] = (
    "benign_fasciculation",
    "hypnic_jerk",
    "exertion_fasciculation",
    "stress_anxiety",
    "stimulant",
    "alcohol_or_drug",
    "sleep_deprivation",
    "eyelid_myokymia",
    "medication_side_effect",
    "serotonin_syndrome",
    "lithium_toxicity",
    "magnesium_deficiency",
    "calcium_deficiency",
    "potassium_imbalance",
    "dehydration",
    "hypoglycaemia",
    "hyperthyroidism",
    "vitamin_b12_deficiency",
    "temperature_extreme",
    "nerve_compression",
    "peripheral_neuropathy",
    "cramp_fasciculation_syndrome",
    "isaacs_syndrome",
    "als",
    "myasthenia_gravis",
    "multiple_sclerosis",
    "parkinsons_disease",
    "essential_tremor",
    "enhanced_physiological_tremor",
    "tic_disorder",
    "epilepsy",
    "restless_legs",
    "hemifacial_spasm",
    "myopathy",
    "encephalitis",
    "creutzfeldt_jakob",
    "wilson_disease",
    "circulatory_disorder",
    "poisoning",
)

CONTRACT_FINDING_IDS: tuple[str, ...] = (
    "weakness",
    "muscle_wasting",
    "swallowing_difficulty",
    "speech_difficulty",
    "breathing_difficulty",
    "numbness_tingling",
    "fever",
    "confusion",
    "seizure",
    "falling_asleep",
    "rhythmic_shaking",
)

OTHER_CONDITION_ID = "other"
EVIDENCE_STATES: tuple[str, ...] = ("present", "absent", "unknown")
EVIDENCE_SOURCES: tuple[str, ...] = ("initial", "asked", "parsed")
