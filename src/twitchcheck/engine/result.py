"""The assessment as typed, frozen models: what the engine returns and every shell shows.

The JSON of ``Assessment.to_json_dict()`` is the contract's shape (../shared/CONTRACT.md), key for key
and in the same order; fields may be added, never renamed. Optional parts that are absent (an answer's
value or quoted text, the ``other`` cause's seriousness) are left out of the JSON rather than written
as null, as the contract's examples show.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from twitchcheck.kb.schema import TriageLevel

State = Literal["present", "absent", "unknown"]
Source = Literal["initial", "asked", "parsed"]
Label = Literal["likely", "possible", "unlikely"]
Value = str | int | float


class Frozen(BaseModel):
    """Base of the result models: immutable, no unknown fields, ``for`` accepted by name or alias."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True)


def _absent(value: object) -> bool:
    return value is None


class EvidenceEntry(Frozen):
    """One answer the assessment used: a finding, its state, where it came from, and its value."""

    id: str
    state: State
    source: Source
    value: Value | None = Field(None, exclude_if=_absent)
    text: str | None = Field(None, exclude_if=_absent, description="the words it was read from (free text)")


class Reason(Frozen):
    """An answer that moved a cause, with its likelihood ratio (above 1 for, below 1 against)."""

    evidence: str = Field(description="the finding id")
    state: State
    text: str = Field(description="the answer in plain words")
    likelihood_ratio: float


class MovementEntry(Frozen):
    """A kind of movement with its probability and the answers that point to it."""

    id: str
    name: str
    probability: float
    reasons: list[str]


class ConditionEntry(Frozen):
    """A cause with its probability and the answers for and against it, strongest first."""

    id: str
    name: str
    lay_name: str
    seriousness: str | None = Field(None, exclude_if=_absent)
    probability: float
    label: Label
    for_: list[Reason] = Field(alias="for")
    against: list[Reason]


class Triage(Frozen):
    """How urgently to see whom, why, and whether the warning signs have all been answered."""

    level: TriageLevel
    label: str
    time_frame: str
    clinician: str
    clinician_name: str
    reasons: list[str]
    red_flags: list[str]
    screened: bool = Field(description="every warning sign that could change this triage has an answer")
    unasked_warning_signs: list[str] = Field(description="the finding ids of those still unanswered")
    fits_harmless_pattern: bool


class TestEntry(Frozen):
    """A test a doctor may order, why, and for which cause."""

    id: str
    name: str
    why: str
    for_: str = Field(alias="for")


class AdviceEntry(Frozen):
    """Something that helps, how good the evidence for it is, and for which causes."""

    id: str
    text: str
    kind: str
    evidence: str
    for_: list[str] = Field(alias="for")


class Worry(Frozen):
    """A serious condition the person said they fear, its chance and one plain sentence on why."""

    id: str
    probability: float
    text: str


class AlsoRead(Frozen):
    """Something read or answered that changed no cause's chance, in the person's words."""

    id: str
    text: str


class FirstScreen(Frozen):
    """What a result shows before any detail: the likely answer, the harmless share, the safety net's top."""

    most_likely: str = Field(description="what it most likely is, in plain words")
    harmless_probability: float = Field(description="the combined chance of the harmless causes")
    harmless: str = Field(description="that chance in words; empty when the person must be seen today")
    safety_net: list[str] = Field(description="the most important safety-net lines, most urgent first")
    also_read: list[AlsoRead]


class Assessment(Frozen):
    """The whole assessment: movement, causes, triage, tests, advice, safety net, worries and disclaimer."""

    age: int | float | None
    sex: Literal["female", "male"] | None
    evidence: list[EvidenceEntry]
    movement: list[MovementEntry]
    conditions: list[ConditionEntry]
    triage: Triage
    tests: list[TestEntry]
    advice: list[AdviceEntry]
    safety_net: list[str]
    worries: list[Worry] = Field(description="the feared conditions the person named, answered")
    uncertainty: str
    disclaimer: str
    first_screen: FirstScreen

    def to_json_dict(self) -> dict[str, Any]:
        """The contract's JSON object (plain dicts and lists)."""
        return self.model_dump(mode="json")
