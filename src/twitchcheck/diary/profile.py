"""The person's profile for the doctor report: a name to show, year of birth, sex, and when it began.

Every field is optional. "When it began" is kept as the person wrote it (a doctor wants their
words); when it reads as a date ("2026-10-15"), a month ("2026-10", "October 2026") or a year, the
report also takes that date as the onset (for medicines started in the weeks before it).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.diary.clock import local_today
from twitchcheck.diary.schemas import Strict

FIELDS = ("display_name", "birth_year", "sex", "twitching_began")
MONTHS = {
    name: i
    for i, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
MONTH_WORD = re.compile(r"^(?:(?:early|mid|late|in|since|about|around)[\s-]+)?([a-z]+)\.?\s+(\d{4})$")


def _text(value: Any) -> Any:
    """One line of text, spaces tidied; control characters (which PostgreSQL cannot store) are refused."""
    if not isinstance(value, str):
        return value
    value = " ".join(value.split())
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise PydanticCustomError("control_character", "must not contain control characters")
    return value or None


Text200 = Annotated[Annotated[str, Field(max_length=200)] | None, BeforeValidator(_text)]


class ProfileIn(Strict):
    """The profile (a PUT replaces it whole; what is left out is cleared)."""

    display_name: Text200 = Field(default=None, description="the name to show on the report (optional)")
    birth_year: Annotated[int, Field(strict=True, ge=1900)] | None = Field(default=None, examples=[2002])
    sex: Literal["female", "male"] | None = None
    twitching_began: Text200 = Field(
        default=None, description='when the twitching began: a date, a month or your words ("mid October")'
    )

    @field_validator("birth_year")
    @classmethod
    def _not_future(cls, value: int | None) -> int | None:
        if value is not None and value > date.today().year:
            raise PydanticCustomError("future", "is in the future")
        return value


def profile_dict(user: m.User) -> dict[str, Any]:
    """The profile as the API shows it."""
    return {name: getattr(user, name) for name in FIELDS}


def set_profile(session: Session, *, user_id: int, data: ProfileIn) -> m.User:
    """Store the profile (the caller holds the transaction)."""
    row = session.get(m.User, user_id)
    assert row is not None
    for name, value in data.model_dump().items():
        setattr(row, name, value)
    session.flush()
    return row


def onset_date(text: str | None, today: date | None = None) -> date | None:
    """The date a 'twitching began' text names, if it names one (a month or year reads as its first day)."""
    if not text:
        return None
    words = text.strip().lower()
    found: date | None = None
    try:
        found = date.fromisoformat(words)
    except ValueError:
        if m_ := re.fullmatch(r"(\d{4})-(\d{1,2})", words):
            year, month = int(m_[1]), int(m_[2])
            found = date(year, month, 1) if 1 <= month <= 12 else None
        elif m_ := MONTH_WORD.match(words):
            named = next((n for name, n in MONTHS.items() if name.startswith(m_[1]) and len(m_[1]) >= 3), None)
            found = date(int(m_[2]), named, 1) if named else None
        elif re.fullmatch(r"\d{4}", words):
            found = date(int(words), 1, 1)
    if found is None or found > (today or date.today()) or found.year < 1900:
        return None
    return found


def age(birth_year: int | None, today: date) -> int | None:
    """Age in years from the year of birth (the year's birthday may be still to come)."""
    return None if birth_year is None else today.year - birth_year


def header(user: m.User | None, today: date | None = None) -> dict[str, Any]:
    """What the report's header shows about the person (all keys present, None when not given)."""
    today = today or (local_today(user.timezone) if user else date.today())
    if user is None:
        return {"name": None, "age": None, "birth_year": None, "sex": None, "began_text": None, "began": None}
    return {
        "name": user.display_name,
        "age": age(user.birth_year, today),
        "birth_year": user.birth_year,
        "sex": user.sex,
        "began_text": user.twitching_began,
        "began": onset_date(user.twitching_began, today),
    }
