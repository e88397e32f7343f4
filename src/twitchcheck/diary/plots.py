"""The diary's charts (matplotlib): a timeline, the places, the hours of the day and the factor effects.

Each chart is drawn from the analysis (plus the daily counts for the timeline) and returned as SVG
text (pages and the PDF) or PNG bytes. Colours are colour-blind safe (Okabe-Ito) and every chart
has a title and labelled axes, so it reads without the page around it.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

BLUE, ORANGE, GREEN, GREY, VERMILION, SKY = "#0072B2", "#E69F00", "#009E73", "#8a8f98", "#D55E00", "#56B4E9"
SIDE_COLOURS = {"left": BLUE, "right": ORANGE, "both": GREEN, "none": GREY}
STYLE: Any = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "axes.titlesize": 10,
    "axes.titlelocation": "left",
    "svg.fonttype": "none",
    "svg.hashsalt": "twitchcheck",
}


@dataclass(frozen=True)
class Look:
    """Sizes for a medium: the printed report (A4 width) or a screen that may be a 390 px phone.

    On screen a chart is shown at most ``width`` inches wide, and on a phone about 358 CSS px: with
    text of ``small`` points or more in a ``width``-inch figure, no text renders under 12 px there.
    """

    width: float  # inches, for the wide charts (timeline, triggers)
    half: float  # inches, for the charts shown in pairs (places, hours)
    font: float  # points: axis labels and titles
    small: float  # points: ticks, legends, annotations
    wrap: int  # characters per line of a trigger label


PRINT = Look(width=7.0, half=3.4, font=9, small=7, wrap=60)
SCREEN = Look(width=4.0, half=3.4, font=11.5, small=11.5, wrap=22)


def _figure(width: float = 7.0, height: float = 2.6) -> Figure:
    with plt.rc_context(STYLE):
        return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _style(look: Look) -> Any:
    return STYLE | {
        "font.size": look.font,
        "axes.titlesize": look.font + 1,
        "axes.labelsize": look.font,
        "xtick.labelsize": look.small,
        "ytick.labelsize": look.small,
        "legend.fontsize": look.small,
    }


def _render(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    with plt.rc_context(STYLE):
        fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def _ratio_axis(ax: Any) -> None:
    """A log axis labelled as ratios (0.5, 1, 2 times) instead of powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.set_xscale("log")
    low, high = ax.get_xlim()
    ticks = [t for t in (0.1, 0.25, 0.5, 1, 2, 4, 10) if low <= t <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks or [1]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}×"))


