"""Merging safety nets: one bullet per warning sign, in the most urgent wording, most urgent first.

A page that gathers the safety nets of several causes (a body-part guide page) would otherwise
repeat the same warning in several wordings ("see a doctor soon if a muscle becomes weak",
"see a doctor within days if muscles are getting weaker"). ``kb/data/safety_signs.yaml`` says
what each line warns about (the sign's words), how urgent a line is (its phrases) and which
sources support each sign; ``merge_safety_net`` keeps, for each sign, the line of the most
urgent level (at one level, the line that names the most signs), drops lines whose signs are all
covered already, and sorts the rest by urgency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from twitchcheck.kb.base import KnowledgeBase, KnowledgeBaseError
from twitchcheck.kb.loader import DATA_DIR
from twitchcheck.kb.schema import TRIAGE_ORDER, Strict, TriageLevel

SIGNS_FILE = DATA_DIR / "safety_signs.yaml"
MAX_BULLETS = 5


class UrgencyWords(Strict):
    """Phrases that mark a safety-net line as this level ("call 999" is an emergency)."""

    level: TriageLevel
    phrases: list[str] = Field(min_length=1)


class SafetySign(Strict):
    """One thing a safety net warns about, the words that name it and what supports it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    words: list[str] = Field(min_length=1)
    findings: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class SafetySigns(Strict):
    """The whole file: urgency phrases, most urgent first, and the signs."""

    urgency: list[UrgencyWords]
    default_level: TriageLevel
    signs: list[SafetySign]


@dataclass(frozen=True)
class Bullet:
    """One merged safety-net line: its words, its level, the signs it covers and their sources."""

    text: str
    level: str
    signs: tuple[str, ...]
    sources: tuple[str, ...]


def read_signs(path: Path = SIGNS_FILE) -> SafetySigns:
    """Read and schema-check the signs file."""
    try:
        return SafetySigns.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise KnowledgeBaseError([f"{path.name}: {exc}"]) from exc


@lru_cache(maxsize=1)
def default_signs() -> SafetySigns:
    """The shipped signs, read once per process."""
    return read_signs()


def sign_faults(signs: SafetySigns, kb: KnowledgeBase) -> list[str]:
    """Unknown findings or sources, and signs with no source stronger than a seed article."""
    faults = []
    for s in signs.signs:
        faults += [f"safety sign {s.id}: unknown finding {f!r}" for f in s.findings if f not in kb.findings]
        faults += [f"safety sign {s.id}: unknown source {x!r}" for x in s.sources if x not in kb.sources]
        if not any(x in kb.sources and not kb.sources[x].weak for x in sign_sources(s, kb)):
            faults.append(f"safety sign {s.id}: no source stronger than a seed, lay or AI-written one")
    return faults


def sign_sources(sign: SafetySign, kb: KnowledgeBase) -> list[str]:
    """The sign's own sources, then those of the red-flag rules about its findings."""
    found = [*sign.sources]
    for rule in kb.red_flags:
        if set(sign.findings) & {*rule.when.all, *rule.when.any, *rule.when.and_any}:
            found += rule.sources
    return list(dict.fromkeys(found))


def line_level(line: str, signs: SafetySigns) -> str:
    """How urgent a safety-net line is, from its wording."""
    lower = line.lower()
    return next((u.level for u in signs.urgency if any(p in lower for p in u.phrases)), signs.default_level)


def line_signs(line: str, signs: SafetySigns) -> tuple[str, ...]:
    """The signs a line warns about; a line that names none is a sign of its own."""
    lower = line.lower()
    found = tuple(s.id for s in signs.signs if any(w in lower for w in s.words))
    return found or (line,)


def classify(line: str, kb: KnowledgeBase, signs: SafetySigns | None = None) -> Bullet:
    """One line as a bullet: its level, the signs it names and their sources."""
    signs = signs or default_signs()
    by_id = {s.id: s for s in signs.signs}
    covers = line_signs(line, signs)
    sources = [x for c in covers if c in by_id for x in sign_sources(by_id[c], kb)]
    return Bullet(line, line_level(line, signs), covers, tuple(dict.fromkeys(sources)))


def merge_safety_net(
    lines: Iterable[str], kb: KnowledgeBase, signs: SafetySigns | None = None, limit: int = MAX_BULLETS
) -> list[Bullet]:
    """One bullet per sign, in the wording of its most urgent line, most urgent first, at most ``limit``."""
    signs = signs or default_signs()
    rank: dict[str, int] = {level: i for i, level in enumerate(TRIAGE_ORDER)}
    bullets = [classify(line, kb, signs) for line in dict.fromkeys(lines)]
    order = sorted(range(len(bullets)), key=lambda i: (-rank[bullets[i].level], -len(bullets[i].signs), i))
    covered: set[str] = set()
    merged: list[Bullet] = []
    for i in order:
        if set(bullets[i].signs) <= covered:
            continue
        covered |= set(bullets[i].signs)
        merged.append(bullets[i])
    return merged[:limit]
