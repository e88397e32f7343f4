"""The shipped knowledge base: valid, fully sourced, covering the contract and the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from twitchcheck.contract import CONTRACT_CONDITION_IDS, CONTRACT_FINDING_IDS
from twitchcheck.kb.check import check_hpo, integrity_faults
from twitchcheck.kb.loader import DATA_DIR, KnowledgeBase, KnowledgeBaseError, load_knowledge_base, read_knowledge_base
from twitchcheck.kb.schema import Condition

# What the seed articles name (read by hand from ../shared/seeds): each must be in seed_coverage.yaml.
SEED_NAMES = {
    "causes": [
        "magnesium",
        "caffeine",
        "alcohol",
        "stress",
        "hypoglyc",
        "overheating",
        "ALS",
        "Tourette",
        "Parkinson",
        "poison",
        "Creutzfeldt",
        "Wilson",
        "epilep",
        "multiple sclerosis",
        "restless legs",
        "circulatory",
        "brain inflammation",
        "diabetes",
        "pinched nerve",
        "myopathy",
        "neuropathy",
        "calcium",
        "potassium",
        "vitamin D",
        "dehydration",
        "medic",
        "myasthenia",
        "thyroid",
        "sleep",
    ],
    "tests": [
        "EMG",
        "nerve conduction",
        "EEG",
        "MRI",
        "blood",
        "electrolyte",
        "thyroid",
        "CK",
        "blood count",
        "X-ray",
        "biopsy",
        "urine",
        "sleep study",
        "neurological exam",
    ],
    "treatments": [
        "magnesium",
        "relaxation",
        "riluzole",
        "L-Dopa",
        "neuroleptic",
        "psychotherapy",
        "physiotherapy",
        "injection",
        "surgery",
    ],
    "warning_signs": ["weakness", "numbness", "pain", "spread", "swallow", "speak"],
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_shipped_knowledge_base_has_no_faults() -> None:
    """Schema, references, sources, ranges, contract ids and seed coverage: zero faults."""
    kb, faults = read_knowledge_base(DATA_DIR)
    assert kb is not None
    assert faults + integrity_faults(kb) == []


def test_hpo_ids_exist_in_the_ontology(kb: KnowledgeBase) -> None:
    """Every HPO id is a real term in the ontology that hpo3 ships."""
    assert check_hpo(kb) == []


def test_contract_ids_are_present(kb: KnowledgeBase) -> None:
    """Every condition and finding id that CONTRACT.md names exists."""
    assert set(CONTRACT_CONDITION_IDS) <= set(kb.conditions)
    assert set(CONTRACT_FINDING_IDS) <= set(kb.findings)


@pytest.mark.parametrize("group", sorted(SEED_NAMES))
def test_everything_the_seeds_name_is_covered(kb: KnowledgeBase, group: str) -> None:
    """Each cause, test, treatment and warning sign the seeds name appears in the coverage list."""
    items = getattr(kb.seed_coverage, group)
    names = " | ".join(item.name.lower() for item in items)
    missing = [name for name in SEED_NAMES[group] if name.lower() not in names]
    assert missing == []


def test_every_condition_has_what_a_result_needs(kb: KnowledgeBase) -> None:
    """Each cause has a code, sources, a movement mix, self-care or treatment advice, and a safety net."""
    faulty = [
        c.id
        for c in kb.conditions.values()
        if not (c.codes.icd10 and c.sources and c.movements and c.advice and c.safety_net and c.likelihoods)
    ]
    assert faulty == []


def test_no_source_is_an_ai_summary(kb: KnowledgeBase) -> None:
    """No number, rule or page rests on an AI-written summary: every such source was replaced or dropped."""
    assert [s.id for s in kb.sources.values() if s.kind == "ai_summary"] == []


def test_honest_about_magnesium_for_night_cramps(kb: KnowledgeBase) -> None:
    """The advice says magnesium does not help ordinary night cramps, citing the Cochrane review."""
    advice = kb.advice["magnesium_not_for_night_cramps"]
    assert advice.evidence == "against" and "cochrane_mg_cramps" in advice.sources


def test_unknown_keys_are_rejected(tmp_path: Path) -> None:
    """A typo in a data file is a fault, not a silently ignored field."""
    entry = yaml.safe_load((DATA_DIR / "conditions" / "benign_fasciculation.yaml").read_text())
    entry["prevalance"] = 0.5
    with pytest.raises(ValueError, match="prevalance"):
        Condition.model_validate(entry)


def test_every_fault_is_reported_at_once(tmp_path: Path) -> None:
    """A broken copy of the knowledge base reports several faults in one run."""
    import shutil

    copy = tmp_path / "kb"
    shutil.copytree(DATA_DIR, copy)
    path = copy / "conditions" / "als.yaml"
    entry = yaml.safe_load(path.read_text())
    entry["likelihoods"]["weakness"]["p"] = 1.5
    entry["likelihoods"]["no_such_finding"] = {"p": 0.5, "estimate": "x"}
    entry["sources"].append("no_such_source")
    path.write_text(yaml.safe_dump(entry))
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(copy)
    text = "\n".join(info.value.faults)
    assert "outside" in text and "no_such_finding" in text and "no_such_source" in text
