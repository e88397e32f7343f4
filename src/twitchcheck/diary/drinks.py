"""Caffeine from drinks: the day form counts cups and cans, the diary stores milligrams.

The caffeine per serving is data (``data/caffeine.yaml``, from EFSA 2015) so the page can say
what a cup means and where the figure comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

MAX_SERVINGS = 30  # servings of one drink in a day


@dataclass(frozen=True)
class Drink:
    """One kind of drink: the form field, its name, the serving meant and its caffeine."""

    field: str
    name: str
    serving: str
    mg: float


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("twitchcheck.diary").joinpath("data", "caffeine.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def drinks() -> tuple[Drink, ...]:
    """The drinks the form counts, in form order."""
    return tuple(
        Drink(field=k, name=v["name"], serving=v["serving"], mg=float(v["mg"])) for k, v in _data()["drinks"].items()
    )


def source() -> dict[str, str]:
    """Where the caffeine figures come from (title and address)."""
    return dict(_data()["source"])


def caffeine_mg(servings: dict[str, int | None]) -> float | None:
    """The caffeine of the servings given (None when no drink was given at all)."""
    given = [(d, servings.get(d.field)) for d in drinks()]
    if all(n is None for _, n in given):
        return None
    return float(sum(d.mg * (n or 0) for d, n in given))
