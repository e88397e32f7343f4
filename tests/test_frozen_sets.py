"""The independent evaluation sets stay exactly as their blind writers left them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from twitchcheck.evaluation.vignettes import load_vignettes

VIGNETTES = Path(__file__).parent.parent / "vignettes"
FOLDER = VIGNETTES / "independent"
FROZEN = {
    "independent/general.yaml": "41a7440b7abd0aa8fe1922c9437815dd9f175392d4d5ca08d2329d9a755cf6c7",
    "independent/red_flags.yaml": "abcc30fa61f4afcad19289d759b562b584c04a773e9b87c9000b504c68ac6db3",
    "holdout/holdout.yaml": "f3eceb73f966ab110389f3dc3c7477193ebf8679d4bbce1b47ca874bcaa4a771",
}


@pytest.mark.parametrize(("name", "digest"), sorted(FROZEN.items()))
def test_frozen_set_is_unchanged(name: str, digest: str) -> None:
    """A frozen set's bytes match the hash recorded when it was frozen."""
    assert hashlib.sha256((VIGNETTES / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_frozen_set_loads_as_text_only_vignettes(name: str) -> None:
    """Every case loads, has no structured evidence and a triage inside its acceptable range."""
    cases = load_vignettes(VIGNETTES / name)
    assert cases and all(v.evidence is None for v in cases)


def test_red_flag_set_has_two_phrasings_per_presentation() -> None:
    """Each red-flag presentation in the probe set is written exactly twice."""
    counts: dict[str, int] = {}
    for v in load_vignettes(FOLDER / "red_flags.yaml"):
        assert v.red_flag is not None
        counts[v.red_flag] = counts.get(v.red_flag, 0) + 1
    assert set(counts.values()) == {2}
    assert len(counts) >= 40
