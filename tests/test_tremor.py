"""The tremor analysis on synthetic recordings with a known tremor, and its honest limits."""

from __future__ import annotations

import json

import numpy as np
import pytest

from twitchcheck.tremor import (
    VISIBLE_RMS_M_S2,
    Recording,
    RecordingError,
    TremorResult,
    TremorSession,
    analyse,
    combine,
)
from twitchcheck.tremor.evidence import PRESENCE_FINDING
from twitchcheck.tremor.plot import render
from twitchcheck.tremor.synthetic import Synthetic


@pytest.mark.parametrize(
    ("frequency", "rate", "amplitude"),
    [
        (3.5, 100, 0.4),
        (4.7, 60, 0.3),
        (5.0, 100, 0.6),
        (6.3, 50, 0.2),
        (8.8, 100, 0.15),
        (11.2, 60, 0.1),
        (14.0, 100, 0.3),
    ],
)
def test_known_frequency_is_found_within_0_3_hz(frequency: float, rate: float, amplitude: float) -> None:
    """A tremor with gravity, drift, noise and timing jitter is found at its frequency (±0.3 Hz) and size (±15 %)."""
    result = analyse(Synthetic(frequency_hz=frequency, rate_hz=rate, amplitude_m_s2=amplitude, seed=3).recording())
    assert result.verdict == "tremor"
    assert result.frequency_hz == pytest.approx(frequency, abs=0.3)
    assert result.amplitude_m_s2 == pytest.approx(amplitude, rel=0.15)
    assert result.steady is True


def test_displacement_follows_from_acceleration_and_frequency() -> None:
    """The estimated peak-to-peak movement is 2√2 · a / (2πf)² for a steady tremor."""
    result = analyse(Synthetic(frequency_hz=5.0, amplitude_m_s2=0.5, seed=1).recording())
    expected_cm = 2 * np.sqrt(2) * 0.5 / (2 * np.pi * 5.0) ** 2 * 100
    assert result.displacement_cm == pytest.approx(expected_cm, rel=0.1)


@pytest.mark.parametrize("seed", range(12))
def test_plain_noise_gives_no_tremor(seed: int) -> None:
    """Sensor noise with gravity, drift and jitter (no tremor) gives no tremor and a null frequency."""
    noise = 0.02 + 0.04 * (seed % 4)
    result = analyse(Synthetic(frequency_hz=None, noise_m_s2=noise, drift_m_s2=0.5, seed=seed).recording())
    assert result.verdict == "none"
    assert result.frequency_hz is None and result.amplitude_m_s2 is None
    assert "too small for this phone to measure" in result.notes[0]


def test_noise_floor_statement_gives_the_detection_limit() -> None:
    """With no tremor, the result says how small a tremor this recording could have shown (and it is honest)."""
    result = analyse(Synthetic(frequency_hz=None, noise_m_s2=0.03, seed=5).recording())
    limit = result.detection_limit_m_s2
    assert f"{limit:.3f} m/s²" in result.notes[0]
    above = analyse(Synthetic(frequency_hz=7.0, amplitude_m_s2=2 * limit, noise_m_s2=0.03, seed=5).recording())
    assert above.rhythm is not None and above.rhythm.frequency_hz == pytest.approx(7.0, abs=0.3)
    below = analyse(Synthetic(frequency_hz=7.0, amplitude_m_s2=limit / 4, noise_m_s2=0.03, seed=5).recording())
    assert below.rhythm is None


def test_a_very_noisy_recording_does_not_claim_there_is_no_tremor() -> None:
    """When noise hides even a visible tremor, the result says so and gives no 'absent' evidence."""
    result = analyse(Synthetic(frequency_hz=None, noise_m_s2=1.5, seed=2).recording(), "postural")
    assert result.detection_limit_m_s2 > VISIBLE_RMS_M_S2
    assert "too noisy" in result.notes[0]
    assert result.evidence == []


def test_varying_frequency_is_flagged_as_varying() -> None:
    """A tremor whose frequency wanders 4-8 Hz is flagged as varying, with a large SD across windows."""
    result = analyse(Synthetic(frequency_hz=6.0, wander_hz=2.0, amplitude_m_s2=0.5, seed=4).recording())
    assert result.verdict == "tremor"
    assert result.steady is False
    assert result.stability is not None and result.stability.frequency_sd_hz is not None
    assert result.stability.frequency_sd_hz > 0.35
    assert any(e.id == "measured_frequency_varies" and e.state == "present" for e in result.evidence)


def test_slightly_wobbling_frequency_stays_steady() -> None:
    """An organic tremor that wobbles by 0.2 Hz is still steady."""
    result = analyse(Synthetic(frequency_hz=5.5, wander_hz=0.2, amplitude_m_s2=0.5, seed=6).recording())
    assert result.steady is True


def test_a_rhythm_smaller_than_visible_is_physiological_not_a_tremor() -> None:
    """A clear 9 Hz rhythm below the visible threshold (Wade 1982) is reported, but not as a tremor."""
    result = analyse(Synthetic(frequency_hz=9.0, amplitude_m_s2=0.02, seed=7).recording(), "postural")
    assert result.verdict == "physiological"
    assert result.frequency_hz is None
    assert result.rhythm is not None and result.rhythm.frequency_hz == pytest.approx(9.0, abs=0.3)
    assert [(e.id, e.state) for e in result.evidence] == [("measured_tremor_arms_out", "absent")]


def test_a_strong_harmonic_does_not_double_the_frequency() -> None:
    """A rest tremor with a harmonic stronger than itself is reported at its fundamental."""
    result = analyse(Synthetic(frequency_hz=4.5, harmonic=1.3, amplitude_m_s2=0.8, seed=8).recording())
    assert result.frequency_hz == pytest.approx(4.5, abs=0.3)


