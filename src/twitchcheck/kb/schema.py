"""The knowledge-base schema: every YAML entry is validated against these models.

Unknown keys are rejected everywhere (``extra="forbid"``), so a typo in a data file is an
error rather than a silently ignored field. Every number carries its provenance: a list of
source ids, an estimate with its reasoning, or both.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

TriageLevel = Literal["self_care", "routine", "soon", "urgent", "emergency"]
TRIAGE_ORDER: tuple[TriageLevel, ...] = ("self_care", "routine", "soon", "urgent", "emergency")
Clinician = Literal[
    "gp",
    "neurologist",
    "ophthalmologist",
    "sleep_medicine",
    "endocrinologist",
    "mental_health",
    "pharmacist",
    "emergency_services",
]
MovementId = Literal["fasciculation", "myokymia", "myoclonus", "tremor", "tic", "cramp", "spasm"]
MOVEMENT_IDS: tuple[MovementId, ...] = (
    "fasciculation",
    "myokymia",
    "myoclonus",
    "tremor",
    "tic",
    "cramp",
    "spasm",
)
AgeBand = Literal["child", "young_adult", "middle_age", "older"]
AGE_BANDS: tuple[tuple[AgeBand, float], ...] = (
    ("child", 18),
    ("young_adult", 40),
    ("middle_age", 65),
    ("older", float("inf")),
)


def age_band(age: float) -> AgeBand:
    """Map an age in years to its band: child <18, young adult 18-39, middle age 40-64, older 65+."""
    for band, upper in AGE_BANDS:
        if age < upper:
            return band
    return "older"


class Strict(BaseModel):
    """Base for every knowledge-base model: unknown keys are an error, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Basis(Strict):
    """Where a number comes from: cited sources, an estimate with its reasoning, or both."""

    sources: list[str] = Field(default_factory=list)
    estimate: str | None = None

    @model_validator(mode="after")
    def _has_provenance(self) -> Basis:
        if not self.sources and not (self.estimate and self.estimate.strip()):
            raise ValueError("a number needs sources or an estimate with its reasoning")
        return self


WEAK_SOURCE_KINDS = frozenset({"seed", "lay", "ai_summary"})


class Source(Strict):
    """A reference that knowledge entries cite.

    grade: G guideline or official body, T professional reference or textbook,
    P peer-reviewed study, S secondary or lay source (use only where nothing better exists).
    """

    id: str
    title: str
    url: str | None = None
    seed: str | None = None
    kind: Literal["guideline", "reference", "study", "review", "seed", "lay", "ai_summary"]
    grade: Literal["G", "T", "P", "S"]

    @property
    def weak(self) -> bool:
        """A seed article, lay page or AI summary: never enough on its own to support a fact."""
        return self.kind in WEAK_SOURCE_KINDS or self.grade == "S"

    @model_validator(mode="after")
    def _has_location(self) -> Source:
        if not self.url and not self.seed:
            raise ValueError("a source needs a url or a seed file name")
        return self


class Bin(Strict):
    """One bin of a number finding: values up to ``max`` (inclusive); the last bin has no max."""

    id: str
    label: str
    max: float | None = None


class Option(Strict):
    """One answer of a choice finding."""

    id: str
    label: str


class AskedFor(Strict):
    """Who a question applies to: pregnancy only women of child-bearing age, lost skills only small children.

    The interview does not ask others, and does not ask when the age or sex it needs is unknown.
    """

    age_min: float | None = None
    age_max: float | None = None
    sex: Literal["female", "male"] | None = None


class Finding(Strict):
    """Something a person can report. ``level`` says which node its likelihoods hang on."""

    id: str
    name: str
    question: str
    type: Literal["boolean", "choice", "number"]
    level: Literal["condition", "movement"]
    # "measurement": what a device measured (a phone tremor recording); never asked in the interview.
    group: Literal[
        "warning", "location", "timing", "trigger", "medicine", "history", "symptom", "character", "measurement"
    ]
    hpo: str | None = Field(default=None, pattern=r"^HP:\d{7}$")
    synonyms: list[str] = Field(default_factory=list)
    unit: str | None = None
    bins: list[Bin] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
    background: float | dict[str, float] | None = None
    basis: Basis | None = None
    asked_for: AskedFor | None = None

    def applies_to(self, age: float | None, sex: str | None) -> bool:
        """Whether the question makes sense for this person (unknown age or sex fails a limit on it)."""
        a = self.asked_for
        if a is None:
            return True
        if (a.age_min is not None or a.age_max is not None) and age is None:
            return False
        too_young = age is not None and a.age_min is not None and age < a.age_min
        too_old = age is not None and a.age_max is not None and age > a.age_max
        if too_young or too_old:
            return False
        return a.sex is None or a.sex == sex

    @property
    def values(self) -> list[str]:
        """The outcomes a likelihood table covers: present/absent, options or bins."""
        if self.type == "choice":
            return [o.id for o in self.options]
        if self.type == "number":
            return [b.id for b in self.bins]
        return ["present", "absent"]

    def bin_for(self, value: float) -> str:
        """The bin a number falls into."""
        for b in self.bins:
            if b.max is None or value <= b.max:
                return b.id
        return self.bins[-1].id


MEASUREMENT_GROUP = "measurement"  # findings that come only from a device, never from a question
Probability = float
Likelihood = float | dict[str, float]


class LikelihoodEntry(Strict):
    """P(finding | condition): a number for a yes/no finding, or a table over options or bins."""

    p: Likelihood
    sources: list[str] = Field(default_factory=list)
    estimate: str | None = None

    @model_validator(mode="after")
    def _has_provenance(self) -> LikelihoodEntry:
        if not self.sources and not (self.estimate and self.estimate.strip()):
            raise ValueError("a likelihood needs sources or an estimate with its reasoning")
        return self


