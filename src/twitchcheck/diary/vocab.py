"""The diary's words: body parts, sides, movements, other symptoms and daily factors.

Body parts and movements come from the knowledge base (``body_sites.yaml``, ``movements.yaml``), so
the diary, the assessment and the guide speak the same language. Input is forgiving (``loc_calf``,
``Calf`` and ``lower leg`` all mean ``calf``) but anything unknown is refused.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from twitchcheck.kb.movement_schema import BodySite
from twitchcheck.kb.schema import MOVEMENT_IDS

SIDES: tuple[str, ...] = ("left", "right", "both", "none")
MOVEMENTS: tuple[str, ...] = MOVEMENT_IDS
# Finding groups of the knowledge base that are "other symptoms" a person can log.
SYMPTOM_GROUPS: tuple[str, ...] = ("warning", "symptom")


def _data(name: str) -> Any:
    return yaml.safe_load(resources.files("twitchcheck.diary").joinpath("data", name).read_text(encoding="utf-8"))


def _norm(word: str) -> str:
    return " ".join(word.strip().lower().replace("_", " ").replace("-", " ").split())


def body_sites() -> dict[str, BodySite]:
    """Every body part by id, in head-to-toe order (the knowledge base's ``body_sites.yaml``)."""
    from twitchcheck.kb.loader import default_knowledge_base

    return default_knowledge_base().body_sites


@lru_cache(maxsize=1)
def movement_names() -> dict[str, str]:
    """Each movement type's short name for a diary entry ("Twitch (fasciculation)")."""
    from twitchcheck.kb.loader import default_knowledge_base

    return {m.id: m.diary_name for m in default_knowledge_base().movements.values()}


@lru_cache(maxsize=1)
def _body_aliases() -> dict[str, str]:
    """Every accepted spelling (normalised) -> body part id: ids, finding ids, names, KB synonyms, aliases."""
    from twitchcheck.kb.loader import default_knowledge_base

    findings = default_knowledge_base().findings
    aliases: dict[str, str] = {}
    for site in body_sites().values():
        finding = findings.get(site.finding)
        words = list(getattr(finding, "synonyms", None) or [])
        words += [site.name, *site.aliases]
        for word in words:
            aliases.setdefault(_norm(word), site.id)
    for site in body_sites().values():  # exact ids always win over another part's synonym
        aliases[_norm(site.id)] = site.id
        aliases[_norm(site.finding)] = site.id
    return aliases


def resolve_body_part(value: str) -> str | None:
    """The body part id for a spelling, or None when it is not a body part the diary knows."""
    return _body_aliases().get(_norm(value))


def body_part_name(part: str) -> str:
    """A body part's name for people ("Calf")."""
    site = body_sites().get(part)
    return site.name if site else part.replace("_", " ").capitalize()


def place_name(part: str, side: str) -> str:
    """A place in words: "left calf", "both thighs", "whole body"."""
    name = body_part_name(part).lower()
    if side in ("left", "right"):
        return f"{side} {name}"
    if side == "both":
        return f"{name} (both sides)"
    return name


@lru_cache(maxsize=1)
def symptoms() -> dict[str, str]:
    """Other symptoms a person can log (knowledge-base findings, warning signs first): id -> name."""
    from twitchcheck.kb.loader import default_knowledge_base

    findings = default_knowledge_base().findings.values()
    out: dict[str, str] = {}
    for group in SYMPTOM_GROUPS:
        out |= {f.id: f.name for f in findings if f.group == group and f.type == "boolean"}
    return out


@lru_cache(maxsize=1)
def warning_signs() -> dict[str, str]:
    """The warning signs (red-flag findings) by id, with their names."""
    from twitchcheck.kb.loader import default_knowledge_base

    return {f.id: f.name for f in default_knowledge_base().findings.values() if f.group == "warning"}


@lru_cache(maxsize=1)
def movement_hpo() -> dict[str, str]:
    """The HPO term of each movement type (from the knowledge base)."""
    from twitchcheck.kb.loader import default_knowledge_base

    return {m.id: str(m.hpo) for m in default_knowledge_base().movements.values() if getattr(m, "hpo", None)}


@lru_cache(maxsize=1)
def codes() -> dict[str, Any]:
    """Movement and laterality codes for the FHIR export (codes.yaml)."""
    data: dict[str, Any] = _data("codes.yaml")
    return data
