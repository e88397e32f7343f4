"""The diary's charts (matplotlib): a timeline, the places, the hours of the day and the factor effects.

Each chart is drawn from the analysis (plus the daily counts for the timeline) and returned as SVG
text (pages and the PDF) or PNG bytes. Colours are colour-blind safe (Okabe-Ito) and every chart
has a title and labelled axes, so it reads without the page around it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
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


def _figure(width: float = 7.0, height: float = 2.6) -> Figure:
    with plt.rc_context(STYLE):
        return Figure(figsize=(width, height), dpi=100, layout="constrained")


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


def timeline(counts: pd.Series, analysis: dict[str, Any]) -> Figure:
    """Episodes per day (weekly bars for long diaries), the 7-day average, mean intensity, and changes."""
    with plt.rc_context(STYLE):
        fig = _figure()
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
        ax.set_ylabel("episodes per day" + (" (weekly mean)" if long else ""))
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
            twin.set_ylabel("intensity (0-10)", color=VERMILION)
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
                    fontsize=7,
                    color=GREEN,
                    fontweight="bold",
                )
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        locator = AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        ax.set_title("Episodes over time" + ("  (green lines: numbered changes)" if analysis.get("changes") else ""))
        handles = [h for a in fig.axes for h in a.get_legend_handles_labels()[0]]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=7, frameon=False)
        return fig


def places(analysis: dict[str, Any]) -> Figure:
    """Episodes by body part, split by side."""
    rows = analysis.get("by_body_part", [])[:12][::-1]
    with plt.rc_context(STYLE):
        fig = _figure(3.4, 0.45 + 0.28 * max(len(rows), 1))
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
            ax.legend(fontsize=7, frameon=False, loc="lower right")
        return fig


def hours(analysis: dict[str, Any]) -> Figure:
    """Episodes by hour of the day (local time)."""
    with plt.rc_context(STYLE):
        fig = _figure(3.4, 1.9)
        ax = fig.add_subplot()
        ax.bar(range(24), analysis.get("by_hour", [0] * 24), color=BLUE, width=0.8)
        ax.set_xticks(range(0, 24, 3))
        ax.set_xlabel("hour of the day")
        ax.set_ylabel("episodes")
        ax.set_title("When in the day")
        return fig


def factors(analysis: dict[str, Any]) -> Figure:
    """Rate ratios (same day and next day) with 95 % CIs, log scale; 1 means no difference."""
    rows = [r for r in analysis.get("triggers", []) if r["status"] == "ok"][:12]
    with plt.rc_context(STYLE):
        fig = _figure(7.0, 0.6 + 0.3 * max(len(rows), 2))
        ax = fig.add_subplot()
        if not rows:
            ax.text(
                0.5,
                0.5,
                f"Not enough days yet (at least {analysis.get('min_days', 3)} with and without)",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
            ax.set_axis_off()
            return fig
        labels = [f"{r['label']} ({'next day' if r['lag'] == 'next_day' else 'same day'})" for r in rows][::-1]
        for y, row in enumerate(rows[::-1]):
            colour = (VERMILION if row["rate_ratio"] > 1 else GREEN) if row["clear"] else GREY
            low, high = row["ci95"]
            ax.plot([low, high], [y, y], color=colour, linewidth=2)
            ax.plot(row["rate_ratio"], y, "o", color=colour, markersize=5)
        ax.axvline(1, color="#333333", linewidth=0.8)
        _ratio_axis(ax)
        ax.set_yticks(range(len(labels)), labels)
        right = ax.twinx()
        right.set_ylim(ax.get_ylim())
        values = [f"{r['rate_ratio']:.2g}× ({r['ci95'][0]:.2g}–{r['ci95'][1]:.2g})" for r in rows][::-1]
        right.set_yticks(range(len(values)), values, fontsize=7)
        right.tick_params(length=0)
        right.spines["top"].set_visible(False)
        ax.set_xlabel("times as many episodes per day as without (95% CI)")
        ax.set_title("Possible triggers")
        return fig


CHARTS: dict[str, Callable[..., Figure]] = {"places": places, "hours": hours, "factors": factors}


def svg(fig: Figure) -> str:
    """The chart as SVG text."""
    return _render(fig, "svg").decode()


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


def all_svgs(counts: pd.Series, analysis: dict[str, Any]) -> dict[str, str]:
    """Every chart as SVG text, by name."""
    out = {"timeline": svg(timeline(counts, analysis))}
    for name, draw in CHARTS.items():
        out[name] = svg(draw(analysis))
    return out
