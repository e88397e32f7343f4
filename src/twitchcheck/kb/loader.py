"""Read the knowledge-base YAML files and validate them against the schema.

Loading never stops at the first problem: every schema fault in every file is collected,
so ``twitchcheck kb check`` can report them all in one run.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from twitchcheck.kb.base import KnowledgeBase, KnowledgeBaseError
from twitchcheck.kb.cache import cached
from twitchcheck.kb.check import integrity_faults
from twitchcheck.kb.files import YAMLError, read_yaml
from twitchcheck.kb.movement_schema import BodySite, Movement
from twitchcheck.kb.policy_schema import SeedCoverage, TriagePolicy
from twitchcheck.kb.schema import Advice, Condition, Finding, MedicalTest, RedFlagRule, Source

__all__ = ["DATA_DIR", "KnowledgeBase", "KnowledgeBaseError", "load_knowledge_base", "read_knowledge_base"]

DATA_DIR = Path(__file__).parent / "data"
# The code whose changes change what the data compiles to (part of the cache key).
CODE = [*Path(__file__).parent.glob("*.py"), Path(__file__).parent.parent / "contract.py"]
M = TypeVar("M", bound=BaseModel)


def _read_yaml(path: Path, faults: list[str]) -> Any:
    try:
        return read_yaml(path)
    except (OSError, YAMLError) as exc:
        faults.append(f"{path.name}: cannot read: {exc}")
        return None


def _format_error(where: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        out.append(f"{where}: {loc}: {err['msg']}")
    return out


def _validate_list(path: Path, model: type[M], faults: list[str]) -> list[M]:
    raw = _read_yaml(path, faults)
    if raw is None:
        return []
    if not isinstance(raw, list):
        faults.append(f"{path.name}: expected a list of entries")
        return []
    items: list[M] = []
    for index, entry in enumerate(raw):
        label = entry.get("id", f"#{index}") if isinstance(entry, dict) else f"#{index}"
        try:
            items.append(model.model_validate(entry))
        except ValidationError as exc:
            faults.extend(_format_error(f"{path.name}[{label}]", exc))
    return items


def _validate_one(path: Path, model: type[M], faults: list[str]) -> M | None:
    raw = _read_yaml(path, faults)
    if raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        faults.extend(_format_error(path.name, exc))
        return None


def _index(items: list[M], what: str, faults: list[str]) -> dict[str, M]:
    out: dict[str, M] = {}
    for item in items:
        key = str(item.id)  # type: ignore[attr-defined]
        if key in out:
            faults.append(f"{what}: duplicate id {key!r}")
        out[key] = item
    return out


def read_knowledge_base(root: Path = DATA_DIR) -> tuple[KnowledgeBase | None, list[str]]:
    """Load and schema-check every file under ``root``; return the KB (if usable) and all faults."""
    faults: list[str] = []
    sources = [s for path in sorted((root / "sources").glob("*.yaml")) for s in _validate_list(path, Source, faults)]
    findings = _validate_list(root / "findings.yaml", Finding, faults)
    movements = _validate_list(root / "movements.yaml", Movement, faults)
    conditions = [
        c
        for path in sorted((root / "conditions").glob("*.yaml"))
        if (c := _validate_one(path, Condition, faults)) is not None
    ]
    red_flags = _validate_list(root / "red_flags.yaml", RedFlagRule, faults)
    tests = _validate_list(root / "tests.yaml", MedicalTest, faults)
    advice = _validate_list(root / "advice.yaml", Advice, faults)
    body_sites = _validate_list(root / "body_sites.yaml", BodySite, faults)
    policy = _validate_one(root / "triage_policy.yaml", TriagePolicy, faults)
    seeds = _validate_one(root / "seed_coverage.yaml", SeedCoverage, faults)
    if policy is None or seeds is None:
        return None, faults
    kb = KnowledgeBase(
        sources=_index(sources, "sources", faults),
        findings=_index(findings, "findings", faults),
        movements=_index(movements, "movements", faults),
        conditions=_index(conditions, "conditions", faults),
        red_flags=red_flags,
        tests=_index(tests, "tests", faults),
        advice=_index(advice, "advice", faults),
        body_sites=_index(body_sites, "body_sites", faults),
        policy=policy,
        seed_coverage=seeds,
        root=root,
    )
    _index(red_flags, "red_flags", faults)
    return kb, faults


def load_knowledge_base(root: Path = DATA_DIR) -> KnowledgeBase:
    """Load the knowledge base and run every integrity check; raise if anything is wrong.

    A load that passed is kept compiled in the cache (``kb.cache``), keyed by the hash of the files.
    """
    return cached("kb", root.rglob("*.yaml"), CODE, lambda: _load_checked(root))


def _load_checked(root: Path) -> KnowledgeBase:
    kb, faults = read_knowledge_base(root)
    if kb is not None:
        faults += integrity_faults(kb)
    if faults or kb is None:
        raise KnowledgeBaseError(faults)
    return kb


@lru_cache(maxsize=1)
def default_knowledge_base() -> KnowledgeBase:
    """The shipped knowledge base, loaded and checked once per process."""
    return load_knowledge_base(DATA_DIR)
