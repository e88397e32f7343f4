"""The curated FAQ: common questions about twitching, answered from the knowledge base's own sources.

Each entry (``kb/data/faq.yaml``) has a short ``answer`` (the reply), ``more_information`` (the
longer explanation a Q&A page shows under "More information"), the conditions it is about and the
sources it rests on. ``also_asked`` lists other ways people put the same question, which helps
the search find it. ``feared`` names the disease an entry answers a fear of ("ALS", "MND",
"motor neurone disease"): a question that names it gets that entry, whatever else it mentions
("my calf has twitched for 3 weeks, is it ALS?" is a question about ALS, not about calves).
The schema is strict like the rest of the knowledge base: unknown keys, unknown condition ids
and unknown source ids are all faults, and so is an entry with no source stronger than a seed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    feared: list[str] = Field(default_factory=list)

    def fear_named_at(self, question: str) -> int | None:
        """Where the question first names the disease this entry answers a fear of (whole words, any case)."""
        found = [m.start() for term in self.feared if (m := _term_pattern(term).search(question))]
        return min(found) if found else None


@lru_cache(maxsize=256)
def _term_pattern(term: str) -> re.Pattern[str]:
    """A disease name as whole words, with an optional possessive or plural ("Parkinson's", "parkinsons").

    An abbreviation written in capitals ("MS") matches in capitals or in lower case, never in mixed
    case, so that "Ms Jones" is not multiple sclerosis.
    """
    if term.isupper():
        return re.compile(rf"\b(?:{re.escape(term)}|{re.escape(term.lower())})(?:['’]?s)?\b")
    words = r"[\s-]+".join(re.escape(w) for w in term.split())
    return re.compile(rf"\b{words}(?:['’]?s)?\b", re.IGNORECASE)


def fear_answers(question: str, entries: Sequence[FaqEntry]) -> list[int]:
    """Positions of the entries about the feared diseases the question names, in the order it names them."""
    named = [(at, i) for i, e in enumerate(entries) if (at := e.fear_named_at(question)) is not None]
    return [i for _, i in sorted(named)]


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
    fear_owner: dict[str, str] = {}
    for e in entries:
        for term in e.feared:
            owner = fear_owner.setdefault(term.lower(), e.id)
            if owner != e.id:
                faults.append(f"faq[{e.id}]: feared term {term!r} already belongs to {owner!r}")
        if e.id in seen_ids:
            faults.append(f"faq: duplicate id {e.id!r}")
        if e.question.lower() in seen_questions:
            faults.append(f"faq[{e.id}]: duplicate question {e.question!r}")
        seen_ids.add(e.id)
        seen_questions.add(e.question.lower())
        faults += [f"faq[{e.id}]: unknown condition {c!r}" for c in e.conditions if c not in kb.conditions]
        faults += [f"faq[{e.id}]: unknown source {s!r}" for s in e.sources if s not in kb.sources]
        if not any(s in kb.sources and not kb.sources[s].weak for s in e.sources):
            faults.append(f"faq[{e.id}]: no source stronger than a seed, lay or AI-written one")
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
