"""The free-text lexicon: lay phrases, medicine names, amounts and ConText modifiers.

The vocabulary lives in ``kb/data/lexicon.yaml``, validated here with the same strictness as the
knowledge base (unknown keys are errors). ``lexicon_faults`` checks it against ``findings.yaml``:
every finding id, option and drug class it names must exist there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twitchcheck.kb.cache import cached
from twitchcheck.kb.files import YAMLError, read_yaml
from twitchcheck.kb.loader import DATA_DIR, KnowledgeBase
from twitchcheck.kb.schema import Finding

LEXICON_PATH = DATA_DIR / "lexicon.yaml"
Category = Literal["NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HYPOTHETICAL", "FAMILY", "HISTORICAL", "TERMINATE"]
Direction = Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
Kind = Literal["SYMPTOM", "TRIGGER", "LOCATION", "MEDICINE", "SUBSTANCE", "DISEASE", "GROUP", "CHOICE"]
SexWord = Literal["female", "male"] | None


class Strict(BaseModel):
    """Base for lexicon models: unknown keys are an error, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Substance(Strict):
    """Something people take in (coffee, beer, cigarettes) and the finding it informs.

    For a number finding (caffeine) each serving adds ``per_serving`` (mg); for a yes/no finding
    (alcohol) the finding is present from ``heavy_servings_per_day`` servings a day.
    """

    name: str
    finding: str
    phrases: list[str] = Field(min_length=1)
    per_serving: float | None = None
    default_servings: float = 1
    heavy_servings_per_day: float | None = None


class Disease(Strict):
    """A disease people fear or mention in relatives.

    A relative's disease gives the family finding; the writer's own mention ("scared it's ALS") is a worry,
    answered about ``condition`` (a knowledge-base condition id) when the disease has one.
    """

    name: str
    phrases: list[str] = Field(min_length=1)
    family: str | None = None
    condition: str | None = None


class ContextRule(Strict):
    """A ConText modifier phrase (negation, fear, family, ...), with medspacy's category and direction."""

    phrase: str
    category: Category
    direction: Direction
    kinds: list[Kind] | None = None
    max_scope: int | None = Field(default=None, gt=0)


class Relative(Strict):
    """A person other than the writer: the patient when the text is about them."""

    subject: Literal["child", "other"]
    sex: SexWord = None


class Worsening(Strict):
    """Phrases that say "getting worse" without a pace, and the durations that give them one."""

    phrases: list[str] = Field(min_length=1)
    fast_max_days: float = Field(gt=0)
    weeks_max_days: float = Field(gt=0)


class ClauseRule(Strict):
    """A finding said by several kinds of words in one sentence ("my bum has gone numb": a place and a feeling).

    Each group is a list of word beginnings; one of each group must stand within ``reach`` characters of
    the first group's word. ``requires`` names findings that must already be read present, and
    ``age_max`` keeps a rule to small children.
    """

    finding: str
    groups: list[list[str]] = Field(min_length=2)
    reach: int = Field(default=80, gt=0)
    ordered: bool = False  # each group's word must come after the previous group's
    requires: list[str] = Field(default_factory=list)
    age_max: float | None = None


class SeverityWords(Strict):
    """Vocabulary of the severity rules (nlp/severity.py): temperatures, dark urine, lost strength, quiet times."""

    temperature_cues: list[str] = Field(min_length=1)
    fever_from_c: float
    high_fever_from_c: float
    hypothermia_below_c: float
    urine_words: list[str] = Field(min_length=1)
    dark_colours: list[str] = Field(min_length=1)
    inability_cues: list[str] = Field(min_length=1)
    motor_verbs: list[str] = Field(min_length=1)
    shaking_words: list[str] = Field(min_length=1)
    calm_words: list[str] = Field(min_length=1)
    clause_break_words: list[str] = Field(min_length=1, description="with ',' and ';', where a severity clause ends")


class Grammar(Strict):
    """Small words the reader's scope rules lean on (function words and tokens, not symptoms).

    Each list says what the rule that uses it does; the rules themselves (nlp/pipeline.py, scopes.py,
    locations.py, quantities.py, people.py) only say how the words combine.
    """

    sentence_ends: list[str] = Field(min_length=1, description="tokens that end a sentence")
    first_person: list[str] = Field(min_length=1, description="the writer's own words: a family cue stops at them")
    list_glue: list[str] = Field(min_length=1, description="tokens that join a list of body parts")
    prepositions: list[str] = Field(description="'in my', 'of me': a first-person word after these may be crossed")
    list_lead_max: int = Field(gt=0, description="how many words a ConText cue may stand from a list it reaches")
    verbs_with_object: list[str] = Field(description="a negated verb ('don't drink') belongs to its object")
    clause_breaks: list[str] = Field(min_length=1, description="tokens that end the clause of a statement or relative")
    modals: list[str] = Field(description="'can't', 'couldn't': the negation is of the action, not the body part")
    side_before: list[str] = Field(description="words that may stand between a side and its body part ('left hand')")
    side_after: list[str] = Field(description="words that may stand between a body part and its side ('calf on the')")
    weekdays: list[str] = Field(min_length=7, max_length=7, description="Monday first ('since Monday')")
    duration_hedges: list[str] = Field(description="words before a length of time that keep it one ('about 3 weeks')")
    holidays: list[str] = Field(description="'since Christmas'; one with 'new' means 1 January")
    decades: dict[str, int] = Field(description="'in my thirties': the decade's first year")
    self_symptom_stems: list[str] = Field(description="word beginnings that, after 'I', say the writer has it")


