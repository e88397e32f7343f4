"""Regenerate the README's diary pictures: the report's first page and the triggers chart (needs pdftoppm)."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from twitchcheck.diary import analysis, frames, plots, report, synthetic
from twitchcheck.service import assess_raw

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> None:
    """Write docs/screenshots/diary-report.png and diary-triggers.png from a synthetic 12-week diary."""
    data = synthetic.generate(days=84, base_rate=3, sleep_effect=2.2, magnesium_start=42, magnesium_effect=0.5, seed=8)
    evidence = [
        {"id": "loc_calf", "state": "present"},
        {"id": "brief_flicker", "state": "present"},
        {"id": "weakness", "state": "absent"},
        {"id": "muscle_wasting", "state": "absent"},
        {"id": "swallowing_difficulty", "state": "absent"},
        {"id": "speech_difficulty", "state": "absent"},
        {"id": "breathing_difficulty", "state": "absent"},
        {"id": "duration_days", "state": "present", "value": 80},
    ]
    saved = [{"saved_at": datetime.now() - timedelta(days=3), "data": assess_raw({"age": 34, "sex": "male", "evidence": evidence}).to_json_dict()}]
    tables = frames.build(
        episodes=data["episodes"], days=data["days"], medications=data["medications"],
        symptoms=[*data["symptoms"], {"date": data["days"][-6]["date"], "symptom": "muscle_wasting", "severity": 3}],
        assessments=saved,
    )
    began = datetime.fromisoformat(str(data["episodes"][0]["occurred_at"])).date()
    profile = {"name": "Alex Example", "age": 34, "birth_year": 1992, "sex": "male"}
    profile |= {"began_text": f"early {began:%B %Y}, after exams", "began": began}
    _, pdf = report.build(tables, who="alex@example.org", profile=profile)
    assert pdf is not None
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path), str(OUT / "diary-report")], check=True)
    result = analysis.analyse(tables)
    (OUT / "diary-triggers.png").write_bytes(plots.png(plots.factors(result), dpi=110))
    (OUT / "diary-timeline.png").write_bytes(plots.png(plots.timeline(analysis.daily_counts(tables), result), dpi=110))
    print(f"wrote {OUT}/diary-report.png, diary-triggers.png, diary-timeline.png")


if __name__ == "__main__":
    main()
