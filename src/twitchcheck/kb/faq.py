"""The curated FAQ: common questions about twitching, answered from the knowledge base's own sources.

Each entry (``kb/data/faq.yaml``) has a short ``answer`` (the reply), ``more_information`` (the
longer explanation a Q&A page shows under "More information"), the conditions it is about and the
sources it rests on. ``also_asked`` lists other ways people put the same question, which helps
the search find it. The schema is strict like the rest of the knowledge base: unknown keys,
unknown condition ids and unknown source ids are all faults.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from twitchcheck.kb.loader import DATA_DIR, KnowledgeBase, KnowledgeBaseError, default_knowledge_base
from twitchcheck.kb.schema import Strict

FAQ_FILE = DATA_DIR / "faq.yaml"
MIN_ENTRIES = 25


class FaqEntry(Strict):
    """One question with its reply, more information, related causes and sources."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: str = Field(min_length=10)
    also_asked: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=40)
    more_information: str = Field(min_length=80)
    conditions: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


def read_faq(path: Path = FAQ_FILE) -> tuple[list[FaqEntry], list[str]]:
    """Schema-check every entry of the FAQ file; return the valid entries and every fault."""
    faults: list[str] = []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [], [f"{path.name}: cannot read: {exc}"]
    if not isinstance(raw, list):
        return [], [f"{path.name}: expected a list of entries"]
    entries: list[FaqEntry] = []
    for index, item in enumerate(raw):
        label = item.get("id", f"#{index}") if isinstance(item, dict) else f"#{index}"
        try:
            entries.append(FaqEntry.model_validate(item))
        except ValidationError as exc:
            faults += [f"{path.name}[{label}]: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return entries, faults


def faq_faults(entries: list[FaqEntry], kb: KnowledgeBase) -> list[str]:
    """Integrity faults: duplicate ids or questions, unknown conditions or sources, too few entries."""
    faults: list[str] = []
    seen_ids: set[str] = set()
    seen_questions: set[str] = set()
    for e in entries:
        if e.id in seen_ids:
            faults.append(f"faq: duplicate id {e.id!r}")
        if e.question.lower() in seen_questions:
            faults.append(f"faq[{e.id}]: duplicate question {e.question!r}")
        seen_ids.add(e.id)
        seen_questions.add(e.question.lower())
        faults += [f"faq[{e.id}]: unknown condition {c!r}" for c in e.conditions if c not in kb.conditions]
        faults += [f"faq[{e.id}]: unknown source {s!r}" for s in e.sources if s not in kb.sources]
    if len(entries) < MIN_ENTRIES:
        faults.append(f"faq: {len(entries)} entries; at least {MIN_ENTRIES} are needed")
    return faults


def load_faq(kb: KnowledgeBase, path: Path = FAQ_FILE) -> list[FaqEntry]:
    """Load and check the FAQ against a knowledge base; raise KnowledgeBaseError listing every fault."""
    entries, faults = read_faq(path)
    faults += faq_faults(entries, kb)
    if faults:
        raise KnowledgeBaseError(faults)
    return entries


@lru_cache(maxsize=1)
def default_faq() -> tuple[FaqEntry, ...]:
    """The shipped FAQ, checked against the shipped knowledge base, loaded once per process."""
    return tuple(load_faq(default_knowledge_base()))
