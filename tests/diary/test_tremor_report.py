"""The doctor report's "Tremor measurements" section: table, chart over time, latest plots, before/after."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from twitchcheck.diary import frames, report, tremor_report
from twitchcheck.diary import tremor_store as store
from twitchcheck.tremor import analyse
from twitchcheck.tremor.synthetic import Synthetic

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
DRUG_START = date(2026, 9, 15)


def measurement(day: int, task: str, frequency: float | None, amplitude: float, seed: int) -> dict[str, Any]:
    """A synthetic measurement in export form, made ``day`` days after START."""
    result = analyse(Synthetic(frequency_hz=frequency, amplitude_m_s2=amplitude, seed=seed).recording(), task)  # type: ignore[arg-type]
    entry = store.entry_from_result(result, recorded_at=START + timedelta(days=day), note=f"day {day}")
    return dict(entry.model_dump(mode="json"))


@pytest.fixture(scope="module")
def tremor_tables() -> frames.DiaryFrames:
    """Four weeks: an 8 Hz arms-out tremor of 0.6 m/s² that falls to 0.2 after a medicine starts; rest shows none."""
    entries = [measurement(d, "postural", 8.0, 0.6, d) for d in (0, 4, 9)]
    entries += [measurement(d, "postural", 8.0, 0.2, d) for d in (16, 21, 27)]
    entries += [measurement(d, "rest", None, 0.0, 100 + d) for d in (0, 27)]
    meds = [{"name": "Propranolol", "dose": "40 mg", "start": DRUG_START, "stop": None}]
    return frames.build(episodes=[], medications=meds, tremors=entries, timezone="Europe/London")


@pytest.fixture(scope="module")
def built(tremor_tables: frames.DiaryFrames) -> tuple[str, bytes]:
    """The report of that diary, as HTML and PDF."""
    html, pdf = report.build(tremor_tables, who="sam@example.org", today=date(2026, 10, 1))
    assert pdf is not None
    return html, pdf


def test_section_lists_every_measurement_newest_first(tremor_tables: frames.DiaryFrames) -> None:
    """The table has one row per measurement, newest first, with frequency, size and steadiness."""
    section = tremor_report.section(tremor_tables.tremors, timezone="Europe/London")
    assert section is not None and section["count"] == 8 and len(section["rows"]) == 8
    newest = section["rows"][0]
    assert newest["when"].startswith("2026-09-28 09:00") and newest["note"] == "day 27"
    arms_out = [r for r in section["rows"] if r["task"] == "arms held out"]
    assert all(r["frequency"] == "8.0 Hz" and r["steadiness"] == "steady" for r in arms_out)
    assert {r["frequency"] for r in section["rows"] if r["task"] == "hands resting in the lap"} == {"no tremor"}


def test_change_after_a_medicine_is_stated_as_medians(tremor_tables: frames.DiaryFrames) -> None:
    """With three arms-out measurements on each side of the start, the medians before and after are given."""
    changes = tremor_report.medicine_changes(tremor_tables.tremors, tremor_tables.medications, "Europe/London")
    assert len(changes) == 1
    change = changes[0]
    assert change["medicine"] == "Propranolol" and change["task"] == "arms held out"
    assert (change["n_before"], change["n_after"]) == (3, 3)
    assert abs(change["before"] - 0.6) < 0.06 and abs(change["after"] - 0.2) < 0.03


def test_html_has_the_chart_and_one_plot_per_task(built: tuple[str, bytes]) -> None:
    """The HTML section holds the chart over time and the latest plot of each task (two tasks), as PNG."""
    html, _ = built
    section = html.split('id="tremor-measurements"', 1)[1].split("</section>", 1)[0]
    assert section.count('src="data:image/png;base64,') == 3
    assert "Latest measurement of each task" in section and "Propranolol" in section


@needs_poppler
def test_pdf_contains_the_tremor_section(built: tuple[str, bytes], tmp_path: Path) -> None:
    """The PDF's text has the section, its table and the before/after sentence."""
    path = tmp_path / "report.pdf"
    path.write_bytes(built[1])
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("Tremor measurements", "arms held out", "8.0 Hz", "steady", "Latest measurement of each task"):
        assert words in text, words
    assert "before Propranolol" in " ".join(text.split())


def test_no_measurements_no_section() -> None:
    """A diary without tremor measurements has no tremor section."""
    html, _ = report.build(frames.build(episodes=[]), who="x@example.org", pdf=False)
    assert "Tremor measurements" not in html and tremor_report.section([]) is None
