"""Knowledge is data: the reader's words live in the lexicon and the engine's sentences in the triage policy."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "twitchcheck"
# Module-level collections of strings that are ids or names of the code, not English words.
ID_COLLECTIONS = {"__all__", "STATE_RANK", "CATEGORY_OF", "OTHER_TOPIC", "COURSE_URGENCY", "ONSET_URGENCY"}


def _string_collections(path: Path) -> list[str]:
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        strings = [n for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        if isinstance(node.value, ast.List | ast.Set | ast.Tuple | ast.Dict | ast.Call) and len(strings) >= 3:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [ast.unparse(t) for t in targets]
    return found


def test_reader_modules_hold_no_word_lists() -> None:
    """nlp/*.py keeps no module-level word lists: they belong in kb/data/lexicon.yaml (its grammar section)."""
    found = {f"{p.name}:{name}" for p in (SRC / "nlp").glob("*.py") for name in _string_collections(p)}
    assert {f for f in found if f.split(":")[1] not in ID_COLLECTIONS} == set()


def test_engine_writes_no_sentences_of_its_own() -> None:
    """engine/assess.py and engine/triage.py take every sentence a person reads from triage_policy.yaml."""
    for name in ("assess.py", "triage.py"):
        tree = ast.parse((SRC / "engine" / name).read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        sentences = [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", node.value)
        ]
        assert sentences == [], name