class Lexicon(Strict):
    """Everything the parser knows about words, beyond the synonyms in findings.yaml."""

    findings: dict[str, list[str]]
    absent_phrases: dict[str, list[str]] = Field(default_factory=dict)
    ignore_synonyms: dict[str, list[str]] = Field(default_factory=dict)
    choices: dict[str, dict[str, list[str]]]
    worsening: Worsening
    ability_findings: list[str] = Field(default_factory=list)
    severity: SeverityWords
    clause_rules: list[ClauseRule] = Field(default_factory=list)
    spelling: dict[str, str]
    filler_words: list[str]
    glue_words: list[str]
    soft_breaks: list[str]
    hard_breaks: list[str]
    twitch_words: list[str]
    exercise_words: list[str]
    after_words: list[str]
    list_locations: dict[str, str]
    generic_locations: dict[str, list[str]]
    location_attach_words: list[str]
    host_link_words: list[str]
    non_movement_hosts: list[str]
    medicines: dict[str, str]
    negated_groups: dict[str, list[str]]
    new_medicine_cues: list[str]
    substances: list[Substance]
    serving_units: dict[str, float]
    vague_amounts: dict[str, float]
    diseases: list[Disease]
    family_findings: dict[str, str]
    relatives: dict[str, Relative]
    sex_words: dict[Literal["female", "male"], list[str]]
    numbers: dict[str, float]
    time_units: dict[str, float]
    vague_durations: dict[str, float]
    duration_blockers: list[str]
    months: list[str] = Field(min_length=12, max_length=12)
    sleep_hours_short: float
    many_times_a_day_from: float = Field(gt=1, description="this many a day or more is 'many times a day'")
    grammar: Grammar
    english_words: list[str]
    context_rules: list[ContextRule]
    assertion_states: dict[str, Literal["present", "absent", "unknown"]]
    historical_present_groups: list[str]
    historical_absent_kinds: list[Kind]
    stop_phrases: list[str]


