"""``twitchcheck diary``: a local profile without sign-in; add, list, report, export and import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from twitchcheck.cli import app


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> object:
    """Run ``twitchcheck`` against a fresh diary database (SQLite file, or the PostgreSQL test database)."""
    from twitchcheck.diary import db

    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{tmp_path}/cli.db"
    else:  # one PostgreSQL database for the session: start each test with no local profile
        from sqlalchemy import select

        from twitchcheck.accounts.service import delete_account
        from twitchcheck.diary.models import User

        database = db.Database(db_url, migrate=False)
        with database.write() as session:
            for user_id in session.scalars(select(User.id).where(User.is_local.is_(True))).all():
                delete_account(session, user_id=user_id)
        database.dispose()
    monkeypatch.setenv("TWITCHCHECK_DATABASE_URL", db_url)
    monkeypatch.setattr(db, "_databases", {})
    runner = CliRunner()

    def invoke(*args: str) -> object:
        return runner.invoke(app, ["diary", *args], catch_exceptions=False)

    return invoke


def test_add_list_and_defaults(run: object) -> None:
    """`diary add` logs an episode for the local profile; the next one defaults to the same place."""
    first = run("add", "-i", "4", "-p", "calf", "-s", "left", "--at", "2026-10-01T09:00:00+02:00", "--json")  # type: ignore[operator]
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["body_part"] == "calf"
    second = run("add", "-i", "6", "--at", "2026-10-02T09:00:00+02:00", "--json")  # type: ignore[operator]
    body = json.loads(second.output)
    assert (body["body_part"], body["side"]) == ("calf", "left")
    listed = run("list", "--json")  # type: ignore[operator]
    assert [e["intensity"] for e in json.loads(listed.output)] == [4, 6]
    text = run("list")  # type: ignore[operator]
    assert "left  calf" in text.output


def test_bad_input_fails_cleanly(run: object) -> None:
    """Intensity 11 or an unknown body part: non-zero exit, a one-line message, the error object with --json."""
    result = run("add", "-i", "11", "-p", "calf", "-s", "left")  # type: ignore[operator]
    assert result.exit_code != 0 and "intensity" in result.output
    as_json = run("add", "-i", "3", "-p", "nose", "--json")  # type: ignore[operator]
    assert as_json.exit_code != 0
    assert json.loads(as_json.stdout.splitlines()[0])["error"]["code"] == "validation_error"
    assert json.loads(run("list", "--json").output) == []  # type: ignore[operator]


def test_day_med_symptom_and_analysis(run: object) -> None:
    """Days, medicines and symptoms are recorded; `diary analysis` summarises."""
    assert run("day", "2026-10-01", "--sleep", "5", "--caffeine", "300", "--supplement", "magnesium").exit_code == 0  # type: ignore[operator]
    assert run("med", "Sertraline", "--start", "2026-09-01", "--dose", "50 mg").exit_code == 0  # type: ignore[operator]
    assert run("symptom", "weakness", "--date", "2026-10-01", "--severity", "2").exit_code == 0  # type: ignore[operator]
    run("add", "-i", "4", "-p", "thigh", "-s", "right", "--at", "2026-10-01T09:00:00+00:00")  # type: ignore[operator]
    days = json.loads(run("list", "-k", "days", "--json").output)  # type: ignore[operator]
    assert days[0]["supplements"] == ["magnesium"]
    analysis = run("analysis", "--json")  # type: ignore[operator]
    assert json.loads(analysis.output)["summary"]["episodes"] == 1
    assert "needs at least 3 days" in run("analysis").output  # type: ignore[operator]


@pytest.mark.slow  # a PDF or a statistics cross-check: left out of the quick tier
def test_report_export_import_round_trip(run: object, tmp_path: Path) -> None:
    """`diary report` writes a PDF; `diary export` then `diary import` into an empty diary gives the same export."""
    for day in range(1, 6):
        run(
            "add",
            "-i",
            str(day),
            "-p",
            "eyelid",
            "-s",
            "left",
            "--at",
            f"2026-10-0{day}T21:00:00+01:00",
            "--notes",
            "a, b",
        )  # type: ignore[operator]
    pdf = tmp_path / "report.pdf"
    assert run("report", "-o", str(pdf)).exit_code == 0  # type: ignore[operator]
    assert pdf.read_bytes().startswith(b"%PDF")
    html = tmp_path / "report.html"
    run("report", "-o", str(html))  # type: ignore[operator]
    assert "summary for the doctor" in html.read_text()
    exported = tmp_path / "diary.csv"
    assert run("export", "-f", "csv", "-o", str(exported)).exit_code == 0  # type: ignore[operator]
    fhir = run("export", "-f", "fhir")  # type: ignore[operator]
    assert json.loads(fhir.stdout)["resourceType"] == "Bundle"
    for episode in json.loads(run("list", "--json").output):  # type: ignore[operator]
        run("delete", str(episode["id"]))  # type: ignore[operator]
    assert json.loads(run("list", "--json").output) == []  # type: ignore[operator]
    imported = run("import", str(exported), "--json")  # type: ignore[operator]
    assert json.loads(imported.output)["imported"]["episodes"]["added"] == 5
    again = tmp_path / "again.csv"
    run("export", "-f", "csv", "-o", str(again))  # type: ignore[operator]
    assert again.read_text() == exported.read_text()


def test_tremor_add_list_delete(run: object, tmp_path: Path) -> None:
    """`diary tremor add --csv` measures and keeps a recording; `list` shows it; a bad file or task stores nothing."""
    from twitchcheck.tremor.synthetic import Synthetic

    path = tmp_path / "Raw Data.csv"
    path.write_text(Synthetic(frequency_hz=6.5, amplitude_m_s2=0.4, seed=11).csv(), encoding="utf-8")
    added = run("tremor", "add", "--csv", str(path), "--task", "postural", "--note", "after coffee", "--json")  # type: ignore[operator]
    assert added.exit_code == 0, added.output
    body = json.loads(added.output)
    assert body["task"] == "postural" and abs(body["frequency_hz"] - 6.5) < 0.3 and body["note"] == "after coffee"
    short = tmp_path / "short.csv"
    short.write_text(Synthetic(duration_s=4.0).csv(), encoding="utf-8")
    refused = run("tremor", "add", "--csv", str(short))  # type: ignore[operator]
    assert refused.exit_code != 0 and "10 s" in refused.output
    assert run("tremor", "add", "--csv", str(path), "--task", "dance").exit_code != 0  # type: ignore[operator]
    listed = json.loads(run("tremor", "list", "--json").output)  # type: ignore[operator]
    assert [r["id"] for r in listed] == [body["id"]]
    assert "6.5 Hz" in run("tremor", "list").output  # type: ignore[operator]
    assert run("tremor", "delete", str(body["id"])).exit_code == 0  # type: ignore[operator]
    assert "no tremor measurements yet" in run("tremor", "list").output  # type: ignore[operator]
