"""The schema of the knowledge base's two whole-file documents: the triage policy and the seed coverage list.

Like every entry in ``schema.py``, unknown keys are rejected and numbers carry their basis.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from twitchcheck.kb.schema import Basis, Clinician, Strict, TriageLevel


class TriageLevelInfo(Strict):
    """How a triage level reads, and the risk at which the differential reaches it."""

    id: TriageLevel
    label: str
    mark: str = Field(description="the level in one word, shown beside its colour (pages, the terminal)")
    time_frame: str
    risk_threshold: float


class Presentation(Strict):
    """How an assessment words its numbers: labels, the answers it lists, when a cause counts as clear."""

    likely: float = Field(gt=0, lt=1)
    possible: float = Field(gt=0, lt=1)
    explain_ratio: float = Field(gt=1, description="an answer is listed for or against a cause past this ratio")
    max_reasons: int = Field(ge=1)
    advice_causes: int = Field(ge=1, description="advice and tests are given for at most this many causes")
    advice_cover: float = Field(gt=0, le=1, description="... or until they cover this share of the probability")
    few_answers: int = Field(ge=0, description="with fewer answers than this the result is a rough first guess")
    fairly_clear: float = Field(gt=0, lt=1, description="the leading cause is 'fairly clear' from here")
    tests_from: TriageLevel = Field(description="tests are listed only when the triage is this level or above")
    treatments_from: TriageLevel = Field(description="a doctor's treatments are listed from this level on")
    self_care_up_to: TriageLevel = Field(
        description="self-care and reassurance up to this level; above it only `urgent` advice and the tests of "
        "causes that need care that urgently"
    )
    safety_net_first: int = Field(ge=1, description="the first screen shows this many safety-net lines")
    safety_net_urgency: dict[TriageLevel, list[str]] = Field(
        description="words that mark a safety-net line's urgency, for putting the most urgent first"
    )
    basis: Basis


class Sentences(Strict):
    """The engine's own sentences; the names in braces (``{probability}``, ``{finding}`` ...) are filled in."""

    harmless: str
    generic_safety_net: str
    few_answers: str
    fairly_clear: str
    no_clear_cause: str
    poor_fit_named: str
    poor_fit: str
    most_likely: str = Field(description="the first screen's answer: {name} and {chance}")
    needs_care_now: str = Field(description="the answer instead when the result is same-day care or an ambulance")
    needs_care_now_cause: str = Field(description="the same, naming the likeliest cause that needs care now")
    harmless_share: str = Field(description="the harmless causes' combined chance: {chance}")
    worry_levels: dict[Literal["very_unlikely", "unlikely", "possible", "likely"], str] = Field(
        description="a worry's first words by its chance: {name}, {chance}"
    )
    worry_against: str = Field(description="what the person said against it, in their words: {quotes}")
    worry_against_answers: str = Field(description="the same when only answers to questions speak against it")
    worry_nothing_for: str
    worry_for: str = Field(description="what the person said for it: {quotes}")
    worry_change: str = Field(description="what would change it: {findings}")
    cause_possible: str = Field(description="why the differential raises triage: a cause at a more urgent level")
    cause_outside: str = Field(description="... when that is a cause outside the knowledge base")
    answer_yes: str = Field(description="an answer in plain words, as listed for or against a cause")
    answer_no: str
    answer_value: str
    answer_not_value: str


class FitCheck(Strict):
    """When no harmless cause explains what was reported, the result is never self-care.

    A harmless cause is one whose own triage level is self-care. The fit is poor when a reported
    finding of ``groups`` is rare (background at most ``rare_background``) and no harmless cause makes
    it likelier than an unrelated cause does; when everything reported is at least
    ``likelihood_ratio`` times likelier under another cause (or an unrelated one) than under the best
    harmless cause; or when a cause outside the knowledge base has at least ``other_mass``.
    """

    groups: list[str] = Field(min_length=1)
    rare_background: float
    likelihood_ratio: float
    other_mass: float
    level: TriageLevel
    basis: Basis


class UnscreenedSelfCare(Strict):
    """How a self-care result reads while warning signs that would change it are still unanswered."""

    label: str
    time_frame: str
    reason: str


class TriagePolicy(Strict):
    """Triage levels, clinician labels and the disclaimer.

    ``cautious_readings`` is how many reported warning signs (and unexplained findings) the risk part
    reads every way (present, absent, unknown) so that reporting one can never lower the triage.
    """

    levels: list[TriageLevelInfo]
    basis: Basis
    fit: FitCheck
    cautious_readings: int = Field(ge=0, le=6)
    unscreened_self_care: UnscreenedSelfCare
    presentation: Presentation
    sentences: Sentences
    clinicians: dict[Clinician, str]
    disclaimer: str


class SeedItem(Strict):
    """Something a seed article names, and the knowledge-base entry that covers it."""

    name: str
    seeds: list[str] = Field(min_length=1)
    covered_by: list[str] = Field(min_length=1)


class SeedCoverage(Strict):
    """The written list of what the seed articles name: causes, tests, treatments, warning signs."""

    causes: list[SeedItem]
    tests: list[SeedItem]
    treatments: list[SeedItem]
    warning_signs: list[SeedItem]
