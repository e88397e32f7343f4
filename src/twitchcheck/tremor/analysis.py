"""Analyse a recording: is there a tremor, at what frequency, how big, how steady, and what it tells the engine.

What the numbers mean (MDS consensus on tremor, Bhatia 2018): tremor is an involuntary,
rhythmic, oscillatory movement, described by when it shows (at rest, holding a posture such as
the arms held out, or on movement, as in finger to nose), its frequency and its size. Typical
frequencies: Parkinson's rest tremor 4-6 Hz; essential tremor 4-12 Hz, postural and kinetic,
slower with age; enhanced physiological tremor 8-12 Hz, small and postural (caffeine, anxiety,
an overactive thyroid, some drugs); a functional tremor varies in frequency, entrains to other
rhythms and stops with distraction.

Everyone has a physiological tremor. In healthy hands it is below about 0.007 g peak at its
dominant frequency, the threshold at which a tremor becomes visible (Wade 1982), so a rhythm
smaller than that is reported as physiological, not as a tremor. A rhythm the test cannot tell
from the sensor's noise is reported as none, with the smallest tremor this recording could
have shown (its detection limit): a phone cannot see a tremor below it.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from twitchcheck.tremor import spectrum as sp
from twitchcheck.tremor.describe import FREQUENCY_GUIDE, notes_for, session_summary, summary_for
from twitchcheck.tremor.evidence import largest_tremor, result_evidence, session_evidence
from twitchcheck.tremor.recording import Recording
from twitchcheck.tremor.result import Rhythm, Spectrum, Stability, Task, Trace, TremorResult, TremorSession, Verdict

GRAVITY = 9.80665
# Visible from 0.007 g peak at the dominant frequency (Wade 1982): as RMS, 0.007 g / sqrt(2).
VISIBLE_RMS_M_S2 = 0.007 * GRAVITY / np.sqrt(2)
# Organic tremor frequency rarely varies by more than 0.5-1.0 Hz; a functional tremor's varies
# more (Bartl 2020). An SD of 0.35 Hz over the windows is a range of about 1 Hz.
VARYING_SD_HZ = 0.35
MIN_WINDOWS = 3
PLOT_RANGE_HZ = (2.0, 16.0)
TRACE_S = 4.0
TRACE_MAX_RATE_HZ = 100.0


def analyse(recording: Recording, task: Task | None = None, recorded_at: datetime | None = None) -> TremorResult:
    """Find the dominant rhythm in 3-15 Hz, test it against the noise, size it and judge its steadiness."""
    acc, rate = recording.uniform()
    clean = sp.remove_gravity_and_drift(acc, rate)
    spec = sp.power_spectrum(clean, rate)
    peak = sp.strongest_peak(spec)
    limit = sp.detection_limit(spec)
    rhythm: Rhythm | None = None
    stability: Stability | None = None
    if peak.p_value < sp.ALPHA:
        amplitude, displacement = sp.peak_size(spec, peak)
        rhythm = Rhythm(
            frequency_hz=round(peak.frequency_hz, 2),
            amplitude_m_s2=round(amplitude, 4),
            displacement_cm=round(displacement, 4),
            peak_to_noise=round(peak.ratio, 1),
            p_value=float(f"{peak.p_value:.3g}"),
        )
        stability = judge_stability(sp.window_frequencies(clean, rate, peak.frequency_hz))
    verdict: Verdict = "none"
    if rhythm is not None:
        verdict = "tremor" if rhythm.amplitude_m_s2 >= VISIBLE_RMS_M_S2 else "physiological"
    tremor = rhythm if verdict == "tremor" else None
    steady = stability.steady if tremor is not None and stability is not None else None
    evidence = result_evidence(task, verdict, tremor, steady, limit >= VISIBLE_RMS_M_S2)
    return TremorResult(
        recorded_at=recorded_at,
        task=task,
        verdict=verdict,
        frequency_hz=tremor.frequency_hz if tremor else None,
        amplitude_m_s2=tremor.amplitude_m_s2 if tremor else None,
        displacement_cm=tremor.displacement_cm if tremor else None,
        steady=steady,
        rhythm=rhythm,
        stability=stability,
        detection_limit_m_s2=round(limit, 4),
        duration_s=round(recording.duration_s, 2),
        sample_rate_hz=round(recording.sample_rate_hz, 1),
        samples=len(recording.t),
        summary=summary_for(task, verdict, rhythm, steady),
        notes=notes_for(verdict, rhythm, stability, limit, VISIBLE_RMS_M_S2),
        evidence=evidence,
        spectrum=plot_spectrum(spec),
        trace=trace(clean, rate, rhythm),
    )


def judge_stability(frequencies: list[float]) -> Stability:
    """Steady or varying: the SD of the window frequencies against 0.35 Hz (null below 3 clear windows)."""
    if len(frequencies) < MIN_WINDOWS:
        return Stability(windows=len(frequencies), frequency_sd_hz=None, frequency_range_hz=None, steady=None)
    values = np.array(frequencies)
    sd = float(values.std(ddof=1))
    return Stability(
        windows=len(frequencies),
        frequency_sd_hz=round(sd, 3),
        frequency_range_hz=round(float(values.max() - values.min()), 3),
        steady=sd <= VARYING_SD_HZ,
    )


def trace(clean: np.ndarray, rate: float, rhythm: Rhythm | None) -> Trace:
    """Four seconds of the tremor band (the rhythm's frequency +-2 Hz, else 3-15 Hz) at up to 100 samples a second."""
    low, high = (rhythm.frequency_hz - 2, rhythm.frequency_hz + 2) if rhythm else sp.BAND_HZ
    values, start = sp.band_trace(clean, rate, low, high, TRACE_S)
    step = max(1, int(np.ceil(rate / TRACE_MAX_RATE_HZ)))
    return Trace(
        rate_hz=round(rate / step, 3),
        start_s=round(start / rate, 3),
        acceleration_m_s2=[round(float(v), 4) for v in values[::step]],
    )


def plot_spectrum(spec: sp.Spectrum) -> Spectrum:
    """The spectrum and noise floor from 2 to 16 Hz, rounded for JSON."""
    shown = (spec.freqs >= PLOT_RANGE_HZ[0]) & (spec.freqs <= min(PLOT_RANGE_HZ[1], spec.rate_hz / 2))
    return Spectrum(
        frequency_hz=[round(float(f), 3) for f in spec.freqs[shown]],
        power=[float(f"{p:.4g}") for p in spec.power[shown]],
        noise_floor=[float(f"{p:.4g}") for p in spec.floor[shown]],
    )


def combine(results: list[TremorResult], recorded_at: datetime | None = None) -> TremorSession:
    """Recordings made together as one session: the largest tremor's figures and the combined evidence."""
    largest = largest_tremor(results)
    notes = [f"{r.task or 'recording'}: {r.summary}" for r in results]
    if largest is not None:
        notes.append(FREQUENCY_GUIDE)
    return TremorSession(
        recorded_at=recorded_at,
        frequency_hz=largest.frequency_hz if largest else None,
        amplitude_m_s2=largest.amplitude_m_s2 if largest else None,
        displacement_cm=largest.displacement_cm if largest else None,
        steady=largest.steady if largest else None,
        summary=session_summary(results, largest),
        notes=notes,
        evidence=session_evidence(results),
        measurements=results,
    )
