"""What a tremor measurement gives: typed, serialisable results that a diary can store as they are.

A ``TremorResult`` describes one recording (one task, such as the arms held out); a
``TremorSession`` gathers the recordings made together (the web page's three guided tasks) and
the evidence they give the engine. Both are pydantic models: ``model_dump(mode="json")`` gives
the JSON the CLI and the API print, and ``model_validate`` reads it back unchanged, so a later
diary can keep a measurement with its date and plot frequency and amplitude over time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

Task = Literal["rest", "postural", "kinetic"]
TASKS: tuple[Task, ...] = ("rest", "postural", "kinetic")
TASK_NAMES: dict[str, str] = {
    "rest": "hands resting in the lap",
    "postural": "arms held out",
    "kinetic": "finger to nose",
}
# none: nothing rises above the sensor's noise; physiological: a rhythm smaller than a visible
# tremor (everyone has one); tremor: a rhythm at least as big as a visible tremor.
Verdict = Literal["none", "physiological", "tremor"]
SCHEMA_VERSION = 1


class Model(BaseModel):
    """Immutable, and strict about unknown fields when read back."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Rhythm(Model):
    """The strongest rhythm in 3-15 Hz that stands out of the noise, whatever its size."""

    frequency_hz: float
    amplitude_m_s2: float = Field(description="RMS acceleration of the rhythm, noise removed")
    displacement_cm: float = Field(description="estimated peak-to-peak movement, assuming a to-and-fro movement")
    peak_to_noise: float = Field(description="the peak's power over the noise floor at that frequency")
    p_value: float = Field(description="chance of so high a peak from noise alone, over the whole 3-15 Hz band")


class Stability(Model):
    """How the frequency moves across overlapping 4-second windows of the recording."""

    windows: int = Field(description="windows in which the rhythm was clear")
    frequency_sd_hz: float | None
    frequency_range_hz: float | None
    steady: bool | None = Field(description="null when too few windows show the rhythm to judge")


class Spectrum(Model):
    """The power spectrum from 2 to 16 Hz (summed over the three axes) and its noise floor, for plots."""

    frequency_hz: list[float]
    power: list[float] = Field(description="(m/s^2)^2 per Hz")
    noise_floor: list[float] = Field(description="(m/s^2)^2 per Hz")


class Trace(Model):
    """A few seconds from the middle of the recording, filtered to the tremor's band, along its main direction."""

    rate_hz: float
    start_s: float = Field(description="seconds from the start of the recording")
    acceleration_m_s2: list[float]


class EvidenceOut(Model):
    """An evidence item for the engine (the assessment's evidence shape)."""

    id: str
    state: Literal["present", "absent", "unknown"]
    value: float | str | None = None
    source: Literal["initial"] = "initial"
    text: str | None = None

    @model_serializer(mode="wrap")
    def _without_nulls(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """As in an assessment's evidence, a field without a value is left out rather than null."""
        return {k: v for k, v in handler(self).items() if v is not None}

    def to_engine(self) -> dict[str, Any]:
        """The item as the assessment's evidence list takes it."""
        return dict(self.model_dump(mode="json"))


class TremorResult(Model):
    """One recording, analysed: the contract's ``frequency_hz``, ``amplitude_m_s2`` and ``evidence``, and more."""

    schema_version: int = SCHEMA_VERSION
    recorded_at: datetime | None = Field(default=None, description="when the recording was made (ISO 8601)")
    task: Task | None = None
    verdict: Verdict
    frequency_hz: float | None = Field(description="dominant tremor frequency; null when no tremor")
    amplitude_m_s2: float | None = Field(description="RMS acceleration of the tremor; null when no tremor")
    displacement_cm: float | None = None
    steady: bool | None = None
    rhythm: Rhythm | None = None
    stability: Stability | None = None
    detection_limit_m_s2: float = Field(description="smallest rhythm this recording could have shown (4-12 Hz)")
    duration_s: float
    sample_rate_hz: float
    samples: int
    summary: str
    notes: list[str]
    evidence: list[EvidenceOut]
    spectrum: Spectrum | None = None
    trace: Trace | None = None

    def engine_evidence(self) -> list[dict[str, Any]]:
        """The evidence as the assessment takes it."""
        return [e.to_engine() for e in self.evidence]


class TremorSession(Model):
    """Recordings made together (for example the three guided tasks) and what they show as a whole.

    ``frequency_hz`` and ``amplitude_m_s2`` are those of the largest tremor measured; the evidence
    combines every task (each task's own finding, then one frequency, size and steadiness).
    """

    schema_version: int = SCHEMA_VERSION
    recorded_at: datetime | None = None
    frequency_hz: float | None
    amplitude_m_s2: float | None
    displacement_cm: float | None = None
    steady: bool | None = None
    summary: str
    notes: list[str]
    evidence: list[EvidenceOut]
    measurements: list[TremorResult]

    def engine_evidence(self) -> list[dict[str, Any]]:
        """The evidence as the assessment takes it."""
        return [e.to_engine() for e in self.evidence]
