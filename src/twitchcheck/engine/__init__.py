"""The pure assessment engine: evidence in, assessment out, no I/O.

from twitchcheck.service import default_engine
engine = default_engine()
result = engine.assess({"age": 26, "evidence": [{"id": "falling_asleep", "state": "present"}]})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twitchcheck.engine.assess import assess
from twitchcheck.engine.evidence import Case, EvidenceError, EvidenceItem, parse_case
from twitchcheck.engine.model import Model, compile_model
from twitchcheck.engine.result import (
    AdviceEntry,
    Assessment,
    ConditionEntry,
    EvidenceEntry,
    MovementEntry,
    Reason,
    TestEntry,
    Triage,
    Worry,
)
from twitchcheck.kb.loader import KnowledgeBase

__all__ = [
    "AdviceEntry",
    "Assessment",
    "Case",
    "ConditionEntry",
    "Engine",
    "EvidenceEntry",
    "EvidenceError",
    "EvidenceItem",
    "MovementEntry",
    "Reason",
    "TestEntry",
    "Triage",
    "Worry",
    "compile_model",
    "parse_case",
]


@dataclass(frozen=True)
class Engine:
    """A compiled knowledge base with the operations the shells call."""

    model: Model

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> Engine:
        """Compile a knowledge base (already loaded and validated)."""
        return cls(compile_model(kb))

    @property
    def kb(self) -> KnowledgeBase:
        return self.model.kb

    def case(self, raw: Mapping[str, Any]) -> Case:
        """Validate a raw ``{"age", "sex", "evidence"}`` mapping; raises EvidenceError."""
        return parse_case(raw, self.kb.findings, conditions=self.kb.conditions)

    def assess(self, raw: Mapping[str, Any] | Case) -> Assessment:
        """Assess a case given as a Case or as a raw mapping."""
        case = raw if isinstance(raw, Case) else self.case(raw)
        return assess(self.model, case)
