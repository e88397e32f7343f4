"""Request and response models of the JSON API (they are also its OpenAPI schema).

Requests are checked strictly (unknown fields are an error). The assessment is the engine's own model
(``twitchcheck.engine.Assessment``); the other responses are documented with models that allow extra
fields, because the contract says fields may be added but never renamed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from twitchcheck.engine.result import Assessment

MAX_TEXT = 10_000  # the free-text parser's own limit (twitchcheck.nlp.MAX_CHARS)
MAX_EVIDENCE = 500

Sex = Literal["female", "male"]
Age = Annotated[float, Field(strict=True, ge=0, le=120, description="years")]  # strict: true is not an age
State = Literal["present", "absent", "unknown"]
Source = Literal["initial", "asked", "parsed"]


class Request(BaseModel):
    """Base of every request body: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid")


class EvidenceIn(Request):
    """One answer: a finding id, its state, and for choice or number findings a value."""

    id: str = Field(min_length=1, max_length=100, examples=["loc_calf"])
    state: State = "present"
    value: StrictStr | StrictInt | StrictFloat | None = None
    source: Source | None = None
    text: str | None = Field(default=None, max_length=MAX_TEXT)


class CaseIn(Request):
    """Evidence, age and sex."""

    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=MAX_EVIDENCE)
    age: Age | None = None
    sex: Sex | None = None

    def evidence_raw(self) -> list[dict[str, Any]]:
        """The evidence as the engine's raw mappings (unset fields left out)."""
        return [e.model_dump(exclude_none=True) for e in self.evidence]


class AssessIn(CaseIn):
    """A description in your own words, structured evidence, or both (evidence wins where they differ)."""

    text: str | None = Field(default=None, max_length=MAX_TEXT, examples=["My calf keeps twitching, no weakness."])
    evidence: list[EvidenceIn] | None = Field(default=None, max_length=MAX_EVIDENCE)  # type: ignore[assignment]
    worries: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        default=None,
        max_length=20,
        description="condition ids the person fears, besides those named in the text",
        examples=[["als"]],
    )


class ParseIn(Request):
    """A description in your own words."""

    text: str = Field(max_length=MAX_TEXT, pattern=r"\S", examples=["My left calf has been twitching for 3 weeks."])


class AskIn(Request):
    """A question about twitching."""

    question: str = Field(min_length=1, max_length=1_000, pattern=r"\S", examples=["Could my twitching be ALS?"])


class Loose(BaseModel):
    """Base of the documented responses: more fields may appear."""

    model_config = ConfigDict(extra="allow")


class ErrorBody(Loose):
    """What went wrong."""

    code: str
    message: str
    details: Any = None


class ErrorOut(Loose):
    """The one error shape of every 4xx and 5xx answer."""

    error: ErrorBody


class QuestionOut(Loose):
    """The next question: wording, kind, options and why it is asked."""

    id: str
    text: str
    type: Literal["yes_no", "single", "group"]
    options: list[dict[str, Any]] | None = None
    rationale: str


class InterviewOut(Loose):
    """The next question (null when nothing is left), whether to stop, and the assessment so far."""

    question: QuestionOut | None
    should_stop: bool
    assessment: Assessment


class ParseOut(Loose):
    """What was read from a description (evidence with spans, age, sex and more)."""

    evidence: list[dict[str, Any]]
    age: int | float | None = None  # an age read as whole years stays a whole number
    sex: str | None = None


class HealthOut(BaseModel):
    """The service is up."""

    status: Literal["ok"]


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Malformed request (for example invalid JSON)"},
    404: {"model": ErrorOut, "description": "Not found"},
    405: {"model": ErrorOut, "description": "Method not allowed"},
    422: {"model": ErrorOut, "description": "The request is not valid"},
    500: {"model": ErrorOut, "description": "Internal error"},
}
TEXT_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    413: {"model": ErrorOut, "description": "The request body is larger than 64 KB"},
    503: {"model": ErrorOut, "description": "Free text cannot be read here (twitchcheck.nlp is not installed)"},
}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (400, "Malformed request (for example invalid JSON)"),
        (401, "Not signed in, or the token is not valid"),
        (404, "Not found (or not yours)"),
        (405, "Method not allowed"),
        (403, "Refused (wrong password for a grave change, or a form from another site)"),
        (409, "Conflict (cannot register with these details, entry already stored)"),
        (413, "Body too large"),
        (422, "The request is not valid"),
        (429, "Too many failed sign-ins"),
        (500, "Internal error"),
        (503, "The database is busy or unavailable"),
    )
}
