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


class Movement(Strict):
    """A kind of involuntary movement, with P(finding | movement) for movement-level findings."""

    id: MovementId
    name: str
    lay_name: str
    diary_name: str = Field(description="the short name a diary entry shows, e.g. 'Twitch (fasciculation)'")
    description: str
    hpo: str | None = Field(default=None, pattern=r"^HP:\d{7}$")
    other_share: float
    likelihoods: dict[str, float]
    basis: Basis


class GuidePage(Strict):
    """A guide page of its own: the address's last part and the page's title."""

    slug: str = Field(pattern=r"^[a-z][a-z-]*$")
    title: str


class BodySite(Strict):
    """A place on the body: its location finding, its name, its SNOMED CT code and its guide page."""

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    finding: str
    name: str
    snomed: str = Field(pattern=r"^\d{6,18}$")
    snomed_display: str
    aliases: list[str] = Field(default_factory=list)
    guide: GuidePage | None = None


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
