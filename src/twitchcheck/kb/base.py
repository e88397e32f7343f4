"""The knowledge base as the rest of twitchcheck sees it: validated entries indexed by id."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from twitchcheck.kb.movement_schema import BodySite, Movement
from twitchcheck.kb.policy_schema import SeedCoverage, TriagePolicy
from twitchcheck.kb.schema import Advice, Condition, Finding, MedicalTest, RedFlagRule, Source


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything twitchcheck knows, validated and indexed by id."""

    sources: dict[str, Source]
    findings: dict[str, Finding]
    movements: dict[str, Movement]
    conditions: dict[str, Condition]
    red_flags: list[RedFlagRule]
    tests: dict[str, MedicalTest]
    advice: dict[str, Advice]
    body_sites: dict[str, BodySite]
    policy: TriagePolicy
    seed_coverage: SeedCoverage
    root: Path


class KnowledgeBaseError(Exception):
    """The knowledge base has faults; ``faults`` lists every one of them."""

    def __init__(self, faults: list[str]) -> None:
        super().__init__(f"{len(faults)} knowledge-base fault(s):\n" + "\n".join(faults))
        self.faults = faults
