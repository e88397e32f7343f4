"""Symptom-checker metrics: top-k cause, triage exact and safe, emergencies missed, over:under.

Definitions follow the literature (Semigran 2015; Schmieding 2022; symptomcheckR):
- top-k: the expected cause (or one the vignette lists as equally acceptable) is among the first k.
- triage exact: the predicted level equals the expected level.
- safe: the predicted level is the expected one or more urgent (symptomcheckR's definition).
- in range: the predicted level lies within the vignette's acceptable range.
- emergency missed: an emergency vignette was sent anywhere less urgent than same-day care.
- over:under: cases triaged more urgently than expected, to cases triaged less urgently.
- urgent under-triaged: cases expected to need same-day care (urgent or emergency) that were sent
  anywhere less urgent than expected (the issue-9 safety target).
- over range: cases triaged more urgently than the most urgent level the vignette accepts.
- red-flag recall: for probes written for one dangerous presentation, the share triaged at the
  expected level or more urgently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from twitchcheck.engine.result import Assessment
from twitchcheck.evaluation.vignettes import Vignette
from twitchcheck.kb.schema import TRIAGE_ORDER


@dataclass(frozen=True)
class Outcome:
    """How the system did on one vignette."""

    vignette_id: str
    expected_condition: str
    ranked: list[str]
    expected_movement: str
    movement: str
    expected_triage: str
    triage: str
    triage_low: str
    triage_high: str
    acceptable: tuple[str, ...]
    red_flag: str | None = None

    def top(self, k: int) -> bool:
        wanted = {self.expected_condition, *self.acceptable}
        return bool(wanted & set(self.ranked[:k]))

    @property
    def delta(self) -> int:
        return TRIAGE_ORDER.index(self.triage) - TRIAGE_ORDER.index(self.expected_triage)

    @property
    def in_range(self) -> bool:
        low, high = TRIAGE_ORDER.index(self.triage_low), TRIAGE_ORDER.index(self.triage_high)
        return low <= TRIAGE_ORDER.index(self.triage) <= high

    @property
    def emergency_missed(self) -> bool:
        return self.expected_triage == "emergency" and TRIAGE_ORDER.index(self.triage) < TRIAGE_ORDER.index("urgent")

    @property
    def same_day_expected(self) -> bool:
        return TRIAGE_ORDER.index(self.expected_triage) >= TRIAGE_ORDER.index("urgent")

    @property
    def urgent_under_triaged(self) -> bool:
        return self.same_day_expected and self.delta < 0

    @property
    def over_range(self) -> bool:
        return TRIAGE_ORDER.index(self.triage) > TRIAGE_ORDER.index(self.triage_high)


def outcome(vignette: Vignette, assessment: Assessment) -> Outcome:
    """Score one assessment against its vignette."""
    exp = vignette.expected
    return Outcome(
        vignette_id=vignette.id,
        expected_condition=exp.condition,
        ranked=[c.id for c in assessment.conditions],
        expected_movement=exp.movement,
        movement=assessment.movement[0].id,
        expected_triage=exp.triage,
        triage=assessment.triage.level,
        triage_low=exp.triage_range[0],
        triage_high=exp.triage_range[1],
        acceptable=tuple(exp.acceptable),
        red_flag=vignette.red_flag,
    )


def _share(items: list[Outcome], test: Callable[[Outcome], bool]) -> float:
    return sum(1 for o in items if test(o)) / len(items) if items else 0.0


@dataclass(frozen=True)
class Summary:
    """The headline figures for a group of vignettes."""

    n: int
    top1: float
    top3: float
    movement: float
    triage_exact: float
    triage_safe: float
    triage_in_range: float
    over: int
    under: int
    emergencies: int
    emergencies_missed: int
    same_day: int
    same_day_under: int
    over_range: int

    @property
    def over_under(self) -> float | None:
        return self.over / self.under if self.under else None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"over_under_ratio": self.over_under}


def summarise(items: list[Outcome]) -> Summary:
    """Compute the headline figures for a list of outcomes."""
    return Summary(
        n=len(items),
        top1=_share(items, lambda o: o.top(1)),
        top3=_share(items, lambda o: o.top(3)),
        movement=_share(items, lambda o: o.movement == o.expected_movement),
        triage_exact=_share(items, lambda o: o.delta == 0),
        triage_safe=_share(items, lambda o: o.delta >= 0),
        triage_in_range=_share(items, lambda o: o.in_range),
        over=sum(1 for o in items if o.delta > 0),
        under=sum(1 for o in items if o.delta < 0),
        emergencies=sum(1 for o in items if o.expected_triage == "emergency"),
        emergencies_missed=sum(1 for o in items if o.emergency_missed),
        same_day=sum(1 for o in items if o.same_day_expected),
        same_day_under=sum(1 for o in items if o.urgent_under_triaged),
        over_range=sum(1 for o in items if o.over_range),
    )


def by_triage_level(items: Iterable[Outcome]) -> dict[str, Summary]:
    """The same figures for each expected triage level."""
    items = list(items)
    return {
        level: summarise([o for o in items if o.expected_triage == level])
        for level in TRIAGE_ORDER
        if any(o.expected_triage == level for o in items)
    }


@dataclass(frozen=True)
class RedFlagRecall:
    """How the probes written for one dangerous presentation were triaged."""

    red_flag: str
    n: int
    safe: int
    expected: str
    got: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.safe / self.n if self.n else 0.0


def by_red_flag(items: Iterable[Outcome]) -> list[RedFlagRecall]:
    """Recall per red-flag presentation: probes triaged at the expected level or more urgently."""
    groups: dict[str, list[Outcome]] = {}
    for o in items:
        if o.red_flag is not None:
            groups.setdefault(o.red_flag, []).append(o)
    return [
        RedFlagRecall(
            red_flag=flag,
            n=len(group),
            safe=sum(1 for o in group if o.delta >= 0),
            expected="/".join(sorted({o.expected_triage for o in group}, key=TRIAGE_ORDER.index)),
            got=tuple(o.triage for o in group),
        )
        for flag, group in sorted(groups.items())
    ]
