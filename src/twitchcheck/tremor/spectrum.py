"""Spectral analysis of a uniformly sampled acceleration: gravity and drift out, Welch PSD, noise floor, peak test.

The method is the standard one of clinical tremor analysis (Deuschl 1996; Bhatia 2018 lists
accelerometry among the laboratory tests of tremor): remove gravity and slow drift with a
linear detrend and a 2 Hz high-pass, estimate the power spectral density with Welch's method
(4-second Hann segments, half overlapping: 0.25 Hz resolution), and sum it over the three axes
so that the result does not depend on how the phone is held.

Whether a peak "stands out of the noise" is a test, not a guess. The noise floor is a smooth
curve fitted to the log spectrum against log frequency (accelerometer noise is flat; slow
movement and the physiological background fall off as a power of frequency; resampling bends
it near the top), refitted without the points that rise clearly above it. Each Welch estimate
of pure noise is distributed as chi-squared with the segments' effective degrees of freedom
(Welch 1967; fewer when the spectrum scatters more than theory, as uneven sampling makes it),
so the ratio of a bin to the floor gives a p-value; Sidak's correction over every bin in 3-15 Hz
gives the chance that noise alone would produce so high a peak anywhere in the band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, signal, special, stats

from twitchcheck.tremor.recording import FloatArray

BoolArray = NDArray[np.bool_]

BAND_HZ = (3.0, 15.0)  # where pathological and physiological hand tremors lie (Bhatia 2018)
HIGHPASS_HZ = 2.0  # below the band: removes gravity, posture changes and drift
SEGMENT_S = 4.0  # Welch segment: 0.25 Hz resolution, 4 segments or more in 10 s
FIT_TOP_HZ = 25.0  # the noise floor is fitted on 3 Hz up to this (or 0.45 x the sampling rate)
FLOOR_DEGREE = 2  # log power as a quadratic in log frequency: flat noise, power-law falls and a gentle bend
MIN_DOF = 2.0
ALPHA = 0.001  # chance that noise alone is called a rhythm, over the whole band
HANN_OVERLAP_CORRELATION = 0.167  # correlation of half-overlapping Hann segments (Welch 1967)
SCALLOP_LOSS = 0.71  # Hann's worst power loss for a frequency between two bins (-1.42 dB)
PEAK_EDGE_RATIO = 2.0  # a peak's band runs while the power stays above twice the floor
PEAK_HALF_WIDTH_HZ = (0.75, 3.0)  # ... but at least 0.75 Hz and at most 3 Hz either side
WINDOW_HOP_S = 2.0
WINDOW_CLEAR_RATIO = 4.0  # a window shows the rhythm when its peak is 4 times its median power


@dataclass(frozen=True)
class Spectrum:
    """A power spectrum summed over axes, its fitted noise floor and the test's degrees of freedom."""

    freqs: FloatArray
    power: FloatArray
    floor: FloatArray
    dof: float
    enbw_hz: float  # equivalent noise bandwidth of one bin
    rate_hz: float


@dataclass(frozen=True)
class Peak:
    """The strongest peak in the band: where, how far above the floor, how likely from noise, its band."""

    frequency_hz: float
    index: int
    ratio: float
    p_value: float
    low_hz: float
    high_hz: float


def remove_gravity_and_drift(acc: FloatArray, rate: float) -> FloatArray:
    """Acceleration without gravity, posture changes and drift: linear detrend, then a 2 Hz high-pass."""
    detrended = signal.detrend(acc, axis=0, type="linear")
    sos = signal.butter(4, HIGHPASS_HZ, btype="highpass", fs=rate, output="sos")
    return np.asarray(signal.sosfiltfilt(sos, detrended, axis=0), dtype=np.float64)


def segment_length(rate: float, samples: int) -> int:
    """Samples per Welch segment (4 s, or the whole recording if shorter)."""
    return int(min(samples, round(SEGMENT_S * rate)))


