"""Assertions and the evidence list: one item per finding, the strongest statement winning."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from twitchcheck.nlp.pipeline import Target

STATE_RANK = {"present": 2, "absent": 1, "unknown": 0}
CATEGORY_OF = {"negated": "NEGATED_EXISTENCE", "uncertain": "POSSIBLE_EXISTENCE", "hypothetical": "HYPOTHETICAL"}
NEAR_TOKENS = 3


def _span(target: Target, assertion: str) -> tuple[int, int]:
    """The target's characters, widened to a modifier just before it ("no weakness", "worried about ALS")."""
    start, end = target.start_char, target.end_char
    category = CATEGORY_OF.get(assertion)
    doc = target.doc
    for cat, _, (m_start, m_end) in target.modifiers:
        if cat == category and 0 <= target.match.start - m_end <= NEAR_TOKENS and doc is not None:
            start = min(start, doc[m_start].idx)
    return start, end


def assertion_of(categories: set[str]) -> str:
    """One assertion from ConText's categories: family, then hypothetical, uncertain, negated, historical."""
    if "FAMILY" in categories:
        return "family"
    if "HYPOTHETICAL" in categories:
        return "hypothetical"
    if "POSSIBLE_EXISTENCE" in categories:
        return "uncertain"
    if "NEGATED_EXISTENCE" in categories:
        return "negated"
    if "HISTORICAL" in categories:
        return "historical"
    return "affirmed"


@dataclass
class Collector:
    """Evidence items keyed by finding id; present beats absent beats unknown, the first mention on a tie."""

    source_text: str
    items: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(
        self,
        fid: str,
        state: str,
        where: Target | tuple[int, int],
        assertion: str,
        value: str | float | None = None,
        *,
        replace: bool = False,
    ) -> None:
        """Add (or strengthen) the item for one finding; ``where`` is a target or a character span."""
        start, end = _span(where, assertion) if isinstance(where, Target) else where
        item: dict[str, Any] = {
            "id": fid,
            "state": state,
            "source": "parsed",
            "text": self.source_text[start:end],
            "start": start,
            "end": end,
            "assertion": assertion,
        }
        if value is not None:
            item["value"] = (
                round(value, 1)
                if isinstance(value, float) and not value.is_integer()
                else (int(value) if isinstance(value, float) else value)
            )
        old = self.items.get(fid)
        if replace or old is None or STATE_RANK[state] > STATE_RANK[old["state"]]:
            self.items[fid] = item

    def has(self, fid: str, state: str | None = None) -> bool:
        """Whether the finding has an item (in the given state)."""
        item = self.items.get(fid)
        return item is not None and (state is None or item["state"] == state)

    def evidence(self) -> list[dict[str, Any]]:
        """The items in the order of the text."""
        return sorted(self.items.values(), key=lambda item: (item["start"], item["id"]))
