"""A measurement as a picture (matplotlib): the tremor trace above, the spectrum against the noise floor below.

Drawn from a ``TremorResult`` alone (its stored trace and spectrum), so a diary can redraw a
measurement months later without the raw recording. Returned as PNG or SVG bytes; nothing is
written to disk here. Colours are colour-blind safe (Okabe-Ito).
"""

from __future__ import annotations

import io
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from twitchcheck.tremor.result import TASK_NAMES, TremorResult

BLUE, VERMILION, GREY = "#0072B2", "#D55E00", "#8a8f98"
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


def measurement_figure(result: TremorResult) -> Figure:
    """Trace (4 s of the tremor band) and power spectrum (2-16 Hz, log scale) with the noise floor."""
    with plt.rc_context(STYLE):
        fig = Figure(figsize=(7.0, 4.4), dpi=100, layout="constrained")
        trace_ax, spectrum_ax = fig.subplots(2, 1, height_ratios=[1, 1.3])
        where = TASK_NAMES[result.task] if result.task else "recording"
        if result.trace is not None:
            values = result.trace.acceleration_m_s2
            times = [result.trace.start_s + i / result.trace.rate_hz for i in range(len(values))]
            trace_ax.plot(times, values, color=BLUE, linewidth=1.1)
        trace_ax.set_title(f"Acceleration in the tremor band ({where})")
        trace_ax.set_xlabel("time (s)")
        trace_ax.set_ylabel("m/s²")
        if result.spectrum is not None:
            s = result.spectrum
            spectrum_ax.semilogy(s.frequency_hz, s.power, color=BLUE, linewidth=1.4, label="spectrum")
            spectrum_ax.semilogy(s.frequency_hz, s.noise_floor, color=GREY, linestyle="--", label="noise floor")
        if result.rhythm is not None:
            label = f"{result.rhythm.frequency_hz:.1f} Hz"
            spectrum_ax.axvline(result.rhythm.frequency_hz, color=VERMILION, linewidth=1, linestyle=":", label=label)
        spectrum_ax.set_title("Power spectrum: " + result.summary.split(":")[0])
        spectrum_ax.set_xlabel("frequency (Hz)")
        spectrum_ax.set_ylabel("(m/s²)²/Hz")
        spectrum_ax.set_xlim(2, 16)
        spectrum_ax.legend(frameon=False, loc="upper right")
        return fig


def render(result: TremorResult, fmt: Literal["png", "svg"] = "png") -> bytes:
    """The measurement's figure as PNG or SVG bytes."""
    buffer = io.BytesIO()
    with plt.rc_context(STYLE):
        measurement_figure(result).savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
