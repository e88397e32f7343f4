"""What a diary entry may contain: strict input models shared by the API, the pages, the CLI and import.

Numbers must be numbers (``"5"`` and ``true`` are refused), dates and times must be ISO 8601
text, names must be known (body part, side, movement), and every text has a length limit, so a
bad entry is refused whole with a message per field. Checks that need the person's clock (no
dates in the future) are made in ``service``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from twitchcheck.diary import vocab
from twitchcheck.engine.result import Assessment
from twitchcheck.errors import TwitchcheckError
from twitchcheck.kb.schema import TRIAGE_ORDER

MAX_NOTES = 2000
MAX_NAME = 200
MAX_SUPPLEMENTS = 30
LEVELS = TRIAGE_ORDER
ASSESSMENT_PARTS = frozenset(Assessment.model_fields)
MAX_ASSESSMENT_DEPTH = 32  # an assessment nests about 5 levels; JSON encoders stop at a few hundred
UID_PATTERN = re.compile(r"[0-9a-f]{32}")  # a record identity, as export writes it


def _iso_text(value: Any) -> Any:
    """Dates and times come as ISO 8601 text (or already parsed); numbers are not dates."""
    if isinstance(value, (str, date, datetime)):
        return value.strip() if isinstance(value, str) else value
    raise PydanticCustomError("iso_text", "must be ISO 8601 text, e.g. 2026-11-20T21:15:00+01:00 or 2026-11-20")


def _text(value: Any) -> Any:
    """Trim text; an empty text means 'not given'."""
    if isinstance(value, str):
        return value.strip() or None
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text)]
IsoDate = Annotated[date, BeforeValidator(_iso_text)]
Notes = Annotated[Annotated[str, Field(max_length=MAX_NOTES)] | None, BeforeValidator(_text)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
OptionalName = Annotated[Annotated[str, Field(max_length=MAX_NAME)] | None, BeforeValidator(_text)]
Side = Literal["left", "right", "both", "none"]
Movement = Literal["fasciculation", "myokymia", "myoclonus", "tremor", "tic", "cramp", "spasm"]
Intensity = Annotated[int, Field(strict=True, ge=0, le=10, description="0 (barely) to 10 (the strongest)")]
Count = Annotated[int, Field(strict=True, ge=1, le=100_000, description="how many twitches")]
Seconds = Annotated[float, Field(strict=True, ge=0, le=86_400, description="how long it lasted, in seconds")]


def _holds_nul(value: Any) -> bool:
    """Whether a text anywhere in the input holds a NUL character (PostgreSQL cannot store one)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(v) for v in value)
    return False


class Strict(BaseModel):
    """Unknown fields are refused (a typo must not be silently dropped), and so is a NUL character in any text."""

    model_config = ConfigDict(extra="forbid", str_max_length=100_000)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _holds_nul(data):
            raise PydanticCustomError("nul_character", "text must not contain NUL characters")
        return data


def _body_part(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    part = vocab.resolve_body_part(value)
    if part is None:
        known = ", ".join(vocab.body_sites())
        raise PydanticCustomError(
            "unknown_body_part",
            "unknown body part {part}; use one of: {known}",
            {"part": repr(value[:60]), "known": known},
        )
    return part


BodyPart = Annotated[str, BeforeValidator(_body_part), Field(description="e.g. calf, eyelid, thigh (or loc_calf)")]


class EpisodeIn(Strict):
    """A new episode. Times without an offset are read in the person's time zone."""

    occurred_at: IsoDateTime
    body_part: BodyPart
    side: Side
    movement: Movement
    count: Count | None = None
    duration_s: Seconds | None = None
    intensity: Intensity
    notes: Notes = None
    uid: Annotated[str | None, Field(pattern=r"^[0-9a-f]{32}$")] = None


class EpisodePatch(Strict):
    """A change to an episode: only the fields given are changed (``null`` clears an optional one)."""

    occurred_at: IsoDateTime | None = None
    body_part: BodyPart | None = None
    side: Side | None = None
    movement: Movement | None = None
    count: Count | None = None
    duration_s: Seconds | None = None
    intensity: Intensity | None = None
    notes: Notes = None

    @field_validator("occurred_at", "body_part", "side", "movement", "intensity")
    @classmethod
    def _required_not_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("required", "cannot be cleared")
        return value


def _supplements(value: Any) -> Any:
    if isinstance(value, str):  # "magnesium; vitamin d" from a form or CSV
        value = value.replace(",", ";").split(";")
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            word = " ".join(item.strip().lower().split()) if isinstance(item, str) else item
            if word and word not in out:
                out.append(word)
        return out
    return value


Servings = Annotated[int, Field(strict=True, ge=0, le=30, description="servings that day")]


class DayIn(Strict):
    """The day's factors (a PUT replaces the whole day; what is left out is 'not recorded').

    Cups of coffee, cups of tea and energy drinks may be given instead of (or with) ``caffeine_mg``;
    their caffeine is added up from ``diary/data/caffeine.yaml``.
    """

    sleep_hours: Annotated[float, Field(strict=True, ge=0, le=24)] | None = None
    caffeine_mg: Annotated[float, Field(strict=True, ge=0, le=10_000)] | None = None
    alcohol_units: Annotated[float, Field(strict=True, ge=0, le=100)] | None = None
    stress: Annotated[int, Field(strict=True, ge=0, le=10)] | None = None
    exercise_minutes: Annotated[float, Field(strict=True, ge=0, le=1440)] | None = None
    supplements: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[^,;]+$")]],
        BeforeValidator(_supplements),
        Field(max_length=MAX_SUPPLEMENTS, description="e.g. magnesium, vitamin d"),
    ] = []
    notes: Notes = None
    coffee_cups: Servings | None = None
    tea_cups: Servings | None = None
    energy_drinks: Servings | None = None

    @model_validator(mode="after")
    def _caffeine_from_drinks(self) -> DayIn:
        """Drinks given: caffeine_mg is their caffeine (EFSA figures), or the day's total if given too."""
        from twitchcheck.diary.drinks import caffeine_mg

        servings = {"coffee_cups": self.coffee_cups, "tea_cups": self.tea_cups, "energy_drinks": self.energy_drinks}
        from_drinks = caffeine_mg(servings)
        if from_drinks is None:
            return self
        if self.caffeine_mg is None:
            self.caffeine_mg = from_drinks
        elif self.caffeine_mg < from_drinks:
            raise PydanticCustomError(
                "caffeine_below_drinks",
                f"caffeine_mg is the day's total and cannot be less than the drinks' {from_drinks:g} mg",
            )
        return self


