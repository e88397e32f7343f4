"""Plain words for a measurement: one summary line, then notes on size, steadiness and what a phone can see.

The words are made here once, so the CLI, the API and the web page say the same thing.
"""

from __future__ import annotations

from twitchcheck.tremor.evidence import size_words, where
from twitchcheck.tremor.result import Rhythm, Stability, Task, TremorResult, Verdict

FREQUENCY_GUIDE = (
    "For comparison (MDS consensus, Bhatia 2018): Parkinson's rest tremor is usually 4-6 Hz, essential tremor "
    "4-12 Hz with the arms out and on movement, and an enhanced physiological tremor 8-12 Hz and small; "
    "a functional tremor varies in frequency. Frequency alone does not make a diagnosis."
)
SIZE_BANDS = ((0.1, "a fine tremor"), (1.0, "a small tremor"), (3.0, "a moderate tremor"))
REFERENCE_HZ = 5.0  # the detection limit is also given as a movement at this frequency


def size_class(displacement_cm: float) -> str:
    """Fine (under 1 mm), small (under 1 cm), moderate (1-3 cm) or large, as in tremor rating scales."""
    return next((words for limit, words in SIZE_BANDS if displacement_cm < limit), "a large tremor")


def summary_for(task: Task | None, verdict: Verdict, rhythm: Rhythm | None, steady: bool | None) -> str:
    """One sentence: what this recording shows."""
    context = f" ({where(task)})"
    if verdict == "none" or rhythm is None:
        return f"No tremor measured{context}: no rhythm stood out of the sensor's noise."
    if verdict == "physiological":
        return (
            f"No visible tremor{context}: only a tiny rhythm at {rhythm.frequency_hz:.1f} Hz, smaller than "
            "a visible tremor (the physiological tremor everyone has)."
        )
    steadiness = "" if steady is None else ", steady in frequency" if steady else ", varying in frequency"
    return (
        f"{size_class(rhythm.displacement_cm).capitalize()} at {rhythm.frequency_hz:.1f} Hz{context}: "
        f"{rhythm.amplitude_m_s2:.2f} m/s² RMS, about {size_words(rhythm.displacement_cm)} to and fro{steadiness}."
    )


def limit_words(limit_m_s2: float) -> str:
    """The detection limit in m/s² and as a movement at 5 Hz."""
    displacement_cm = limit_m_s2 * 2 * 2**0.5 / (2 * 3.141592653589793 * REFERENCE_HZ) ** 2 * 100
    return f"about {limit_m_s2:.3f} m/s² RMS (a movement of about {size_words(displacement_cm)} at 5 Hz)"


def notes_for(
    verdict: Verdict, rhythm: Rhythm | None, stability: Stability | None, limit: float, visible: float
) -> list[str]:
    """What else to know: the noise floor, steadiness, and how far to trust the numbers."""
    notes: list[str] = []
    if verdict == "none":
        if limit >= visible:
            notes.append(
                f"This recording is too noisy to rule out a small visible tremor: it could only have shown a "
                f"rhythm of {limit_words(limit)} or more. Hold the phone still against the hand and record again."
            )
        else:
            notes.append(
                f"A tremor smaller than {limit_words(limit)} is too small for this phone to measure; "
                "anything bigger would have shown."
            )
    else:
        notes.append(f"This phone could not have shown a rhythm smaller than {limit_words(limit)}.")
    if verdict == "tremor" and rhythm is not None:
        if stability is None or stability.steady is None:
            notes.append("Too few clear 4-second stretches to judge whether the frequency is steady.")
        elif not stability.steady:
            notes.append(
                f"The frequency wandered (SD {stability.frequency_sd_hz:.2f} Hz across {stability.windows} windows); "
                "the tremors of Parkinson's disease and essential tremor usually keep theirs within 0.5-1 Hz."
            )
        notes.append(
            "The size in mm or cm assumes the phone moves to and fro; a phone that tilts as it shakes, or a "
            "hand that holds it loosely, changes it. Compare measurements made the same way."
        )
        notes.append(FREQUENCY_GUIDE)
    return notes


def session_summary(results: list[TremorResult], largest: TremorResult | None) -> str:
    """One sentence for several recordings: where a tremor showed, and the largest one."""
    if largest is None or largest.frequency_hz is None or largest.displacement_cm is None:
        return "No visible tremor was measured in any task."
    shown = [where(r.task) for r in results if r.verdict == "tremor"]
    steadiness = "" if largest.steady is None else ", steady" if largest.steady else ", varying"
    return (
        f"Tremor measured with {', '.join(shown)}; the largest at {largest.frequency_hz:.1f} Hz "
        f"({where(largest.task)}), about {size_words(largest.displacement_cm)} to and fro{steadiness}."
    )
