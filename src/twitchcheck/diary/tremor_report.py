"""The doctor report's "Tremor measurements": a table over time, frequency and size over time, the latest plots.

A neurologist reads a tremor by its frequency, its size and when it shows (at rest, arms held out,
on movement); the diary keeps each phone measurement with its date, so the report shows how these
move, for example before and after cutting caffeine or starting a medicine. For a medicine started
with measurements of the same task on both sides, it states the median size before and after, as
numbers only: phone measurements vary with how the phone is held, and two sets of a few
measurements prove no effect. Charts are PNG (matplotlib), drawn from the stored spectrum and trace.
"""

from __future__ import annotations

import base64
import io
import statistics
from datetime import UTC, date, datetime, time
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from twitchcheck.diary.clock import zone
from twitchcheck.tremor.evidence import size_words
from twitchcheck.tremor.plot import STYLE, measurement_figure
from twitchcheck.tremor.result import TASK_NAMES

TASK_COLOURS = {"rest": "#0072B2", "postural": "#D55E00", "kinetic": "#009E73", None: "#8a8f98"}
TASK_MARKERS = {"rest": "o", "postural": "s", "kinetic": "^", None: "D"}
MAX_ROWS = 40  # the table lists the latest measurements; the export has them all
MIN_EACH_SIDE = 2  # measurements of one task before and after a medicine's start, to compare them


def task_name(task: str | None) -> str:
    """The task in words ("arms held out"), or "not said"."""
    return TASK_NAMES[task] if task else "not said"


def local_time(entry: dict[str, Any], timezone: str) -> datetime:
    """When the measurement was made, in the person's time zone."""
    moment = datetime.fromisoformat(entry["recorded_at"])
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone(timezone))


def row(entry: dict[str, Any], timezone: str) -> dict[str, Any]:
    """One line of the table: when, task, frequency, size, steadiness and the note."""
    tremor = entry["verdict"] == "tremor"
    steady = entry.get("steady")
    steadiness = ("steady" if steady else "varying") if tremor and steady is not None else "–"
    if tremor:
        frequency, size = f"{entry['frequency_hz']:.1f} Hz", f"{entry['amplitude_m_s2']:.2f} m/s²"
        movement = f"about {size_words(entry['displacement_cm'])}" if entry.get("displacement_cm") else ""
    else:
        frequency = "no visible tremor" if entry["verdict"] == "physiological" else "no tremor"
        size, movement = f"< {entry['detection_limit_m_s2']:.3f} m/s²" if entry["verdict"] == "none" else "–", ""
    return {
        "when": local_time(entry, timezone).strftime("%Y-%m-%d %H:%M"),
        "task": task_name(entry.get("task")),
        "frequency": frequency,
        "size": size,
        "movement": movement,
        "steadiness": steadiness,
        "note": entry.get("note") or "",
    }


