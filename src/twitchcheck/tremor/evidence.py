"""What a measurement tells the engine: knowledge-base findings of the group "measurement".

One finding per task says whether a tremor at least as big as a visible one was measured
(``measured_tremor_at_rest``, ``measured_tremor_arms_out``, ``measured_tremor_on_movement``, or
``measured_tremor`` when the recording does not say how it was made). When there is a tremor,
three more describe the largest one: its frequency (``measured_tremor_frequency``, in Hz), its
estimated size (``measured_tremor_amplitude``, peak-to-peak in cm) and whether its frequency
wandered (``measured_frequency_varies``). A recording too noisy to rule out a visible tremor
says nothing rather than "no tremor". The likelihoods of these findings, with their sources,
are in the knowledge base (kb/data/findings.yaml and the condition files).
"""

from __future__ import annotations

from collections.abc import Sequence

from twitchcheck.tremor.result import TASK_NAMES, EvidenceOut, Rhythm, Task, TremorResult, Verdict

PRESENCE_FINDING: dict[Task | None, str] = {
    None: "measured_tremor",
    "rest": "measured_tremor_at_rest",
    "postural": "measured_tremor_arms_out",
    "kinetic": "measured_tremor_on_movement",
}
FREQUENCY_FINDING = "measured_tremor_frequency"
AMPLITUDE_FINDING = "measured_tremor_amplitude"
VARIES_FINDING = "measured_frequency_varies"
MEASUREMENT_FINDINGS = (*PRESENCE_FINDING.values(), FREQUENCY_FINDING, AMPLITUDE_FINDING, VARIES_FINDING)
PREFIX = "phone measurement"


def where(task: Task | None) -> str:
    """How the recording was made, in words."""
    return TASK_NAMES[task] if task else "how the phone was held not given"


def presence_item(task: Task | None, verdict: Verdict, frequency_hz: float | None, noisy: bool) -> EvidenceOut | None:
    """Tremor present, absent, or nothing when the recording could have missed a visible tremor."""
    fid = PRESENCE_FINDING[task]
    if verdict == "tremor":
        return EvidenceOut(id=fid, state="present", text=f"{PREFIX}: tremor at {frequency_hz:.1f} Hz ({where(task)})")
    if noisy and verdict == "none":
        return None
    return EvidenceOut(id=fid, state="absent", text=f"{PREFIX}: no visible tremor ({where(task)})")


def tremor_items(tremor: Rhythm, steady: bool | None) -> list[EvidenceOut]:
    """Frequency, size and (when judged) steadiness of a tremor."""
    items = [
        EvidenceOut(
            id=FREQUENCY_FINDING,
            state="present",
            value=tremor.frequency_hz,
            text=f"{PREFIX}: {tremor.frequency_hz:.1f} Hz",
        ),
        EvidenceOut(
            id=AMPLITUDE_FINDING,
            state="present",
            value=round(tremor.displacement_cm, 3),
            text=f"{PREFIX}: about {size_words(tremor.displacement_cm)} to and fro",
        ),
    ]
    if steady is not None:
        state = "absent" if steady else "present"
        text = f"{PREFIX}: frequency {'steady' if steady else 'varying'}"
        items.append(EvidenceOut(id=VARIES_FINDING, state=state, text=text))
    return items


def result_evidence(
    task: Task | None, verdict: Verdict, tremor: Rhythm | None, steady: bool | None, noisy: bool
) -> list[EvidenceOut]:
    """The evidence of one recording."""
    presence = presence_item(task, verdict, tremor.frequency_hz if tremor else None, noisy)
    items = [presence] if presence is not None else []
    if tremor is not None:
        items += tremor_items(tremor, steady)
    return items


def largest_tremor(results: Sequence[TremorResult]) -> TremorResult | None:
    """The recording with the largest tremor (by RMS acceleration), if any shows one."""
    tremors = [r for r in results if r.verdict == "tremor" and r.rhythm is not None]
    return max(tremors, key=lambda r: r.amplitude_m_s2 or 0.0, default=None)


def session_evidence(results: Sequence[TremorResult]) -> list[EvidenceOut]:
    """The evidence of several recordings: each task's finding once, then the largest tremor's details.

    A task recorded twice counts as showing a tremor if either recording did; the frequency, size
    and steadiness come from the largest tremor only, so they are not counted twice.
    """
    by_finding: dict[str, EvidenceOut] = {}
    for r in results:
        item = next((e for e in r.evidence if e.id == PRESENCE_FINDING[r.task]), None)
        if item is not None and (item.state == "present" or item.id not in by_finding):
            by_finding[item.id] = item
    items = list(by_finding.values())
    largest = largest_tremor(results)
    if largest is not None and largest.rhythm is not None:
        items += tremor_items(largest.rhythm, largest.steady)
    return items


def size_words(displacement_cm: float) -> str:
    """A displacement as people picture it: '0.4 mm', '1.5 cm'."""
    if displacement_cm < 1:
        mm = displacement_cm * 10
        return f"{mm:.2f} mm" if mm < 0.1 else f"{mm:.1f} mm"
    return f"{displacement_cm:.1f} cm"
