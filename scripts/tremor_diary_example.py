"""Regenerate the README's tremor diary example: four weeks of phone measurements and the report's tremor page.

A synthetic person with an 8.5 Hz tremor (varying a little from day to day) of the outstretched arms (0.5 m/s² RMS) measures it every
few days, starts propranolol on day 14, after which the tremor is smaller (0.2 m/s²), and also
measures with the hands resting (no tremor). Each recording is analysed and stored in a throwaway
SQLite diary exactly as `twitchcheck diary tremor add` does; the report is built from that database.
Writes docs/screenshots/tremor-diary-report.png (the report's tremor page, needs pdftoppm) and
docs/screenshots/tremor-diary-chart.png, and prints the list as `twitchcheck diary tremor list` shows it.
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from twitchcheck.accounts.service import local_user
from twitchcheck.cli.diary_tremor_cmd import _line
from twitchcheck.diary import frames, report, service, tremor_report
from twitchcheck.diary import tremor_store as store
from twitchcheck.diary.db import Database
from twitchcheck.diary.schemas import MedicationIn
from twitchcheck.tremor import analyse
from twitchcheck.tremor.synthetic import Synthetic

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
START = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
DRUG_DAY = 14


def main() -> None:
    """Store the measurements, build the report, write the two pictures."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/diary.db")
        rng = np.random.default_rng(4)
        with db.write() as session:
            user = local_user(session)
            start = (START + timedelta(days=DRUG_DAY)).date()
            service.add_medication(session, user=user, data=MedicationIn(name="Propranolol", dose="40 mg", start=start))
            for day in (0, 3, 7, 10, 13, 17, 21, 24, 27):
                # day-to-day variation, as a hand-held phone gives: size ±25 %, frequency ±0.3 Hz
                amplitude = (0.5 if day < DRUG_DAY else 0.2) * float(rng.uniform(0.75, 1.25))
                frequency = 8.5 + float(rng.uniform(-0.3, 0.3))
                when = START + timedelta(days=day, minutes=int(rng.integers(0, 600)))
                synthetic = Synthetic(frequency_hz=frequency, amplitude_m_s2=amplitude, rate_hz=60, seed=day)
                recording = synthetic.recording()
                note = "before propranolol" if day < DRUG_DAY else f"propranolol day {day - DRUG_DAY}"
                result = analyse(recording, "postural", when)
                store.add_tremor(session, user=user, entry=store.entry_from_result(result, note=note))
                if day in (0, 27):
                    rest = analyse(Synthetic(frequency_hz=None, rate_hz=60, seed=100 + day).recording(), "rest", when)
                    store.add_tremor(session, user=user, entry=store.entry_from_result(rest))
            user_id = user.id
        with db.read() as session:
            for row in store.list_tremors(session, user_id=user_id):
                print(_line(store.tremor_dict(row, full=False)))
            tables = frames.load(session, user_id=user_id, timezone="Europe/London")
        db.dispose()
        _, pdf = report.build(tables, who="sam@example.org", today=date(2026, 10, 30))
        assert pdf is not None
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        page = _tremor_page(path)
        OUT.mkdir(parents=True, exist_ok=True)
        target = str(OUT / "tremor-diary-report")
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile", str(path), target], check=True)
    starts = [(m["start"], m["name"]) for m in tables.medications]
    chart = tremor_report.over_time_figure(tables.tremors, "Europe/London", starts)
    chart.savefig(OUT / "tremor-diary-chart.png", dpi=110)
    print(f"wrote {OUT}/tremor-diary-report.png (page {page}) and tremor-diary-chart.png")


def _tremor_page(pdf: Path) -> int:
    """The PDF page on which the tremor section starts."""
    for number in range(1, 20):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        if "Tremor measurements" in text:
            return number
    raise SystemExit("the report has no tremor section")


if __name__ == "__main__":
    main()
