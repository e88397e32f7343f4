"""The compiled knowledge cache: used when the files are unchanged, missed when they change, never for faults."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from twitchcheck.kb.loader import DATA_DIR, KnowledgeBaseError, load_knowledge_base


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TWITCHCHECK_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATA_DIR, tmp_path / "kb"))


def test_a_load_is_cached_and_read_back_equal(cache_dir: Path, kb_copy: Path) -> None:
    """The first load writes one compiled file; the second reads it and gives an equal knowledge base."""
    first = load_knowledge_base(kb_copy)
    assert len(list(cache_dir.glob("kb-*.pickle"))) == 1
    second = load_knowledge_base(kb_copy)
    assert second == first and second is not first


def test_a_changed_file_misses_the_cache(cache_dir: Path, kb_copy: Path) -> None:
    """Editing a data file changes the key: the edit is seen, not the old compiled copy."""
    load_knowledge_base(kb_copy)
    findings = kb_copy / "findings.yaml"
    text = findings.read_text(encoding="utf-8").replace("name: Muscle feels weak", "name: Weak muscles", 1)
    findings.write_text(text, encoding="utf-8")
    kb = load_knowledge_base(kb_copy)
    assert any(f.name == "Weak muscles" for f in kb.findings.values())
    assert len(list(cache_dir.glob("kb-*.pickle"))) == 2


def test_a_faulty_knowledge_base_is_never_cached(cache_dir: Path, kb_copy: Path) -> None:
    """A fault is reported on every load, and nothing is written for it."""
    (kb_copy / "tests.yaml").write_text("- {id: 3}\n", encoding="utf-8")  # a test without its fields
    for _ in range(2):
        with pytest.raises(KnowledgeBaseError):
            load_knowledge_base(kb_copy)
    assert not list(cache_dir.glob("kb-*.pickle"))


def test_a_damaged_cache_file_is_ignored(cache_dir: Path, kb_copy: Path) -> None:
    """A cache file that cannot be unpickled is rebuilt, not trusted."""
    expected = load_knowledge_base(kb_copy)
    (path,) = cache_dir.glob("kb-*.pickle")
    path.write_bytes(b"not a pickle")
    assert load_knowledge_base(kb_copy) == expected


def test_the_cache_can_be_switched_off(cache_dir: Path, kb_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TWITCHCHECK_KB_CACHE=0 builds every time and writes nothing."""
    monkeypatch.setenv("TWITCHCHECK_KB_CACHE", "0")
    load_knowledge_base(kb_copy)
    assert not cache_dir.exists()


def test_reading_text_loads_neither_torch_nor_nltk() -> None:
    """The reader imports spaCy and ConText without PyTorch or NLTK, which it never uses."""
    code = (
        "import sys; from twitchcheck.service import parse; parse('my calf twitches, no weakness');"
        "print(sorted(m for m in ('torch', 'nltk', 'requests') if type(sys.modules.get(m)).__name__ == 'module'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
