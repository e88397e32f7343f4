"""The doctor report (HTML and PDF) and the charts."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from twitchcheck.diary import analysis, frames, plots, report, synthetic

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@pytest.fixture(scope="module")
def tables() -> frames.DiaryFrames:
    from twitchcheck.service import assess_raw

    data = synthetic.generate(days=90, base_rate=3, sleep_effect=2.5, magnesium_start=45, magnesium_effect=0.5, seed=8)
    evidence = [
        {"id": "loc_calf", "state": "present"},
        {"id": "weakness", "state": "absent"},
        {"id": "muscle_wasting", "state": "absent"},
        {"id": "duration_days", "state": "present", "value": 40},
    ]
    saved = [
        {
            "saved_at": datetime.now() - timedelta(days=2),
            "data": assess_raw({"age": 34, "evidence": evidence}).to_json_dict(),
        }
    ]
    symptoms = data["symptoms"] + [{"date": data["days"][-5]["date"], "symptom": "numbness_tingling", "severity": 2}]
    return frames.build(
        episodes=data["episodes"],
        days=data["days"],
        medications=data["medications"],
        symptoms=symptoms,
        assessments=saved,
    )


@pytest.fixture(scope="module")
def built(tables: frames.DiaryFrames) -> tuple[str, bytes]:
    html, pdf = report.build(tables, who="alex@example.org")
    assert pdf is not None
    return html, pdf


def test_pdf_is_a_pdf(built: tuple[str, bytes]) -> None:
    """The report is a complete PDF document (starts with %PDF, ends with %%EOF)."""
    _, pdf = built
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


@needs_poppler
def test_first_page_is_the_summary(built: tuple[str, bytes], tmp_path: Path) -> None:
    """The first page alone holds the summary: began, how often, how long, how strong, where, triggers, medicines."""
    path = tmp_path / "report.pdf"
    path.write_bytes(built[1])
    text = subprocess.run(
        ["pdftotext", "-l", "1", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in (
        "summary for the doctor",
        "Began",
        "How often",
        "How long",
        "How strong",
        "Where",
        "Spreading",
        "Triggers",
        "under 6 hours' sleep",
        "Medicines",
        "Sertraline",
        "Other symptoms",
        "Warning signs",
        "muscle feels weak",
        "Latest assessment",
        "alex@example.org",
    ):
        assert words in text, words
    assert "Possible triggers (episodes per day" not in text, "the details start on a later page"


@needs_poppler
def test_first_page_renders_to_png(built: tuple[str, bytes], tmp_path: Path) -> None:
    """pdftoppm renders the first page to a PNG (the fonts and charts are embedded)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(built[1])
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    png = next(tmp_path.glob("page*.png")).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000


def test_html_report_embeds_charts_without_inline_script(built: tuple[str, bytes]) -> None:
    """The HTML holds the four charts as SVG images and no script."""
    html, _ = built
    assert html.count('src="data:image/') == 4
    assert "<script" not in html
    assert "@page" in html and "font-family" in html.split("@page", 1)[1].split("}", 1)[0]


def test_charts_render_as_svg_and_png(tables: frames.DiaryFrames) -> None:
    """Every chart renders as SVG text and as PNG bytes, also for an empty diary."""
    result = analysis.analyse(tables)
    counts = analysis.daily_counts(tables)
    svgs = plots.all_svgs(counts, result)
    assert set(svgs) == {"timeline", "places", "hours", "factors"}
    assert all(s.lstrip().startswith("<?xml") and "<svg" in s for s in svgs.values())
    assert plots.png(plots.places(result)).startswith(b"\x89PNG")
    empty = frames.build(episodes=[])
    empty_result = analysis.analyse(empty)
    assert "<svg" in plots.all_svgs(analysis.daily_counts(empty), empty_result)["timeline"]


def test_empty_diary_report(tmp_path: Path) -> None:
    """A report of an empty diary still renders, and says nothing is recorded."""
    html, pdf = report.build(frames.build(episodes=[]), who="new@example.org")
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert "No episodes recorded" in html


def test_context_warning_signs(tables: frames.DiaryFrames) -> None:
    """Warning signs answered no are listed as no; only those that could change the advice are 'not yet asked'."""
    from twitchcheck.diary import vocab

    ctx: dict[str, Any] = report.context(tables, analysis.analyse(tables), who="x")
    warnings = ctx["warnings"]
    assert "Muscle feels weak" in warnings["absent"] and not warnings["present"]
    unasked = tables.assessments[-1]["data"]["triage"]["unasked_warning_signs"]
    assert warnings["unasked"] == [vocab.warning_signs()[f] for f in unasked]
    assert "not asked" not in report.render_html(ctx, {}, standalone=True)


def test_clear_marks_only_clear_findings(tables: frames.DiaryFrames) -> None:
    """The details mark as 'clear' exactly the triggers and changes whose difference holds."""
    result = analysis.analyse(tables)
    html = report.render_html(report.context(tables, result, who="x"), {}, standalone=True)
    expected = sum(1 for row in result["triggers"] + result["changes"] if row.get("clear"))
    assert html.count("<strong>clear</strong>") == expected < len(result["triggers"])


def _profiled_diary(began: date) -> frames.DiaryFrames:
    episodes = [
        {"occurred_at": f"{began + timedelta(days=i)}T20:00:00+00:00", "body_part": "calf", "intensity": 4}
        for i in range(0, 30, 2)
    ]
    medications = [
        {"name": "Salbutamol", "start": began - timedelta(weeks=3)},
        {"name": "Levothyroxine", "start": began - timedelta(weeks=30)},
    ]
    symptoms = [{"date": began + timedelta(days=20), "symptom": "muscle_wasting", "severity": 4}]
    return frames.build(episodes=episodes, medications=medications, symptoms=symptoms)


def test_report_top_names_the_person_and_flags_what_matters() -> None:
    """Name, age and sex head the report; logged warning signs and a medicine started before onset come first."""
    from twitchcheck.diary.profile import onset_date
    from twitchcheck.service import assess

    began = date(2026, 9, 1)
    today = began + timedelta(days=40)
    profile = {"name": "Alex Example", "age": 24, "birth_year": 2002, "sex": "female"}
    profile |= {"began_text": "2026-09", "began": onset_date("2026-09", today)}
    html, _ = report.build(_profiled_diary(began), who="alex@example.org", today=today, pdf=False, profile=profile)
    first = html.index("Alex Example")
    assert first < html.index("born 2002 (24 this year)") < html.index("female") < html.index("How often")
    warning = html.index("Warning signs logged")
    assert warning < html.index("How often") and "Muscle wasting" in html[warning : html.index("How often")]
    expected = assess(evidence=[{"id": "muscle_wasting", "state": "present"}], age=24, sex="female").triage
    assert expected.time_frame in html[warning:]
    box = html[html.index("Medicine started shortly before") : html.index("How often")]
    assert "Salbutamol" in box and "about 3 weeks before" in box and "Levothyroxine" not in box
    assert "Reported by the person: <strong>2026-09</strong>" in html and "not asked" not in html


def test_onset_falls_back_to_the_first_entry() -> None:
    """Without a reported start, medicines are measured against the diary's first episode."""
    began = date(2026, 9, 1)
    ctx = report.context(_profiled_diary(began), analysis.analyse(_profiled_diary(began)), who="x", today=began)
    assert ctx["onset"] == began and ctx["onset_source"] == "diary"
    assert [m["name"] for m in ctx["near_onset"]] == ["Salbutamol"]