def timeline(counts: pd.Series, analysis: dict[str, Any], look: Look = PRINT) -> Figure:
    """Episodes per day (weekly bars for long diaries), the 7-day average, mean intensity, and changes."""
    with plt.rc_context(_style(look)):
        fig = _figure(look.width, 2.6 if look is PRINT else 3.2)
        ax = fig.add_subplot()
        if counts.empty:
            ax.text(0.5, 0.5, "No episodes yet", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        long = len(counts) > 180
        shown = counts.resample("W-MON", label="left", closed="left").mean() if long else counts
        step = pd.Timedelta(days=7 if long else 1)
        edges = [*shown.index, shown.index[-1] + step]
        ax.stairs(shown.to_numpy(), edges, fill=True, color=SKY, label="episodes per day")  # one artist, fast
        if not long:
            smooth = counts.rolling(7, min_periods=1).mean()
            ax.plot(smooth.index, smooth.to_numpy(), color=BLUE, linewidth=1.6, label="7-day average")
        ax.set_ylabel(("episodes per day" if look is PRINT else "a day") + (" (weekly mean)" if long else ""))
        weekly = [w for w in analysis.get("weekly", []) if w["mean_intensity"] is not None]
        if weekly:
            twin = ax.twinx()
            twin.plot(
                pd.to_datetime([w["week"] for w in weekly]) + pd.Timedelta(days=3),
                [w["mean_intensity"] for w in weekly],
                color=VERMILION,
                linewidth=1.2,
                marker="o",
                markersize=2.5,
                label="mean intensity (0-10)",
            )
            twin.set_ylim(0, 10.5)
            twin.set_ylabel("intensity (0-10)" if look is PRINT else "intensity", color=VERMILION)
            twin.spines["top"].set_visible(False)
        for number, change in enumerate(analysis.get("changes", [])[:9], start=1):
            when = pd.Timestamp(change["date"])
            if counts.index.min() <= when <= counts.index.max():
                ax.axvline(when, color=GREEN, linestyle="--", linewidth=1)
                ax.annotate(
                    f"{number}",
                    (when, 1.0),
                    xycoords=("data", "axes fraction"),
                    ha="center",
                    va="bottom",
                    fontsize=look.small,
                    color=GREEN,
                    fontweight="bold",
                )
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DateLocator, DayLocator

        # A day or two get one tick a day (the automatic choice warns and guesses there).
        locator: DateLocator = DayLocator() if len(counts) < 3 else AutoDateLocator(maxticks=8 if look is PRINT else 4)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        changes_note = "  (green lines: numbered changes)" if analysis.get("changes") and look is PRINT else ""
        ax.set_title("Episodes over time" + changes_note)
        handles = [h for a in fig.axes for h in a.get_legend_handles_labels()[0]]
        columns = 3 if look is PRINT else 1
        fig.legend(handles=handles, loc="outside lower center", ncols=columns, fontsize=look.small, frameon=False)
        return fig


def places(analysis: dict[str, Any], look: Look = PRINT) -> Figure:
    """Episodes by body part, split by side."""
    rows = analysis.get("by_body_part", [])[:12][::-1]
    with plt.rc_context(_style(look)):
        fig = _figure(look.half, (0.45 if look is PRINT else 0.9) + look.font / 32 * max(len(rows), 1))
        ax = fig.add_subplot()
        left = [0.0] * len(rows)
        for side, colour in SIDE_COLOURS.items():
            values = [r["sides"].get(side, 0) for r in rows]
            if any(values):
                ax.barh([r["name"] for r in rows], values, left=left, color=colour, label=side)
                left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_xlabel("episodes")
        ax.set_title("Where")
        if rows:
            ax.legend(fontsize=look.small, frameon=False, loc="lower right")
        return fig


def hours(analysis: dict[str, Any], look: Look = PRINT) -> Figure:
    """Episodes by hour of the day (local time)."""
    with plt.rc_context(_style(look)):
        fig = _figure(look.half, 1.9 if look is PRINT else 2.4)
        ax = fig.add_subplot()
        ax.bar(range(24), analysis.get("by_hour", [0] * 24), color=BLUE, width=0.8)
        ax.set_xticks(range(0, 24, 3 if look is PRINT else 6))
        ax.set_xlabel("hour of the day")
        ax.set_ylabel("episodes")
        ax.set_title("When in the day")
        return fig


def factors(analysis: dict[str, Any], look: Look = PRINT) -> Figure:
    """Rate ratios (same day and next day) with 95 % CIs, log scale; 1 means no difference."""
    rows = [r for r in analysis.get("triggers", []) if r["status"] == "ok"][:12]
    per_row = 0.3 if look is PRINT else 0.55
    with plt.rc_context(_style(look)):
        fig = _figure(look.width, 0.9 + per_row * max(len(rows), 2))
        ax = fig.add_subplot()
        if not rows:
            ax.text(
                0.5,
                0.5,
                textwrap.fill(
                    f"Not enough days yet (at least {analysis.get('min_days', 3)} with and without)", look.wrap + 10
                ),
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
            ax.set_axis_off()
            return fig
        labels = [
            textwrap.fill(f"{r['label']} ({'next day' if r['lag'] == 'next_day' else 'same day'})", look.wrap)
            for r in rows
        ][::-1]
        for y, row in enumerate(rows[::-1]):
            colour = (VERMILION if row["rate_ratio"] > 1 else GREEN) if row["clear"] else GREY
            low, high = row["ci95"]
            ax.plot([low, high], [y, y], color=colour, linewidth=2)
            ax.plot(row["rate_ratio"], y, "o", color=colour, markersize=5)
        ax.axvline(1, color="#333333", linewidth=0.8)
        _ratio_axis(ax)
        ax.set_yticks(range(len(labels)), labels)
        if look is PRINT:  # on screen the numbers are in the table under "the numbers"
            right = ax.twinx()
            right.set_ylim(ax.get_ylim())
            values = [f"{r['rate_ratio']:.2g}× ({r['ci95'][0]:.2g}–{r['ci95'][1]:.2g})" for r in rows][::-1]
            right.set_yticks(range(len(values)), values, fontsize=look.small)
            right.tick_params(length=0)
            right.spines["top"].set_visible(False)
        ax.set_xlabel(
            "times as many episodes per day as without (95% CI)" if look is PRINT else "times as many (95% CI)"
        )
        ax.set_title("Possible triggers")
        return fig


CHARTS: dict[str, Callable[..., Figure]] = {"places": places, "hours": hours, "factors": factors}


def svg(fig: Figure, look: Look = PRINT) -> str:
    """The chart as SVG text."""
    buffer = io.BytesIO()
    with plt.rc_context(_style(look)):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue().decode()


def png(fig: Figure, dpi: int = 150) -> bytes:
    """The chart as PNG bytes."""
    fig.set_dpi(dpi)
    return _render(fig, "png")


def all_pngs(counts: pd.Series, analysis: dict[str, Any], dpi: int = 150) -> dict[str, bytes]:
    """Every chart as PNG bytes, by name."""
    out = {"timeline": png(timeline(counts, analysis), dpi)}
    for name, draw in CHARTS.items():
        out[name] = png(draw(analysis), dpi)
    return out


def all_svgs(counts: pd.Series, analysis: dict[str, Any], look: Look = SCREEN) -> dict[str, str]:
    """Every chart as SVG text, by name (sized for screens, phones included, unless told otherwise)."""
    out = {"timeline": svg(timeline(counts, analysis, look), look)}
    for name, draw in CHARTS.items():
        out[name] = svg(draw(analysis, look), look)
    return out
