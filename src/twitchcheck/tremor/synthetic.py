"""Synthetic phone recordings with a known tremor, for tests, the benchmark and the README example.

A recording is what a phone held in the hand would report: gravity along the axis the phone
faces (slowly tilting), a tremor of known frequency and RMS amplitude along one direction, slow
drift, sensor noise, and samples that arrive at slightly uneven moments (timing jitter). The
frequency can wander (a functional tremor's varies; an organic tremor's is steady).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twitchcheck.tremor.recording import FloatArray, Recording

GRAVITY = 9.80665


@dataclass(frozen=True)
class Synthetic:
    """What to put in a synthetic recording (units: s, Hz, m/s^2)."""

    duration_s: float = 20.0
    rate_hz: float = 100.0
    frequency_hz: float | None = 5.0  # None: no tremor
    amplitude_m_s2: float = 0.5  # RMS of the tremor
    wander_hz: float = 0.0  # the frequency swings this far either side of its centre ...
    wander_period_s: float = 7.0  # ... over this period
    noise_m_s2: float = 0.02  # RMS sensor noise per axis
    drift_m_s2: float = 0.3  # slow drift (a slow sway of the arm)
    gravity: bool = True
    jitter_s: float = 0.002  # SD of each sample's timing error
    harmonic: float = 0.0  # relative amplitude of a second harmonic
    seed: int = 0

    def columns(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Time and x, y, z acceleration."""
        rng = np.random.default_rng(self.seed)
        n = int(self.duration_s * self.rate_hz) + 1
        t = np.arange(n) / self.rate_hz + 3.0
        t = t + rng.normal(0, self.jitter_s, n)
        t.sort()
        acc = rng.normal(0, self.noise_m_s2, (n, 3))
        direction = np.array([0.6, 0.7, 0.39])
        direction /= np.linalg.norm(direction)
        if self.frequency_hz is not None:
            # the phase is the integral of the instantaneous frequency f0 + w sin(2 pi t / P)
            period = self.wander_period_s
            swing = self.wander_hz * period / (2 * np.pi) * (1 - np.cos(2 * np.pi * t / period))
            phase = 2 * np.pi * (self.frequency_hz * t + swing)
            wave = np.sin(phase) + self.harmonic * np.sin(2 * phase + 0.4)
            wave *= self.amplitude_m_s2 / np.sqrt((1 + self.harmonic**2) / 2)  # RMS = amplitude
            acc += wave[:, None] * direction[None, :]
        sway = self.drift_m_s2 * np.sin(2 * np.pi * 0.15 * t + 1.0)
        acc[:, 0] += sway + 0.01 * (t - t[0])
        if self.gravity:
            tilt = 0.2 * np.sin(2 * np.pi * 0.05 * t)
            acc[:, 1] += GRAVITY * np.sin(tilt)
            acc[:, 2] += GRAVITY * np.cos(tilt)
        return t, acc[:, 0], acc[:, 1], acc[:, 2]

    def recording(self) -> Recording:
        """The columns as a checked recording."""
        return Recording.from_columns(*self.columns())

    def csv(self, header: tuple[str, str, str, str] | None = None, separator: str = ",") -> str:
        """The recording as phyphox exports it ("Acceleration with g", comma and decimal point by default)."""
        names = header or ("Time (s)", "Acceleration x (m/s^2)", "Acceleration y (m/s^2)", "Acceleration z (m/s^2)")
        t, x, y, z = self.columns()
        lines = [separator.join([*(f'"{h}"' for h in names), '"Absolute acceleration (m/s^2)"'])]
        absolute = np.sqrt(x**2 + y**2 + z**2)
        comma = separator != ","
        for row in zip(t, x, y, z, absolute, strict=True):
            lines.append(separator.join(phyphox_number(float(v), comma) for v in row))
        return "\n".join(lines) + "\n"


def phyphox_number(value: float, decimal_comma: bool = False) -> str:
    """A number as phyphox writes it (Java's "0.000000000E0": 1.234567890E-2), optionally with a decimal comma."""
    mantissa, exponent = f"{value:.9E}".split("E")
    text = f"{mantissa}E{int(exponent)}"
    return text.replace(".", ",") if decimal_comma else text
