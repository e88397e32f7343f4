"""The diary pages' forms as models: what each form sends, and how it becomes a diary entry.

A form sends text, where "" means not given; each model reads its fields (at most 4,000 characters
each, as every form field), keeps what was typed to show the form again after a refusal
(``typed``), and turns it into the diary's strict input model (``entry``), which refuses a bad
entry with a message per field. The CSRF token and the buttons come with every form and are
checked elsewhere (``web.deps``), so other fields are ignored here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from twitchcheck.diary.clock import zone
from twitchcheck.diary.schemas import DayIn, EpisodeIn, EpisodePatch, MedicationIn, SymptomIn, parse
from twitchcheck.errors import TwitchcheckError

Text = Annotated[str, Field(max_length=4000)]
EPISODE_FIELDS = ("occurred_at", "body_part", "side", "movement", "intensity", "count", "duration_s", "notes")
DAY_FIELDS = ("sleep_hours", "caffeine_mg", "alcohol_units", "stress", "exercise_minutes")


def form_number(text: str | None, kind: type = float) -> Any:
    """A number typed in a form ("" means not given); what is not a number is passed on to be refused."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if kind is int and value.is_integer() else value if kind is float else text


class PageForm(BaseModel):
    """A page's form: text fields; fields it does not name (the CSRF token, buttons) are left to others."""

    model_config = ConfigDict(extra="ignore")

    def typed(self, *names: str) -> dict[str, str]:
        """The named fields as typed, to show the form again."""
        return {name: getattr(self, name) for name in names}


class EpisodeForm(PageForm):
    """The quick form and the edit form of an episode."""

    occurred_at: Text = ""
    body_part: Text = ""
    side: Text = "none"
    movement: Text = ""
    intensity: Text = ""
    count: Text = ""
    duration_s: Text = ""
    notes: Text = ""
    timezone: Text = ""  # the browser's time zone (the quick form's script sets it)
    offset: Text = ""  # the offset the edited episode was written in ("+0100")
    when: Text = "exact"  # the quick form's choice: now, earlier_today, last_night, yesterday or exact

    def fields(self) -> dict[str, str]:
        """The episode's fields as typed."""
        return self.typed(*EPISODE_FIELDS)

    def with_offset(self) -> dict[str, str]:
        """The fields, the time keeping the offset it was written in (the edit form)."""
        form = self.fields()
        offset = self.offset
        if self.occurred_at and len(offset) == 5 and offset[0] in "+-" and offset[1:].isdigit():
            form["occurred_at"] = f"{self.occurred_at}{offset[:3]}:{offset[3:]}"
        return form

    def browser_zone(self, fallback: str) -> str:
        """The browser's time zone when it sent a valid one, else ``fallback``."""
        name = self.timezone.strip()
        return name if name and zone(name).key == name else fallback


def episode_entry(form: dict[str, str], timezone: str | None, *, patch: bool = False) -> Any:
    """A form's fields as an EpisodeIn (or EpisodePatch) — times read in the browser's or person's zone."""
    data: dict[str, Any] = {k: (form.get(k) or "").strip() for k in EPISODE_FIELDS}
    for key, kind in (("intensity", int), ("count", int), ("duration_s", float)):
        data[key] = form_number(data[key], kind)
    if data["occurred_at"]:
        try:
            moment = datetime.fromisoformat(data["occurred_at"])
            data["occurred_at"] = moment if moment.tzinfo else moment.replace(tzinfo=zone(timezone))
        except ValueError:
            pass  # refused by the schema with its message
    data["notes"] = data["notes"] or None
    if patch:
        return parse(
            EpisodePatch, {k: v for k, v in data.items() if v is not None or k in ("count", "duration_s", "notes")}
        )
    return parse(EpisodeIn, data)


class DayForm(PageForm):
    """The day's factors by taps and sliders (``diary.daysform`` reads them: drinks to mg, sliders' boxes)."""

    day: Text = ""
    sleep_hours: Text = ""
    sleep_hours_unset: Text = ""
    coffee_cups: Text = ""
    tea_cups: Text = ""
    energy_drinks: Text = ""
    other_caffeine_mg: Text = ""
    caffeine_mg: Text = ""  # the day's caffeine typed in mg (older forms and scripts)
    alcohol_units: Text = ""
    stress: Text = ""
    stress_unset: Text = ""
    exercise_minutes: Text = ""
    supplements: Text = ""
    notes: Text = ""

    def sent(self) -> dict[str, str]:
        """Every field as sent."""
        from twitchcheck.diary.daysform import FIELDS

        return self.typed(*FIELDS)

    def fields(self) -> dict[str, Any]:
        """The form as typed, ready to show again (taps, slider positions and their boxes)."""
        from twitchcheck.diary.daysform import refill

        return refill(self.sent())

    def entry(self) -> tuple[date, DayIn]:
        """The date and the factors, checked."""
        from twitchcheck.diary.daysform import day_in

        try:
            when = date.fromisoformat(self.day.strip())
        except ValueError:
            raise TwitchcheckError("invalid", "validation_error", "date: please give a date") from None
        return when, day_in(self.sent())


class MedicationForm(PageForm):
    """A medicine: name, dose, start and stop."""

    name: Text = ""
    dose: Text = ""
    start: Text = ""
    stop: Text = ""
    notes: Text = ""

    def fields(self) -> dict[str, str]:
        """The medicine as typed."""
        return self.typed("name", "dose", "start", "stop", "notes")

    def entry(self) -> MedicationIn:
        """The medicine, checked."""
        result: MedicationIn = parse(MedicationIn, {k: v.strip() or None for k, v in self.fields().items()})
        return result


class SymptomForm(PageForm):
    """Another symptom: a known one or in one's own words, with its severity."""

    day: Text = ""
    symptom: Text = ""
    other: Text = ""
    severity: Text = ""
    notes: Text = ""

    def fields(self) -> dict[str, str]:
        """The symptom as typed."""
        return self.typed("day", "symptom", "other", "severity", "notes")

    def entry(self) -> SymptomIn:
        """The symptom, checked."""
        what = self.other.strip() if self.symptom == "other" else self.symptom
        data = {"date": self.day.strip(), "symptom": what, "severity": form_number(self.severity, int)}
        result: SymptomIn = parse(SymptomIn, data | {"notes": self.notes or None})
        return result


Short = Annotated[str, Field(max_length=400)]  # the account forms' fields


class NewPasswordForm(PageForm):
    """A new password typed twice."""

    password: Short = ""
    confirm: Short = ""

    def new_password(self, differ: str = "The two passwords are not the same.") -> str:
        """The new password, once both copies agree."""
        if self.password != self.confirm:
            raise TwitchcheckError("invalid", "passwords_differ", differ)
        return self.password


class LoginForm(PageForm):
    """Signing in, and where to go next."""

    email: Short = ""
    password: Short = ""
    next: Short = "/diary"


class RegisterForm(NewPasswordForm):
    """A new account (the page's script sets the browser's time zone)."""

    email: Short = ""
    timezone: Short = "UTC"


class RecoverForm(NewPasswordForm):
    """A recovery code and a new password."""

    email: Short = ""
    code: Short = ""


class PasswordChangeForm(NewPasswordForm):
    """The current password and a new one."""

    current: Short = ""
