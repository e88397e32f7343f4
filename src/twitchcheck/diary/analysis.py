"""What the diary shows: how often, how strong and where, whether it spreads, and what seems to matter.

- Trends: episodes per day and intensity over time (weekly), by body part, by hour of day, and the
  body parts in the order they first appeared (spreading).
- Triggers: for each daily factor, episodes per day on days with and without it, the same day and
  the next day, as a rate ratio with a 95 % CI — only with at least ``MIN_DAYS`` days each way
  (as Bearable asks), otherwise it says how many more days are needed.
- Changes: episodes per day in the four weeks before and after a change (a medicine started or
  stopped, a supplement started, caffeine cut, or a date the person names), with a rate ratio and CI.

Thin or uneven data gets ``"status": "not_enough_data"`` and a message saying why, never an
estimate that the data cannot support (see ``stats``): a comparison needs episodes on both sides,
and the trend needs a few weeks with episodes on several days.

These are associations in one person's diary, not proof of cause; the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from twitchcheck.diary import plain, vocab
from twitchcheck.diary.frames import DiaryFrames
from twitchcheck.diary.stats import MIN_TREND_ACTIVE_DAYS, MIN_TREND_DAYS, MIN_TREND_EPISODES, poisson_trend, rate_ratio

MIN_DAYS = 3  # days with and days without a factor before comparing
MIN_CHANGE_DAYS = 7  # days before and after a change before comparing
CHANGE_WINDOW = 28  # days compared on each side of a change
NEW_PLACE_AFTER = 14  # a body part first seen this many days after onset counts as spreading
MIN_EPISODES_EACH_SIDE = 1  # a ratio against zero episodes is not an estimate
MIN_EPISODES_COMPARED = 5  # episodes on both sides together before comparing


@dataclass(frozen=True)
class Factor:
    """A yes/no reading of a daily factor, e.g. 'slept under 6 hours'."""

    key: str
    label: str
    column: str
    threshold: float
    below: bool = False
    plain: str = ""  # the factor in a sentence: "days with {plain}"

    def flag(self, values: pd.Series) -> pd.Series:
        """Whether each (known) value counts as 'with the factor'."""
        return values < self.threshold if self.below else values >= self.threshold


FACTORS: tuple[Factor, ...] = (
    Factor("short_sleep", "Slept under 6 hours", "sleep_hours", 6, below=True, plain="under 6 hours' sleep"),
    Factor(
        "caffeine",
        "Caffeine 200 mg or more (about 2 coffees)",
        "caffeine_mg",
        200,
        plain="2 or more coffees' worth of caffeine (200 mg)",
    ),
    Factor("alcohol", "Any alcohol", "alcohol_units", 0.5, plain="any alcohol"),
    Factor("stress", "Stress 6/10 or more", "stress", 6, plain="stress of 6/10 or more"),
    Factor("exercise", "Exercise 30 minutes or more", "exercise_minutes", 30, plain="30 minutes' exercise or more"),
)


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def significant(value: float, digits: int = 3) -> float:
    """A ratio rounded to significant digits (0.0042 stays 0.0042; 191.68 becomes 192.0)."""
    return float(f"{float(value):.{digits}g}")


def daily_counts(frames: DiaryFrames) -> pd.Series:
    """Episodes on every day from the first to the last diary entry (0 on days without)."""
    dates = [frames.episodes["date"]] if not frames.episodes.empty else []
    if not frames.days.empty:
        dates.append(pd.Series(frames.days.index))
    if not dates:
        return pd.Series(dtype="float64")
    every = pd.concat(dates)
    span = pd.date_range(every.min(), every.max(), freq="D")
    return frames.episodes.groupby("date").size().reindex(span, fill_value=0).astype("float64")


def _compare(
    with_: np.ndarray, without: np.ndarray, minimum: int, words: tuple[str, str] = ("with", "without")
) -> dict[str, Any]:
    out: dict[str, Any] = {"days_with": len(with_), "days_without": len(without)}
    if len(with_) < minimum or len(without) < minimum:
        need_with, need_without = max(0, minimum - len(with_)), max(0, minimum - len(without))
        a, b = words
        out["status"] = "not_enough_data"
        out["message"] = (
            f"needs at least {minimum} days {a} and {minimum} {b} ({need_with} more {a}, {need_without} more {b})"
        )
        return out
    total_with, total_without = float(with_.sum()), float(without.sum())
    if min(total_with, total_without) < MIN_EPISODES_EACH_SIDE or total_with + total_without < MIN_EPISODES_COMPARED:
        a, b = words
        out["status"] = "not_enough_data"
        out["message"] = (
            f"too few episodes to compare ({total_with:.0f} on days {a}, {total_without:.0f} on days {b}; "
            f"needs some on both and {MIN_EPISODES_COMPARED} in all)"
        )
        return out
    rr = rate_ratio(with_, without)
    if not rr.sane:
        out["status"] = "not_enough_data"
        out["message"] = "the episodes are too few or too uneven for a reliable comparison"
        return out
    out |= {
        "status": "ok",
        "mean_with": _r(rr.mean_a),
        "mean_without": _r(rr.mean_b),
        "rate_ratio": significant(rr.ratio),
        "ci95": [significant(rr.low), significant(rr.high)],
        "p_value": _r(rr.p_value, 4),
        "clear": rr.clear,
    }
    return out


def _trigger_rows(frames: DiaryFrames, counts: pd.Series) -> list[dict[str, Any]]:
    days = frames.days
    flags: list[tuple[str, str, str, pd.Series]] = []
    plain_labels = {f.key: f.plain for f in FACTORS}
    for factor in FACTORS:
        known = days[factor.column].dropna()
        flags.append((factor.key, factor.label, factor.column, factor.flag(known)))
    supplements = sorted({s for values in days["supplements"] for s in values}) if not days.empty else []
    for name in supplements:
        flags.append(
            (
                f"supplement:{name}",
                f"Took {name}",
                "supplements",
                days["supplements"].map(lambda taken, n=name: n in taken),
            )
        )
    rows = []
    for key, label, column, flag in flags:
        for lag, lag_name in ((0, "same_day"), (1, "next_day")):
            target = flag.index + pd.Timedelta(days=lag)
            present = target.isin(counts.index)
            outcome = counts.reindex(target[present]).to_numpy()
            mask = flag.to_numpy()[present].astype(bool)
            row = {"factor": key, "label": label, "column": column, "lag": lag_name}
            rows.append(row | _compare(outcome[mask], outcome[~mask], MIN_DAYS))
    _holm(rows)
    for row in rows:
        row["plain"] = plain.trigger_sentence(row, plain_labels.get(row["factor"]) or row["factor"].split(":", 1)[-1])
    rows.sort(key=lambda r: (r["status"] != "ok", not r.get("clear"), -abs(np.log(r.get("rate_ratio") or 1))))
    return rows


def _holm(rows: list[dict[str, Any]]) -> None:
    """Holm-adjusted p-values across all comparisons made; 'clear' means adjusted p < 0.05.

    Many factors are tested at once, so one may look linked by chance; the adjustment keeps the
    chance of any false 'clear' finding at 5 %.
    """
    tested = sorted((r for r in rows if r["status"] == "ok"), key=lambda r: r["p_value"])
    running = 0.0
    for i, row in enumerate(tested):
        running = max(running, min(1.0, (len(tested) - i) * row["p_value"]))
        row["p_adjusted"] = _r(running, 4)
        row["clear"] = running < 0.05


def _supplement_changes(frames: DiaryFrames) -> list[tuple[date, str, str]]:
    days = frames.days
    if days.empty:
        return []
    out = []
    for name in sorted({s for values in days["supplements"] for s in values}):
        taken = days["supplements"].map(lambda taken, n=name: n in taken)
        first, last = taken.idxmax(), taken[::-1].idxmax()
        if (~taken[:first]).sum() >= MIN_CHANGE_DAYS:
            out.append((first.date(), f"Started {name}", "supplement_start"))
        if (~taken[last:]).sum() > MIN_CHANGE_DAYS:
            out.append(((last + pd.Timedelta(days=1)).date(), f"Stopped {name}", "supplement_stop"))
    return out


def _caffeine_change(frames: DiaryFrames) -> list[tuple[date, str, str]]:
    caffeine = frames.days["caffeine_mg"].dropna() if not frames.days.empty else pd.Series(dtype="float64")
    if len(caffeine) < 2 * MIN_CHANGE_DAYS:
        return []
    values, dates = caffeine.to_numpy(), caffeine.index
    for i in range(MIN_CHANGE_DAYS, len(values) - MIN_CHANGE_DAYS + 1):
        before, after = values[max(0, i - 14) : i], values[i : i + 14]
        if before.mean() >= 100 and after.max() <= 0.25 * before.mean() and values[i - 1] > values[i]:
            label = f"Cut caffeine (from about {before.mean():.0f} to {after.mean():.0f} mg a day)"
            return [(dates[i].date(), label, "caffeine_cut")]
    return []


def detect_changes(frames: DiaryFrames) -> list[tuple[date, str, str]]:
    """Changes worth a before/after look: medicines started or stopped, supplements, caffeine cut."""
    out: list[tuple[date, str, str]] = []
    for med in frames.medications:
        label = med["name"] + (f" {med['dose']}" if med.get("dose") else "")
        out.append((med["start"], f"Started {label}", "medicine_start"))
        if med.get("stop"):
            out.append((med["stop"] + timedelta(days=1), f"Stopped {label}", "medicine_stop"))
    out += _supplement_changes(frames) + _caffeine_change(frames)
    return sorted(out)


def before_after(counts: pd.Series, when: date, label: str, kind: str = "custom") -> dict[str, Any]:
    """Episodes per day in the ``CHANGE_WINDOW`` days before ``when`` and from ``when`` on."""
    day = pd.Timestamp(when)
    window = pd.Timedelta(days=CHANGE_WINDOW)
    before = counts[(counts.index >= day - window) & (counts.index < day)].to_numpy()
    after = counts[(counts.index >= day) & (counts.index < day + window)].to_numpy()
    row = {"date": when.isoformat(), "label": label, "kind": kind, "window_days": CHANGE_WINDOW}
    compared = _compare(after, before, MIN_CHANGE_DAYS, ("after", "before"))
    compared["days_after"], compared["days_before"] = compared.pop("days_with"), compared.pop("days_without")
    if compared["status"] == "ok":
        compared["mean_after"], compared["mean_before"] = compared.pop("mean_with"), compared.pop("mean_without")
    out = row | compared
    out["plain"] = plain.change_sentence(out)
    return out


def _by_body_part(episodes: pd.DataFrame) -> list[dict[str, Any]]:
    total = len(episodes)
    grouped = episodes.groupby("body_part")
    stats = grouped.agg(
        episodes=("intensity", "size"),
        mean_intensity=("intensity", "mean"),
        first=("date", "min"),
        last=("date", "max"),
    ).sort_values(["episodes", "first"], ascending=[False, True])
    sides = episodes.groupby(["body_part", "side"]).size()
    return [
        {
            "body_part": part,
            "name": vocab.body_part_name(str(part)),
            "episodes": int(row.episodes),
            "share": _r(row.episodes / total, 3),
            "mean_intensity": _r(row.mean_intensity, 1),
            "first_seen": row.first.date().isoformat(),
            "last_seen": row.last.date().isoformat(),
            "sides": {str(side): int(n) for side, n in sides[part].items()},
        }
        for part, row in stats.iterrows()
    ]


def _spreading(episodes: pd.DataFrame, today: date) -> dict[str, Any]:
    firsts = episodes.groupby("body_part")["date"].agg(["min", "size"]).sort_values("min")
    onset = firsts["min"].iloc[0]
    order = [
        {
            "body_part": part,
            "name": vocab.body_part_name(str(part)),
            "first_seen": row["min"].date().isoformat(),
            "days_after_onset": int((row["min"] - onset).days),
            "episodes": int(row["size"]),
        }
        for part, row in firsts.iterrows()
    ]
    new = [p for p in order if p["days_after_onset"] >= NEW_PLACE_AFTER and p["episodes"] >= 2]
    recent = [
        p for p in order if p["days_after_onset"] > 0 and (today - date.fromisoformat(p["first_seen"])).days <= 30
    ]
    return {"order": order, "new_places": new, "new_in_last_30_days": recent, "is_spreading": bool(new)}


def _summary(episodes: pd.DataFrame, counts: pd.Series) -> dict[str, Any]:
    last28 = counts[counts.index > counts.index.max() - pd.Timedelta(days=28)]
    prev28 = counts[
        (counts.index <= counts.index.max() - pd.Timedelta(days=28))
        & (counts.index > counts.index.max() - pd.Timedelta(days=56))
    ]
    durations = episodes["duration_s"].dropna()
    return {
        "episodes": len(episodes),
        "twitches": int(episodes["count"].fillna(1).sum()),
        "onset": episodes["date"].min().date().isoformat(),
        "latest": episodes["date"].max().date().isoformat(),
        "days_tracked": len(counts),
        "days_with_episodes": int((counts > 0).sum()),
        "per_day": _r(counts.mean()),
        "per_day_last_28": _r(last28.mean()),
        "per_day_previous_28": _r(prev28.mean()) if len(prev28) else None,
        "intensity": {
            "mean": _r(episodes["intensity"].mean(), 1),
            "median": _r(episodes["intensity"].median(), 1),
            "max": int(episodes["intensity"].max()),
        },
        "duration_s": {
            "recorded": len(durations),
            "median": _r(durations.median(), 1) if len(durations) else None,
            "max": _r(durations.max(), 1) if len(durations) else None,
        },
    }


def _trend_row(trend: Any) -> dict[str, Any]:
    """The trend as JSON, or why there is none."""
    if trend is None:
        message = (
            f"not enough data for a trend: needs at least {MIN_TREND_DAYS} days, {MIN_TREND_EPISODES} episodes "
            f"on {MIN_TREND_ACTIVE_DAYS} or more different days, spread enough to fit"
        )
        return {"status": "not_enough_data", "message": message, "plain": plain.trend_sentence(None)}
    row = {
        "status": "ok",
        "rate_ratio_per_30_days": significant(trend.ratio),
        "ci95": [significant(trend.low), significant(trend.high)],
        "p_value": _r(trend.p_value, 4),
        "direction": trend.direction,
    }
    return row | {"plain": plain.trend_sentence(row)}


def analyse(
    frames: DiaryFrames, *, changes: list[tuple[date, str]] | None = None, today: date | None = None
) -> dict[str, Any]:
    """The whole analysis as plain JSON-ready data (see the module docstring)."""
    today = today or date.today()
    counts = daily_counts(frames)
    episodes = frames.episodes
    result: dict[str, Any] = {"min_days": MIN_DAYS, "min_change_days": MIN_CHANGE_DAYS}
    if episodes.empty:
        result |= {"status": "empty", "message": "no episodes yet: add a few to see trends", "summary": None}
        result |= {"triggers": [], "changes": [], "by_body_part": [], "by_hour": [0] * 24, "weekly": []}
        return result
    weekly = episodes.set_index("date").resample("W-MON", label="left", closed="left")["intensity"]
    trend = poisson_trend(counts.to_numpy())
    by_movement = episodes.groupby("movement").size().sort_values(ascending=False)
    events = [(d, label, kind) for d, label, kind in detect_changes(frames)]
    events += [(d, label or f"Change on {d.isoformat()}", "custom") for d, label in (changes or [])]
    result |= {
        "status": "ok",
        "summary": _summary(episodes, counts),
        "trend": _trend_row(trend),
        "weekly": [
            {"week": str(week.date()), "episodes": int(n), "mean_intensity": _r(mean, 1)}
            for week, n, mean in zip(weekly.size().index, weekly.size(), weekly.mean(), strict=True)
        ],
        "by_body_part": _by_body_part(episodes),
        "by_hour": episodes.groupby("hour").size().reindex(range(24), fill_value=0).astype(int).tolist(),
        "by_movement": [{"movement": str(k), "episodes": int(v)} for k, v in by_movement.items()],
        "spreading": _spreading(episodes, today),
        "triggers": _trigger_rows(frames, counts),
        "changes": [before_after(counts, d, label, kind) for d, label, kind in sorted(events)],
    }
    return result
