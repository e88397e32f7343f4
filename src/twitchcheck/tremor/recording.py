"""A phone's accelerometer recording: checked for what a tremor analysis needs, then put on a uniform clock.

Phones deliver samples at uneven moments (a browser's motion events arrive when the page is free;
phyphox stamps each sensor event). The analysis needs an even rate, so the recording is
resampled at its own median rate with a monotone cubic (PCHIP) interpolant: unlike a plain cubic
spline it never overshoots between two samples that arrive almost together, which would turn
sensor noise into broadband power. Before that, each honest limit is a clear
error: too short to see a few hundred cycles (under 10 s), too coarse to see 15 Hz well (under
40 samples a second; Nyquist would allow 30 Hz, but the spline and the spectrum need headroom),
gaps no interpolation can fill, time that runs backwards, and values that are not numbers or
cannot be accelerations in m/s^2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator

FloatArray = NDArray[np.float64]

MIN_DURATION_S = 10.0
MIN_RATE_HZ = 40.0
MAX_SAMPLES = 120_000  # 20 minutes at 100 Hz, 4 minutes at 500 Hz
MAX_DURATION_S = 1_200.0
# A hole longer than this (or than 5 sampling intervals, whichever is longer) is a gap: at 5 Hz
# a 0.1 s hole is half a tremor cycle, which no interpolation can restore.
GAP_MIN_S = 0.1
GAP_FACTOR = 5.0
# Phone accelerometers saturate at 8-16 g; larger values mean another unit (such as mg) or a fault.
MAX_ABS_M_S2 = 200.0


class RecordingError(ValueError):
    """A recording that cannot be analysed; ``code`` names the kind, ``details`` say where."""

    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


@dataclass(frozen=True)
class Recording:
    """Time in seconds (strictly increasing) and acceleration along x, y, z in m/s^2 (gravity may be in)."""

    t: FloatArray  # [N]
    acc: FloatArray  # [N, 3]

    @property
    def duration_s(self) -> float:
        """From the first to the last sample."""
        return float(self.t[-1] - self.t[0])

    @property
    def sample_rate_hz(self) -> float:
        """Samples per second, from the median interval (robust to the odd late sample)."""
        return float(1.0 / np.median(np.diff(self.t)))

    @classmethod
    def from_columns(
        cls,
        t: Sequence[float] | FloatArray,
        x: Sequence[float] | FloatArray,
        y: Sequence[float] | FloatArray,
        z: Sequence[float] | FloatArray,
    ) -> Recording:
        """Check four equally long columns and build a recording; every limit is a RecordingError."""
        columns = {"t": t, "x": x, "y": y, "z": z}
        lengths = {name: len(values) for name, values in columns.items()}
        if len(set(lengths.values())) != 1:
            raise RecordingError(
                "length_mismatch", "t, x, y and z must have the same number of values", {"lengths": lengths}
            )
        n = lengths["t"]
        if n < 2:
            raise RecordingError(
                "too_short", f"the recording has {n} sample(s); it needs at least {MIN_DURATION_S:g} s"
            )
        if n > MAX_SAMPLES:
            raise RecordingError("too_long", f"the recording has {n} samples; the limit is {MAX_SAMPLES}")
        arrays = {name: _numbers(name, values) for name, values in columns.items()}
        recording = cls(arrays["t"], np.column_stack([arrays["x"], arrays["y"], arrays["z"]]))
        recording.check()
        return recording

    def check(self) -> None:
        """Raise a RecordingError for the first limit this recording breaks."""
        steps = np.diff(self.t)
        if (bad := np.flatnonzero(steps <= 0)).size:
            i = int(bad[0]) + 1
            raise RecordingError(
                "time_not_increasing",
                f"time must increase from sample to sample; sample {i + 1} ({self.t[i]:g} s) does not",
                {"sample": i + 1, "time_s": float(self.t[i])},
            )
        if (peak := float(np.max(np.abs(self.acc)))) > MAX_ABS_M_S2:
            raise RecordingError(
                "out_of_range",
                f"an acceleration of {peak:g} is not plausible in m/s^2 (phones measure up to about 160); "
                "give the values in m/s^2",
            )
        if self.duration_s < MIN_DURATION_S:
            raise RecordingError(
                "too_short",
                f"the recording lasts {self.duration_s:.1f} s; at least {MIN_DURATION_S:g} s are needed",
                {"duration_s": round(self.duration_s, 3), "minimum_s": MIN_DURATION_S},
            )
        if self.duration_s > MAX_DURATION_S:
            raise RecordingError(
                "too_long", f"the recording lasts {self.duration_s:.0f} s; the limit is {MAX_DURATION_S:g} s"
            )
        rate = self.sample_rate_hz
        if rate < MIN_RATE_HZ:
            raise RecordingError(
                "too_coarse",
                f"the recording has {rate:.1f} samples a second; at least {MIN_RATE_HZ:g} are needed",
                {"sample_rate_hz": round(rate, 2), "minimum_hz": MIN_RATE_HZ},
            )
        limit = max(GAP_MIN_S, GAP_FACTOR / rate)
        if (holes := np.flatnonzero(steps > limit)).size:
            gaps = [{"at_s": round(float(self.t[i]), 3), "length_s": round(float(steps[i]), 3)} for i in holes[:10]]
            first = gaps[0]
            raise RecordingError(
                "gaps",
                f"the recording has {holes.size} gap(s) longer than {limit:.2f} s "
                f"(the first at {first['at_s']:g} s, {first['length_s']:g} s long); record again without pauses",
                {"gaps": gaps, "count": int(holes.size)},
            )

    def uniform(self) -> tuple[FloatArray, float]:
        """The acceleration resampled at the recording's own median rate: ([M, 3], rate in Hz)."""
        rate = self.sample_rate_hz
        count = int(np.floor(self.duration_s * rate)) + 1
        grid = self.t[0] + np.arange(count) / rate
        return np.asarray(PchipInterpolator(self.t, self.acc, axis=0)(grid), dtype=np.float64), rate


def _numbers(name: str, values: Sequence[float] | FloatArray) -> FloatArray:
    """A column as floats; anything that is not a finite number is reported with its position.

    Lists (as from JSON) must hold real numbers: a string such as "1.5" or a true/false is an error,
    not silently converted.
    """
    if not isinstance(values, np.ndarray):
        for index, value in enumerate(values):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RecordingError(
                    "not_a_number",
                    f"{name}[{index}] is not a number: {str(value)[:40]!r}",
                    {"column": name, "index": index},
                )
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise RecordingError("not_a_number", f"{name} must be a flat list of numbers", {"column": name})
    if (bad := np.flatnonzero(~np.isfinite(array))).size:
        index = int(bad[0])
        raise RecordingError(
            "not_a_number",
            f"{name}[{index}] is not a finite number ({array[index]})",
            {"column": name, "index": index},
        )
    return array
