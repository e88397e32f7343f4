"""The diary's statistics in plain words: "about twice as many ...; could still be chance".

A rate ratio becomes a rough multiple ("about twice as many", "about a third as many") and its
95 % interval and multiple-testing result become how sure the diary can be. Thin data is said to
be thin: a trend whose interval is wide is "too few entries to tell" (never "stable"), and a large
fall with a wide interval reads "fewer lately, but too few entries to be sure". The numbers stay
in the analysis for whoever opens the details.
"""

from __future__ import annotations

from typing import Any

FRACTIONS = {2: "half", 3: "a third", 4: "a quarter", 5: "a fifth", 6: "a sixth", 8: "an eighth", 10: "a tenth"}
WIDE = 4.0  # an interval whose ends differ by more than this factor says little about "no change"
SURE = "a clear link in your diary (still not proof that one causes the other)"
CHANCE = "could still be chance"
THIN = "too few entries to be sure"


def multiple(ratio: float) -> str:
    """A ratio as a rough multiple: 'about twice as many', 'about as many', 'about a third as many'."""
    if 0.8 < ratio < 1.25:
        return "about as many"
    if ratio >= 1:
        if ratio < 1.75:
            return "about one and a half times as many"
        if ratio < 2.5:
            return "about twice as many"
        if ratio < 3.5:
            return "about three times as many"
        return f"about {round(ratio)} times as many" if ratio < 20 else "many times as many"
    if ratio > 0.6:
        return "somewhat fewer"
    if ratio > 0.42:
        return "about half as many"
    if ratio < 0.09:
        return "far fewer"
    nearest = min(FRACTIONS, key=lambda n: abs(1 / n - ratio))
    return f"about {FRACTIONS[nearest]} as many"


def certainty(row: dict[str, Any]) -> str:
    """How sure a comparison is: clear after allowing for many comparisons, thin, or possibly chance."""
    low, high = row["ci95"]
    if row.get("clear"):
        return SURE
    if high / low > 10 and low < 1 < high:
        return THIN
    return CHANCE


def trigger_sentence(row: dict[str, Any], plain_label: str) -> str:
    """One trigger comparison in words, or why there is none yet."""
    when = f"the day after a day with {plain_label}" if row["lag"] == "next_day" else f"days with {plain_label}"
    if row["status"] != "ok":
        return f"{when[0].upper()}{when[1:]}: not enough entries yet ({row['message']})."
    words = multiple(row["rate_ratio"])
    compared = "than on other days" if words in ("somewhat fewer", "far fewer") else "as on other days"
    return f"{words.capitalize()} twitch episodes on {when} {compared}; {certainty(row)}."


def change_sentence(row: dict[str, Any]) -> str:
    """A before/after comparison in words."""
    if row["status"] != "ok":
        return f"{row['label']}: not enough entries yet ({row['message']})."
    words = multiple(row["rate_ratio"])
    compared = "than before" if words in ("somewhat fewer", "far fewer") else "as before"
    return f"{row['label']}: {words} episodes a day after it {compared}; {certainty(row)}."


def trend_sentence(trend: dict[str, Any] | None) -> str:
    """The trend over time in words; thin data is 'too few entries to tell', never 'stable'."""
    if not trend or trend.get("status") != "ok":
        return "Too few entries to tell whether it is changing."
    ratio, (low, high) = trend["rate_ratio_per_30_days"], trend["ci95"]
    if low > 1:
        return "More lately: the twitching has become more frequent."
    if high < 1:
        return "Fewer lately: the twitching has become less frequent."
    if ratio <= 2 / 3:
        return "Fewer lately, but too few entries to be sure."
    if ratio >= 1.5:
        return "More lately, but too few entries to be sure."
    if high / low > WIDE:
        return "Too few entries to tell whether it is changing."
    return "About as often as before: no clear change."