class MedicationIn(Strict):
    """A medicine: its name, dose, and when it was started (and stopped)."""

    name: Annotated[Name, BeforeValidator(_text)]
    dose: OptionalName = None
    start: IsoDate
    stop: IsoDate | None = None
    notes: Notes = None
    uid: Annotated[str | None, Field(pattern=r"^[0-9a-f]{32}$")] = None


class MedicationPatch(Strict):
    """A change to a medicine, e.g. the day it was stopped."""

    name: Annotated[Name | None, BeforeValidator(_text)] = None
    dose: OptionalName = None
    start: IsoDate | None = None
    stop: IsoDate | None = None
    notes: Notes = None


def _symptom(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    word = " ".join(value.strip().split())
    known = vocab.symptoms()
    key = word.lower().replace(" ", "_")
    if key in known:
        return key
    by_name = {name.lower(): sid for sid, name in known.items()}
    return by_name.get(word.lower(), word)


class SymptomIn(Strict):
    """Another symptom on a day: a known id (``weakness``, ``numbness_tingling``...) or your own words."""

    date: IsoDate
    symptom: Annotated[str, BeforeValidator(_symptom), Field(min_length=1, max_length=MAX_NAME)]
    severity: Annotated[int, Field(strict=True, ge=0, le=10)] | None = None
    notes: Notes = None
    uid: Annotated[str | None, Field(pattern=r"^[0-9a-f]{32}$")] = None


def nesting_depth(value: Any) -> int:
    """How deeply lists and objects nest in a JSON value (without recursion, so any depth is safe)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item if isinstance(child, dict | list))
    return deepest


def check_assessment(data: Any) -> dict[str, Any]:
    """An assessment as the engine returns it (the contract's shape); refuse anything else.

    One with every part of today's assessment is validated whole by the engine's own model
    (``twitchcheck.engine.Assessment``); one saved by an earlier version, without the parts added
    since, needs its triage level and lists.
    """
    if not isinstance(data, dict):
        raise TwitchcheckError("invalid", "invalid_assessment", "an assessment must be a JSON object")
    problems = []
    triage = data.get("triage")
    if not isinstance(triage, dict) or triage.get("level") not in LEVELS:
        problems.append({"field": "triage.level", "problem": f"must be one of {', '.join(LEVELS)}"})
    for key in ("conditions", "movement", "evidence"):
        if not isinstance(data.get(key), list):
            problems.append({"field": key, "problem": "must be a list"})
    if nesting_depth(data) > MAX_ASSESSMENT_DEPTH:
        problems.append({"field": "", "problem": f"is nested more than {MAX_ASSESSMENT_DEPTH} levels deep"})
    if not problems and data.keys() >= ASSESSMENT_PARTS:
        try:
            Assessment.model_validate(data)
        except ValidationError as exc:
            problems = [{"field": ".".join(map(str, e["loc"])), "problem": e["msg"]} for e in exc.errors()[:20]]
    if problems:
        raise TwitchcheckError("invalid", "invalid_assessment", "this is not an assessment from twitchcheck", problems)
    return data


def parse(model: type[Strict], data: Any) -> Any:
    """Validate plain data (a form, a CSV row, a CLI call) into a model, or raise a 422 TwitchcheckError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {
                "field": ".".join(str(p) for p in err["loc"]) or "body",
                "problem": str(err["msg"]).removeprefix("Value error, "),
            }
            for err in exc.errors()
        ]
        first = details[0]
        raise TwitchcheckError(
            "invalid", "validation_error", f"{first['field']}: {first['problem']}", details
        ) from None