class Codes(Strict):
    """Codes in the standard terminologies, where known."""

    icd10: str
    icd11: str | None = None
    snomed: str | None = None
    orpha: str | None = None


class Prior(Strict):
    """Share of people who notice an involuntary movement for whom this is the cause."""

    value: float
    sources: list[str] = Field(default_factory=list)
    estimate: str | None = None

    @model_validator(mode="after")
    def _has_provenance(self) -> Prior:
        if not self.sources and not (self.estimate and self.estimate.strip()):
            raise ValueError("a prior needs sources or an estimate with its reasoning")
        return self


class AgeFactors(Strict):
    """Multipliers of the prior by age band, relative to the all-ages average (1.0)."""

    child: float = 1.0
    young_adult: float = 1.0
    middle_age: float = 1.0
    older: float = 1.0
    basis: Basis


class SexFactors(Strict):
    """Multipliers of the prior by sex, relative to the average of both (1.0)."""

    female: float = 1.0
    male: float = 1.0
    basis: Basis


class RuleCondition(Strict):
    """When a rule applies.

    All of ``all``, at least one of ``any`` and at least one of ``and_any`` are present, every
    choice or number finding in ``values`` has one of the listed options or bins, and none of
    ``unless`` is present. ``unless`` names what makes the pattern expected rather than alarming
    (a seizure in someone with known epilepsy); it may never name a warning sign, so that
    reporting a warning sign can still only raise the triage.
    """

    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    and_any: list[str] = Field(default_factory=list)
    values: dict[str, list[str]] = Field(default_factory=dict)
    unless: list[str] = Field(default_factory=list)
    age_min: float | None = None
    age_max: float | None = None
    sex: Literal["female", "male"] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> RuleCondition:
        if not self.all and not self.any and not self.values:
            raise ValueError("a rule needs at least one finding in `all`, `any` or `values`")
        return self


class Escalation(Strict):
    """A pattern (for example lasting more than 2 weeks) that makes this cause need a doctor sooner."""

    when: RuleCondition
    level: TriageLevel
    clinician: Clinician
    why: str
    sources: list[str] = Field(min_length=1)


class ConditionTriage(Strict):
    """How urgently this cause needs a doctor, if it is the likely one."""

    level: TriageLevel
    clinician: Clinician
    why: str
    escalations: list[Escalation] = Field(default_factory=list)


class ConditionTest(Strict):
    """A test from the catalogue and why it is done for this cause.

    ``only_if``: the test is offered only when one of these findings is present (an EEG for sleep starts only
    when there are also daytime jerks or a seizure); ``only_if_basis`` says why.
    """

    id: str
    why: str
    only_if: list[str] = Field(default_factory=list)
    only_if_basis: Basis | None = None

    @model_validator(mode="after")
    def _condition_sourced(self) -> ConditionTest:
        if self.only_if and self.only_if_basis is None:
            raise ValueError("a test offered only in some cases (only_if) needs an only_if_basis")
        return self


class Condition(Strict):
    """A cause of involuntary movement."""

    id: str
    name: str
    lay_name: str
    summary: str
    codes: Codes
    category: Literal[
        "benign",
        "lifestyle",
        "sleep",
        "metabolic",
        "medication",
        "toxic",
        "neurological",
        "neuromuscular",
        "vascular",
        "infectious",
        "psychological",
    ]
    seriousness: Literal["harmless", "mild", "moderate", "serious", "life_threatening"]
    prior: Prior
    age_factors: AgeFactors | None = None
    sex_factors: SexFactors | None = None
    movements: dict[MovementId, float]
    likelihoods: dict[str, LikelihoodEntry]
    triage: ConditionTriage
    tests: list[ConditionTest] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)
    safety_net: list[str] = Field(default_factory=list)
    management: str
    course: str
    sources: list[str] = Field(min_length=1)


class RedFlagRule(Strict):
    """A finding or combination that sets a minimum triage level (an Infermedica-style triage tuple)."""

    id: str
    when: RuleCondition
    level: TriageLevel
    clinician: Clinician
    reason: str
    sources: list[str] = Field(min_length=1)


class MedicalTest(Strict):
    """A test a doctor may order."""

    id: str
    name: str
    kind: Literal["blood", "urine", "neurophysiology", "imaging", "sleep", "examination", "other"]
    shows: str
    when: str
    sources: list[str] = Field(min_length=1)


class Advice(Strict):
    """Self-care, something to avoid, or a treatment a doctor may offer, with honest evidence.

    Cautions, checked against what the person said: ``avoid_if`` names findings (heart failure, kidney
    disease) with which the advice is not given; ``not_with`` names causes (at a "possible" chance or more)
    or red-flag rules (that hold) with which it is not given, such as "don't stop your medicines" when the
    medicine is the danger; ``instead`` is the advice given in its place. ``caution_basis`` says why.
    """

    id: str
    kind: Literal["self_care", "avoid", "treatment", "reassurance"]
    text: str
    evidence: Literal["good", "some", "limited", "against"]
    evidence_note: str | None = None
    sources: list[str] = Field(min_length=1)
    avoid_if: list[str] = Field(default_factory=list)
    not_with: list[str] = Field(default_factory=list)
    instead: str | None = None
    caution_basis: Basis | None = None
    urgent: bool = Field(False, description="belongs in a same-day or emergency result (see presentation)")

    @model_validator(mode="after")
    def _caution_sourced(self) -> Advice:
        if (self.avoid_if or self.not_with) and self.caution_basis is None:
            raise ValueError("advice with avoid_if or not_with needs a caution_basis")
        if self.instead and not (self.avoid_if or self.not_with):
            raise ValueError("`instead` needs avoid_if or not_with")
        return self