def read_lexicon(path: Path = LEXICON_PATH) -> tuple[Lexicon | None, list[str]]:
    """Read and schema-check the lexicon; return it (if valid) and every fault."""
    try:
        raw = read_yaml(path)
    except (OSError, YAMLError) as exc:
        return None, [f"{path.name}: cannot read: {exc}"]
    try:
        return Lexicon.model_validate(raw), []
    except ValidationError as exc:
        return None, [f"{path.name}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """The lexicon, read once (kept compiled in the cache, ``kb.cache``); raises ValueError listing the faults."""
    return cached("lexicon", [path], [Path(__file__)], lambda: _checked_lexicon(path))


def _checked_lexicon(path: Path) -> Lexicon:
    lexicon, faults = read_lexicon(path)
    if lexicon is None:
        raise ValueError("lexicon faults:\n" + "\n".join(faults))
    return lexicon


WHERE = "lexicon.yaml"


def _id_faults(lex: Lexicon, findings: dict[str, Finding]) -> Iterator[str]:
    """Every finding id the lexicon names exists, with the right type."""
    sections: tuple[tuple[str, Iterable[str]], ...] = (
        ("findings", lex.findings),
        ("absent_phrases", lex.absent_phrases),
        ("ignore_synonyms", lex.ignore_synonyms),
        ("choices", lex.choices),
        ("family_findings", lex.family_findings),
        ("non_movement_hosts", lex.non_movement_hosts),
        ("ability_findings", lex.ability_findings),
        ("clause_rules", [r.finding for r in lex.clause_rules] + [f for r in lex.clause_rules for f in r.requires]),
        ("negated_groups", [i for ids in lex.negated_groups.values() for i in ids]),
        ("generic_locations", [i for ids in lex.generic_locations.values() for i in ids]),
    )
    for section, fids in sections:
        yield from (f"{WHERE}: {section}: unknown finding id {fid!r}" for fid in fids if fid not in findings)
    for fid in list(lex.findings) + list(lex.absent_phrases):
        if fid in findings and findings[fid].type != "boolean":
            yield f"{WHERE}: {fid} is a {findings[fid].type} finding; give its phrases under choices or substances"
    for fid, phrases in lex.ignore_synonyms.items():
        if fid in findings:
            missing = set(phrases) - set(findings[fid].synonyms)
            yield from (f"{WHERE}: ignore_synonyms: {p!r} is not a synonym of {fid}" for p in sorted(missing))
    groups = {f.group for f in findings.values()}
    yield from (f"{WHERE}: historical_present_groups: unknown group {g!r}" for g in lex.historical_present_groups
                if g not in groups)  # fmt: skip
    for assertion in ("affirmed", "negated", "uncertain", "hypothetical", "historical", "family"):
        if assertion not in lex.assertion_states:
            yield f"{WHERE}: assertion_states: no state for {assertion!r}"


def _choice_faults(lex: Lexicon, findings: dict[str, Finding]) -> Iterator[str]:
    """Choice phrases name real options; every choice and number synonym in findings.yaml is covered."""
    for fid, options in lex.choices.items():
        finding = findings.get(fid)
        if finding is None:
            continue
        if finding.type != "choice":
            yield f"{WHERE}: choices: {fid} is not a choice finding"
            continue
        yield from (f"{WHERE}: choices: {fid} has no option {o!r}" for o in options if o not in finding.values)
        mapped = {p for phrases in options.values() for p in phrases} | set(lex.ignore_synonyms.get(fid, []))
        yield from (f"{WHERE}: choices: synonym {s!r} of {fid} maps to no option"
                    for s in finding.synonyms if s not in mapped)  # fmt: skip
    for fid, finding in findings.items():
        if finding.type == "number":
            covered = {p for s in lex.substances if s.finding == fid for p in s.phrases}
            covered |= set(lex.ignore_synonyms.get(fid, []))
            yield from (f"{WHERE}: synonym {s!r} of number finding {fid} is in no substance (or ignore_synonyms)"
                        for s in finding.synonyms if s not in covered)  # fmt: skip
        elif finding.type == "choice" and fid not in lex.choices:
            yield f"{WHERE}: choices: choice finding {fid} has no phrases"


def _group_faults(lex: Lexicon, findings: dict[str, Finding]) -> Iterator[str]:
    """Medicines map to medicine findings, family words to history findings, body words to body parts."""
    for name, cls in lex.medicines.items():
        if cls not in findings or findings[cls].group != "medicine":
            yield f"{WHERE}: medicines: {name!r} maps to {cls!r}, which is not a medicine finding"
    for sub in lex.substances:
        finding = findings.get(sub.finding)
        if finding is None:
            yield f"{WHERE}: substances: {sub.name}: unknown finding id {sub.finding!r}"
        elif finding.type == "number" and sub.per_serving is None:
            yield f"{WHERE}: substances: {sub.name} informs a number finding, so it needs per_serving"
        elif finding.type == "boolean" and sub.per_serving is not None:
            yield f"{WHERE}: substances: {sub.name} informs a yes/no finding; per_serving does not apply"
    family = [(d.name, d.family) for d in lex.diseases if d.family] + list(lex.family_findings.items())
    for own, fam in family:
        if fam not in findings or findings[fam].group != "history":
            yield f"{WHERE}: {own} maps to family finding {fam!r}, which is not a history finding"
    for word, fid in lex.list_locations.items():
        if fid not in findings or findings[fid].group != "location":
            yield f"{WHERE}: list_locations: {word!r} maps to {fid!r}, which is not a body part"


def _phrase_faults(lex: Lexicon) -> Iterator[str]:
    owners: dict[str, str] = {}
    for fid, phrases in lex.findings.items():
        for phrase in phrases:
            if not phrase.strip():
                yield f"{WHERE}: findings: {fid} has an empty phrase"
            owners.setdefault(phrase.lower(), fid)
    for fid, phrases in lex.absent_phrases.items():
        for phrase in phrases:
            if phrase.lower() in owners and owners[phrase.lower()] == fid:
                yield f"{WHERE}: absent_phrases: {phrase!r} is also a present phrase of {fid}"
    seen: set[tuple[str, str]] = set()
    for rule in lex.context_rules:
        key = (rule.phrase.lower(), rule.category)
        if key in seen:
            yield f"{WHERE}: context_rules: duplicate rule {rule.phrase!r} ({rule.category})"
        seen.add(key)
        if (rule.direction == "TERMINATE") != (rule.category == "TERMINATE"):
            yield f"{WHERE}: context_rules: {rule.phrase!r}: TERMINATE goes with category and direction together"


def lexicon_faults(kb: KnowledgeBase, path: Path = LEXICON_PATH) -> list[str]:
    """Every fault in the lexicon: schema, unknown finding ids and options, bad drug classes."""
    lex, faults = read_lexicon(path)
    if lex is None:
        return faults
    checks = (
        _id_faults(lex, kb.findings),
        _choice_faults(lex, kb.findings),
        _group_faults(lex, kb.findings),
    )
    return faults + [fault for check in checks for fault in check] + list(_phrase_faults(lex))