def test_evidence_names_the_task_and_describes_the_tremor() -> None:
    """A tremor at rest gives the rest finding, its frequency in Hz, its size in cm and its steadiness."""
    result = analyse(Synthetic(frequency_hz=5.0, amplitude_m_s2=0.6, seed=1).recording(), "rest")
    items = {e.id: e for e in result.evidence}
    assert items["measured_tremor_at_rest"].state == "present"
    assert items["measured_tremor_frequency"].value == pytest.approx(5.0, abs=0.3)
    assert items["measured_tremor_amplitude"].value == pytest.approx(result.displacement_cm, abs=1e-3)
    assert items["measured_frequency_varies"].state == "absent"
    untold = analyse(Synthetic(frequency_hz=5.0, seed=1).recording())
    assert untold.evidence[0].id == PRESENCE_FINDING[None]


def test_session_combines_tasks_and_takes_details_from_the_largest_tremor() -> None:
    """Three tasks give three presence findings and one frequency, from the largest tremor."""
    results = [
        analyse(Synthetic(frequency_hz=5.0, amplitude_m_s2=0.9, seed=1).recording(), "rest"),
        analyse(Synthetic(frequency_hz=5.3, amplitude_m_s2=0.3, seed=2).recording(), "postural"),
        analyse(Synthetic(frequency_hz=None, seed=3).recording(), "kinetic"),
    ]
    session = combine(results)
    ids = [(e.id, e.state) for e in session.evidence]
    assert ids[:3] == [
        ("measured_tremor_at_rest", "present"),
        ("measured_tremor_arms_out", "present"),
        ("measured_tremor_on_movement", "absent"),
    ]
    assert [e.id for e in session.evidence].count("measured_tremor_frequency") == 1
    assert session.frequency_hz == pytest.approx(5.0, abs=0.3)
    assert "hands resting in the lap" in session.summary


def test_results_round_trip_through_json_with_their_date() -> None:
    """A result and a session serialise to JSON and read back equal, keeping the recording date."""
    from datetime import UTC, datetime

    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    result = analyse(Synthetic(seed=2).recording(), "postural", when)
    data = json.loads(json.dumps(result.model_dump(mode="json")))
    assert data["recorded_at"].startswith("2026-03-01T09:30")
    assert TremorResult.model_validate(data) == result
    session = combine([result], when)
    assert TremorSession.model_validate_json(session.model_dump_json()) == session
    assert all("value" in e or e["id"] != "measured_tremor_frequency" for e in data["evidence"])
    assert all(v is not None for e in data["evidence"] for v in e.values())


def test_the_picture_is_drawn_from_the_result_alone() -> None:
    """The trace-and-spectrum figure renders from a stored result as PNG and SVG."""
    result = analyse(Synthetic(seed=2).recording(), "rest")
    assert render(result).startswith(b"\x89PNG")
    assert b"<svg" in render(result, "svg")[:500]


def columns(seconds: float = 12.0, rate: float = 100.0) -> tuple[list[float], list[float], list[float], list[float]]:
    t = [i / rate for i in range(int(seconds * rate) + 1)]
    return t, [0.0] * len(t), [0.0] * len(t), [9.81] * len(t)


def test_too_short_is_an_error() -> None:
    """A recording under 10 s is refused with the code too_short."""
    with pytest.raises(RecordingError) as err:
        Recording.from_columns(*columns(seconds=8))
    assert err.value.code == "too_short" and "10 s" in err.value.message


def test_too_coarse_is_an_error() -> None:
    """Fewer than 40 samples a second is refused with the code too_coarse."""
    with pytest.raises(RecordingError) as err:
        Recording.from_columns(*columns(rate=30))
    assert err.value.code == "too_coarse" and "40" in err.value.message


def test_gaps_are_an_error() -> None:
    """A pause of 0.5 s in the samples is refused with the code gaps and where it is."""
    t, x, y, z = columns()
    t = [v + (0.5 if v > 5 else 0.0) for v in t]
    with pytest.raises(RecordingError) as err:
        Recording.from_columns(t, x, y, z)
    assert err.value.code == "gaps"
    assert err.value.details["gaps"][0]["at_s"] == pytest.approx(5.0, abs=0.02)


def test_time_must_increase() -> None:
    """Time that repeats or runs backwards is refused with the sample named."""
    t, x, y, z = columns()
    t[50] = t[49]
    with pytest.raises(RecordingError) as err:
        Recording.from_columns(t, x, y, z)
    assert err.value.code == "time_not_increasing" and err.value.details["sample"] == 51


@pytest.mark.parametrize("bad", ["1.5", None, True, float("nan"), float("inf")])
def test_values_must_be_numbers(bad: object) -> None:
    """Strings, nulls, booleans, NaN and infinity among the values are refused with their position."""
    t, x, y, z = columns()
    x[7] = bad  # type: ignore[call-overload]
    with pytest.raises(RecordingError) as err:
        Recording.from_columns(t, x, y, z)
    assert err.value.code == "not_a_number" and err.value.details == {"column": "x", "index": 7}


def test_columns_must_have_the_same_length_and_plausible_values() -> None:
    """Uneven columns and accelerations beyond any phone's range are refused."""
    t, x, y, z = columns()
    with pytest.raises(RecordingError) as err:
        Recording.from_columns(t, x[:-1], y, z)
    assert err.value.code == "length_mismatch"
    with pytest.raises(RecordingError) as err:
        Recording.from_columns(t, [v + 9810 for v in x], y, z)
    assert err.value.code == "out_of_range"