def _png_uri(fig: Figure, dpi: int = 130) -> str:
    buffer = io.BytesIO()
    with plt.rc_context(STYLE):
        fig.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def over_time_figure(entries: list[dict[str, Any]], timezone: str, starts: list[tuple[date, str]]) -> Figure:
    """Frequency (top) and size (bottom, log scale) of each measurement by date, one colour per task.

    A measurement without a visible tremor is drawn on the size axis at the recording's detection
    limit, pointing down (the tremor, if any, was smaller). Medicines' start dates are dotted lines.
    """
    with plt.rc_context(STYLE):
        fig = Figure(figsize=(7.0, 3.6), dpi=100, layout="constrained")
        freq_ax, size_ax = fig.subplots(2, 1, sharex=True)
        for task in (*TASK_NAMES, None):
            mine = [e for e in entries if e.get("task") == task]
            if not mine:
                continue
            colour, marker, label = TASK_COLOURS[task], TASK_MARKERS[task], task_name(task)
            shown = [e for e in mine if e["verdict"] == "tremor"]
            when = [local_time(e, timezone) for e in shown]
            freq_ax.plot(when, [e["frequency_hz"] for e in shown], marker=marker, color=colour, label=label)
            size_ax.plot(when, [e["amplitude_m_s2"] for e in shown], marker=marker, color=colour)
            below = [e for e in mine if e["verdict"] != "tremor"]
            size_ax.scatter(
                [local_time(e, timezone) for e in below],
                [e["detection_limit_m_s2"] for e in below],
                marker="v",
                facecolors="none",
                edgecolors=colour,
            )
        for day, name in starts:
            moment = datetime.combine(day, time.min, tzinfo=zone(timezone))
            for ax in (freq_ax, size_ax):
                ax.axvline(moment, color="#8a8f98", linestyle=":", linewidth=1)
            freq_ax.annotate(name, (moment, 1), xycoords=("data", "axes fraction"), fontsize=8, color="#555")
        freq_ax.set_title("Tremor frequency and size over time")
        freq_ax.set_ylabel("Hz")
        freq_ax.set_ylim(2, 16)
        size_ax.set_yscale("log")
        size_ax.set_ylabel("m/s² RMS")
        size_ax.set_xlabel("▽ no visible tremor: smaller than the recording could show")
        freq_ax.legend(frameon=False, loc="upper left", ncols=4, fontsize=8)
        fig.autofmt_xdate()
        return fig


def latest_figure(entry: dict[str, Any]) -> Figure:
    """The latest measurement of a task: its trace and spectrum against the noise floor (smaller)."""
    from twitchcheck.diary.tremor_store import as_result

    fig = measurement_figure(as_result(entry))
    fig.set_size_inches(6.0, 3.6)
    return fig


def medicine_changes(
    entries: list[dict[str, Any]], medications: list[dict[str, Any]], timezone: str
) -> list[dict[str, Any]]:
    """For each medicine started between measurements of one task: the median size before and after, as numbers."""
    out = []
    for med in medications:
        start = med.get("start")
        if not isinstance(start, date):
            continue
        for task in TASK_NAMES:
            mine = [e for e in entries if e.get("task") == task and e["verdict"] == "tremor"]
            before = [e["amplitude_m_s2"] for e in mine if local_time(e, timezone).date() < start]
            after = [e["amplitude_m_s2"] for e in mine if local_time(e, timezone).date() >= start]
            if len(before) >= MIN_EACH_SIDE and len(after) >= MIN_EACH_SIDE:
                out.append(
                    {
                        "medicine": med["name"],
                        "start": start,
                        "task": task_name(task),
                        "before": statistics.median(before),
                        "after": statistics.median(after),
                        "n_before": len(before),
                        "n_after": len(after),
                    }
                )
    return out


def section(
    entries: list[dict[str, Any]], *, timezone: str = "UTC", medications: list[dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """What the report's tremor section shows (None when there are no measurements)."""
    if not entries:
        return None
    entries = sorted(entries, key=lambda e: datetime.fromisoformat(e["recorded_at"]))
    meds = medications or []
    first, last = local_time(entries[0], timezone).date(), local_time(entries[-1], timezone).date()
    starts = [(m["start"], m["name"]) for m in meds if isinstance(m.get("start"), date) and first < m["start"] <= last]
    latest = {}
    for entry in entries:
        latest[entry.get("task")] = entry
    return {
        "count": len(entries),
        "first": first,
        "last": last,
        "rows": [row(e, timezone) for e in entries[-MAX_ROWS:]][::-1],
        "over_time": _png_uri(over_time_figure(entries, timezone, starts)) if len(entries) > 1 else None,
        "latest": [
            {
                "task": task_name(task),
                "when": row(e, timezone)["when"],
                "summary": e["summary"],
                "plot": _png_uri(latest_figure(e)),
            }
            for task, e in latest.items()
            if e.get("spectrum") or e.get("trace")
        ],
        "changes": medicine_changes(entries, meds, timezone),
    }
