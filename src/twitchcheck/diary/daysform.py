"""The day form's taps and sliders, read into a day's factors (and a stored day back into the form).

Drinks are tapped as servings and stored as the day's caffeine in mg (``drinks``), plus any other
caffeine typed in mg. A slider always sends a number, so each has a "not recorded" box: the value
counts only when the box is unticked (the page's script unticks it when the slider moves; without
JavaScript the person unticks it). Everything is validated by ``DayIn``, so a bad form is refused
whole with the field named.
"""

from __future__ import annotations

from typing import Any

from twitchcheck.diary import drinks as drinks_mod
from twitchcheck.diary import models as m
from twitchcheck.diary.schemas import DayIn, parse

DRINKS = ("coffee_cups", "tea_cups", "energy_drinks")
FIELDS = (
    "day",
    "sleep_hours",
    "sleep_hours_unset",
    *DRINKS,
    "other_caffeine_mg",
    "caffeine_mg",
    "stress",
    "stress_unset",
    "alcohol_units",
    "exercise_minutes",
    "supplements",
    "notes",
)
DEFAULT_SLEEP, DEFAULT_STRESS = 7.0, 0


def number(text: str | None, whole: bool = False) -> Any:
    """A typed number ("" is not given); what is not a number is passed on for the schema to refuse."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    if whole:
        return int(value) if value.is_integer() else text
    return value


def day_in(form: dict[str, str]) -> DayIn:
    """The posted form as validated day factors (raises a 422 TwitchcheckError)."""
    data: dict[str, Any] = {
        "sleep_hours": None if form.get("sleep_hours_unset") else number(form.get("sleep_hours")),
        "stress": None if form.get("stress_unset") else number(form.get("stress"), whole=True),
        "alcohol_units": number(form.get("alcohol_units")),
        "exercise_minutes": number(form.get("exercise_minutes")),
        "supplements": form.get("supplements") or "",
        "notes": (form.get("notes") or "").strip() or None,
    }
    for name in DRINKS:
        data[name] = number(form.get(name), whole=True)
    other = number(form.get("other_caffeine_mg") or form.get("caffeine_mg"))
    servings = {name: data[name] if isinstance(data[name], int) else None for name in DRINKS}
    from_drinks = drinks_mod.caffeine_mg(servings)
    if isinstance(other, float) and from_drinks is not None and other >= 0:
        data["caffeine_mg"] = other + from_drinks
    else:
        data["caffeine_mg"] = other  # None (drinks alone: the schema adds them up) or refused by the schema
    day: DayIn = parse(DayIn, data)
    return day


def form_of(row: m.Day | None) -> dict[str, Any]:
    """A stored day as the form shows it (taps, sliders, other caffeine)."""
    if row is None:
        return refill({})
    servings = {name: getattr(row, name) for name in DRINKS}
    from_drinks = drinks_mod.caffeine_mg(servings) or 0.0
    other = (row.caffeine_mg or 0.0) - from_drinks if row.caffeine_mg is not None else 0.0
    form = {
        "sleep_hours": "" if row.sleep_hours is None else f"{row.sleep_hours:g}",
        "sleep_hours_unset": "1" if row.sleep_hours is None else "",
        "stress": "" if row.stress is None else str(row.stress),
        "stress_unset": "1" if row.stress is None else "",
        "other_caffeine_mg": f"{other:g}" if other > 0.5 else "",
        "alcohol_units": "" if row.alcohol_units is None else f"{row.alcohol_units:g}",
        "exercise_minutes": "" if row.exercise_minutes is None else f"{row.exercise_minutes:g}",
        "supplements": ", ".join(row.supplements or []),
        "notes": row.notes or "",
    }
    form |= {name: "" if servings[name] is None else str(servings[name]) for name in DRINKS}
    return refill(form)


def refill(form: dict[str, Any]) -> dict[str, Any]:
    """Complete a form for the template: every field present, slider positions and 'not recorded' states."""
    out = {name: form.get(name) or "" for name in FIELDS}
    if not form:
        out["sleep_hours_unset"] = out["stress_unset"] = "1"
    out["sleep_unset"] = bool(out["sleep_hours_unset"])
    out["stress_unset"] = bool(out["stress_unset"])
    sleep, stress = number(out["sleep_hours"]), number(out["stress"], whole=True)
    out["sleep_value"] = f"{sleep:g}" if isinstance(sleep, float) and 0 <= sleep <= 14 else f"{DEFAULT_SLEEP:g}"
    out["stress_value"] = stress if isinstance(stress, int) and 0 <= stress <= 10 else DEFAULT_STRESS
    return out