def welch_dof(samples: int, nperseg: int, axes_share: float) -> float:
    """Effective degrees of freedom of a Welch estimate (Hann, half overlap), times the axes that carry noise.

    ``axes_share`` is Satterthwaite's effective number of independent axes (1 to 3) for a sum of
    three spectra with different noise levels.
    """
    step = nperseg // 2
    k = max(1, 1 + (samples - nperseg) // step)
    variance = (1 + 2 * (1 - 1 / k) * HANN_OVERLAP_CORRELATION**2) / k if k > 1 else 1.0
    return float(2.0 / variance * axes_share)


def power_spectrum(acc: FloatArray, rate: float) -> Spectrum:
    """Welch PSD summed over the axes, with a noise floor fitted to it and the test's degrees of freedom."""
    nperseg = segment_length(rate, len(acc))
    freqs, per_axis = signal.welch(acc, fs=rate, window="hann", nperseg=nperseg, noverlap=nperseg // 2, axis=0)
    per_axis = np.asarray(per_axis, dtype=np.float64)
    top = min(FIT_TOP_HZ, 0.45 * rate)
    fit = (freqs >= BAND_HZ[0]) & (freqs <= top)
    axis_noise = np.median(per_axis[fit], axis=0)
    axes_share = float(axis_noise.sum() ** 2 / max(float((axis_noise**2).sum()), 1e-300))
    power = per_axis.sum(axis=1)
    floor, dof = noise_floor(freqs, power, fit, welch_dof(len(acc), nperseg, axes_share))
    window = signal.get_window("hann", nperseg)
    enbw = float(rate * (window**2).sum() / window.sum() ** 2)
    return Spectrum(freqs, power, floor, dof, enbw, rate)


def log_iqr(dof: float) -> float:
    """The interquartile range of log(chi-squared) with these degrees of freedom."""
    return float(np.log(stats.chi2.ppf(0.75, dof)) - np.log(stats.chi2.ppf(0.25, dof)))


def spread_dof(residual: FloatArray, dof: float) -> float:
    """Degrees of freedom no larger than the spectrum's own spread around its floor allows.

    Theory holds for evenly sampled, stationary noise. A phone's uneven sample times make the
    resampled noise wander, so the spectrum scatters more than theory says; the interquartile
    range of the log residuals (robust to a few peaks) then sets fewer degrees of freedom, which
    makes the test stricter rather than letting noise pass as a rhythm.
    """
    q25, q75 = np.percentile(residual, [25, 75])
    observed = float(q75 - q25)
    if observed <= log_iqr(dof):
        return dof
    if observed >= log_iqr(MIN_DOF):
        return MIN_DOF
    return float(optimize.brentq(lambda v: log_iqr(v) - observed, MIN_DOF, dof))


def noise_floor(freqs: FloatArray, power: FloatArray, fit: BoolArray, dof: float) -> tuple[FloatArray, float]:
    """A smooth curve (quadratic in log-log) through the spectrum where no peak rises clearly above it.

    Three rounds: fit, measure the scatter (which may lower the degrees of freedom), drop the bins
    that rise clearly above, refit. The fit is on log power, whose mean for chi-squared noise lies
    below the log of the mean power by a known amount (digamma); that bias is added back.
    """
    f, p = np.log(freqs[fit]), np.log(np.maximum(power[fit], 1e-300))
    keep = np.ones(len(f), dtype=bool)
    coef = np.polyfit(f, p, FLOOR_DEGREE)
    for _ in range(3):
        coef = np.polyfit(f[keep], p[keep], FLOOR_DEGREE)
        residual = p - np.polyval(coef, f)
        dof = spread_dof(residual, dof)
        bias = float(special.digamma(dof / 2) + np.log(2 / dof))
        keep = residual < np.log(stats.chi2.isf(0.01, dof) / dof) - bias
        if keep.sum() <= FLOOR_DEGREE + 2:
            keep = np.ones(len(f), dtype=bool)
    bias = float(special.digamma(dof / 2) + np.log(2 / dof))
    logf = np.log(np.maximum(freqs, freqs[1] if len(freqs) > 1 else 1.0))
    return np.asarray(np.exp(np.polyval(coef, logf) - bias), dtype=np.float64), dof


def band_mask(spec: Spectrum) -> BoolArray:
    """The bins of the 3-15 Hz band (below 0.45 x the sampling rate)."""
    return (spec.freqs >= BAND_HZ[0]) & (spec.freqs <= min(BAND_HZ[1], 0.45 * spec.rate_hz))


def bin_threshold(spec: Spectrum, bins: int) -> float:
    """The power ratio over the floor that one bin needs for the band-wide test at ALPHA."""
    per_bin = 1 - (1 - ALPHA) ** (1 / max(bins, 1))
    return float(stats.chi2.isf(per_bin, spec.dof) / spec.dof)


def strongest_peak(spec: Spectrum) -> Peak:
    """The bin in 3-15 Hz that rises most above the floor, its band-wide p-value and its extent.

    A peak whose frequency is about twice that of another clear peak is its harmonic (Parkinson's
    rest tremor often has one); the fundamental is taken instead.
    """
    band = np.flatnonzero(band_mask(spec))
    ratio = spec.power / spec.floor
    threshold = bin_threshold(spec, len(band))
    best = int(band[np.argmax(ratio[band])])
    half = spec.freqs[best] / 2
    below = band[np.abs(spec.freqs[band] - half) <= 0.3]
    if below.size and ratio[below].max() >= threshold:
        best = int(below[np.argmax(ratio[below])])
    p_bin = float(stats.chi2.sf(ratio[best] * spec.dof, spec.dof))
    p_band = float(-np.expm1(len(band) * np.log1p(-min(p_bin, 1 - 1e-16))))
    low, high = _extent(spec, ratio, best)
    return Peak(_refine(spec, best), best, float(ratio[best]), p_band, low, high)


def _refine(spec: Spectrum, k: int) -> float:
    """The peak frequency between bins, from a parabola through the log power of three bins."""
    if k <= 0 or k >= len(spec.freqs) - 1:
        return float(spec.freqs[k])
    a, b, c = np.log(np.maximum(spec.power[k - 1 : k + 2], 1e-300))
    denominator = a - 2 * b + c
    shift = 0.5 * (a - c) / denominator if denominator < 0 else 0.0
    step = float(spec.freqs[1] - spec.freqs[0])
    return float(spec.freqs[k] + np.clip(shift, -0.5, 0.5) * step)


def _extent(spec: Spectrum, ratio: FloatArray, k: int) -> tuple[float, float]:
    """Where the peak's power falls back towards the floor, within 0.75 to 3 Hz either side."""
    f = spec.freqs
    lo, hi = k, k
    while lo > 0 and ratio[lo - 1] > PEAK_EDGE_RATIO and f[k] - f[lo - 1] <= PEAK_HALF_WIDTH_HZ[1]:
        lo -= 1
    while hi < len(f) - 1 and ratio[hi + 1] > PEAK_EDGE_RATIO and f[hi + 1] - f[k] <= PEAK_HALF_WIDTH_HZ[1]:
        hi += 1
    low = min(float(f[lo]), float(f[k]) - PEAK_HALF_WIDTH_HZ[0])
    high = max(float(f[hi]), float(f[k]) + PEAK_HALF_WIDTH_HZ[0])
    return max(low, HIGHPASS_HZ), min(high, 0.49 * spec.rate_hz)


def peak_size(spec: Spectrum, peak: Peak) -> tuple[float, float]:
    """(RMS acceleration in m/s^2, estimated peak-to-peak displacement in cm) of the peak, noise removed.

    The displacement integrates the acceleration spectrum divided by (2 pi f)^4 and converts the RMS
    to peak-to-peak as for a sine (x 2 sqrt 2). It assumes the phone moves to and fro; a phone that
    also tilts adds gravity to the signal, so treat it as an estimate.
    """
    in_peak = (spec.freqs >= peak.low_hz) & (spec.freqs <= peak.high_hz)
    df = float(spec.freqs[1] - spec.freqs[0])
    excess = np.maximum(spec.power[in_peak] - spec.floor[in_peak], 0.0)
    omega4 = (2 * np.pi * spec.freqs[in_peak]) ** 4
    acc_rms = float(np.sqrt(excess.sum() * df))
    disp_rms_m = float(np.sqrt((excess / omega4).sum() * df))
    return acc_rms, disp_rms_m * 2 * np.sqrt(2) * 100


def detection_limit(spec: Spectrum) -> float:
    """The smallest RMS acceleration of a steady rhythm that would pass the test anywhere in 4-12 Hz.

    A sine of RMS a adds a^2 / ENBW to its bin (less up to Hann's scalloping loss between bins), so
    it passes where (floor + that) / floor reaches the bin threshold. The largest of these over
    4-12 Hz is reported: the recording could not have shown a smaller tremor at every frequency.
    """
    band = band_mask(spec)
    threshold = bin_threshold(spec, int(band.sum()))
    core = (spec.freqs >= 4.0) & (spec.freqs <= min(12.0, 0.45 * spec.rate_hz))
    needed = (threshold - 1) * spec.floor[core] * spec.enbw_hz / SCALLOP_LOSS
    return float(np.sqrt(needed.max()))


def window_frequencies(acc: FloatArray, rate: float, centre_hz: float) -> list[float]:
    """The rhythm's frequency in each 4 s window (2 s apart) where it is clear, searched within 2.5 Hz of the centre."""
    n = segment_length(rate, len(acc))
    hop = max(1, round(WINDOW_HOP_S * rate))
    window = signal.get_window("hann", n)
    nfft = int(2 ** np.ceil(np.log2(20 * rate)))  # about 0.05 Hz between bins
    freqs = np.fft.rfftfreq(nfft, 1 / rate)
    band = (freqs >= BAND_HZ[0]) & (freqs <= min(BAND_HZ[1], 0.45 * rate))
    near = band & (np.abs(freqs - centre_hz) <= 2.5)
    out: list[float] = []
    for start in range(0, len(acc) - n + 1, hop):
        chunk = acc[start : start + n]
        chunk = chunk - chunk.mean(axis=0)
        power = (np.abs(np.fft.rfft(chunk * window[:, None], nfft, axis=0)) ** 2).sum(axis=1)
        if not near.any():
            continue
        k = int(np.flatnonzero(near)[np.argmax(power[near])])
        if power[k] < WINDOW_CLEAR_RATIO * np.median(power[band]):
            continue
        out.append(_refine(Spectrum(freqs, power, power, 1.0, 1.0, rate), k))
    return out


def band_trace(acc: FloatArray, rate: float, low_hz: float, high_hz: float, seconds: float) -> tuple[FloatArray, int]:
    """The middle ``seconds`` of the signal band-passed to [low, high] Hz, along its main direction: (values, start)."""
    sos = signal.butter(
        4, [max(low_hz, HIGHPASS_HZ), min(high_hz, 0.45 * rate)], btype="bandpass", fs=rate, output="sos"
    )
    banded = signal.sosfiltfilt(sos, acc, axis=0)
    _, _, axes = np.linalg.svd(banded - banded.mean(axis=0), full_matrices=False)
    along = banded @ axes[0]
    n = min(len(along), round(seconds * rate))
    start = (len(along) - n) // 2
    return np.asarray(along[start : start + n], dtype=np.float64), start
