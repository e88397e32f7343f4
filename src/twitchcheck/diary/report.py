"""The doctor report: one page a doctor reads in a minute, then the charts, then the details.

The first page answers the questions of a consultation about twitching: since when, how often,
how long, how strong, where, spreading or not, what seems to trigger it, which medicines, which
other symptoms, which warning signs were asked about (and the answers), and the latest
assessment. The same HTML is shown as a page and printed to PDF with WeasyPrint.
"""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from twitchcheck.diary import tremor_report, vocab
from twitchcheck.diary.frames import DiaryFrames

TEMPLATES = Path(__file__).parent / "templates"
MAX_EPISODE_ROWS = 60  # the details list the latest episodes; the export has them all
MAX_DAY_ROWS = 21
BEFORE_ONSET = timedelta(weeks=8)  # a medicine started this long before the twitching began is pointed out
DISCLAIMER = (
    "Recorded by the patient in twitchcheck. Associations in one person's diary are not proof of cause. "
    "twitchcheck gives information, not a diagnosis."
)


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["nice_date"] = nice_date
    env.filters["place"] = vocab.body_part_name
    env.filters["ratio"] = lambda row: f"{row['rate_ratio']:.2g}× (95% CI {row['ci95'][0]:.2g}–{row['ci95'][1]:.2g})"
    return env


def css() -> str:
    """The report's stylesheet (linked from the page, inlined into the PDF)."""
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def nice_date(value: Any) -> str:
    """'3 Mar 2026' for a date, datetime or ISO text."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return f"{value.day} {value:%b %Y}"


def _seconds(value: float | None) -> str:
    if value is None:
        return "not recorded"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def _warning_answers(
    frames: DiaryFrames, latest: dict[str, Any] | None, age: int | None = None, sex: str | None = None
) -> dict[str, Any]:
    """The warning signs: those logged or answered yes (first), those answered no, and those that matter unasked.

    "Not asked" is listed only for the warning signs the latest assessment says could change its
    advice (``triage.unasked_warning_signs``); the rest of the screen is not news to a doctor.
    """
    names = vocab.warning_signs()
    data = (latest or {}).get("data", {})
    asked = {e["id"]: e["state"] for e in data.get("evidence", []) if e["id"] in names}
    logged: dict[str, list[date]] = {}
    for row in frames.symptoms:
        if row["symptom"] in names:
            logged.setdefault(row["symptom"], []).append(row["date"])
    present = [
        {
            "id": f,
            "name": names[f],
            "when": f"logged {nice_date(min(days))}" + (f", {len(days)} times" if len(days) > 1 else ""),
        }
        for f, days in logged.items()
    ]
    present += [
        {"id": f, "name": names[f], "when": "in the assessment"}
        for f, state in asked.items()
        if state == "present" and f not in logged
    ]
    absent = [names[f] for f, state in asked.items() if state == "absent" and f not in logged]
    unasked_ids = (data.get("triage") or {}).get("unasked_warning_signs") or []
    unasked = [names[f] for f in unasked_ids if f in names and f not in logged]
    advice = None
    if present:
        from twitchcheck.diary.warnings import triage_for

        advice = triage_for([p["id"] for p in present], age=age, sex=sex)
    return {"present": present, "absent": absent, "unasked": unasked, "advice": advice}


def _medicines(frames: DiaryFrames, today: date, onset: date | None) -> list[dict[str, Any]]:
    """The medicines, current first; those started within ``BEFORE_ONSET`` before onset are pointed out."""
    rows = []
    for med in frames.medications:
        current = med.get("stop") is None or med["stop"] >= today
        before = (onset - med["start"]).days if onset is not None else None
        near_onset = before is not None and 0 <= before <= BEFORE_ONSET.days
        rows.append(med | {"current": current, "near_onset": near_onset, "days_before_onset": before})
    return sorted(rows, key=lambda r: (not r["near_onset"], not r["current"], r["start"]))


def _symptoms(frames: DiaryFrames) -> list[dict[str, Any]]:
    names = vocab.symptoms()
    grouped: dict[str, dict[str, Any]] = {}
    for row in frames.symptoms:
        entry = grouped.setdefault(
            row["symptom"],
            {"name": names.get(row["symptom"], row["symptom"]), "first": row["date"], "last": row["date"], "times": 0},
        )
        entry["times"] += 1
        entry["last"] = max(entry["last"], row["date"])
        entry["first"] = min(entry["first"], row["date"])
        if row.get("severity") is not None:
            entry["max_severity"] = max(entry.get("max_severity", 0), row["severity"])
    return sorted(grouped.values(), key=lambda e: e["first"])


def _latest_assessment(frames: DiaryFrames) -> dict[str, Any] | None:
    if not frames.assessments:
        return None
    latest = frames.assessments[-1]
    data = latest["data"]
    movement = (data.get("movement") or [{}])[0]
    return {
        "saved_at": latest["saved_at"],
        "data": data,
        "triage": data.get("triage", {}),
        "movement": movement,
        "conditions": [c for c in data.get("conditions", []) if c.get("id") != "other"][:3],
        "duration_days": next(
            (e.get("value") for e in data.get("evidence", []) if e["id"] == "duration_days" and e.get("value")), None
        ),
    }


def _weeks_text(days: int) -> str:
    if days < 14:
        return "the same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} before"
    return f"about {round(days / 7)} weeks before"


def context(
    frames: DiaryFrames,
    analysis: dict[str, Any],
    *,
    who: str,
    today: date | None = None,
    profile: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the report template shows, as plain data.

    ``profile`` is ``diary.profile.header()``: name, age, sex and when the twitching began as the
    person reported it. The onset used for medicines is that date when it reads as one, else the
    first episode in the diary.
    """
    today = today or date.today()
    profile = dict.fromkeys(("name", "age", "birth_year", "sex", "began_text", "began")) | (profile or {})
    latest = _latest_assessment(frames)
    episodes = frames.episodes
    recent = episodes.sort_values("occurred_at", ascending=False).head(MAX_EPISODE_ROWS)
    summary = analysis.get("summary") or {}
    triggers = analysis.get("triggers", [])
    first_entry = date.fromisoformat(summary["onset"]) if summary.get("onset") else None
    onset = profile.get("began") or first_entry
    medicines = _medicines(frames, today, onset)
    for med in medicines:
        if med["near_onset"]:
            med["onset_text"] = _weeks_text(med["days_before_onset"])
    return {
        "who": who,
        "profile": profile,
        "onset": onset,
        "onset_source": "reported" if profile.get("began") else ("diary" if first_entry else None),
        "today": today,
        "a": analysis,
        "s": summary,
        "duration_text": _seconds((summary.get("duration_s") or {}).get("median")),
        "duration_max_text": _seconds((summary.get("duration_s") or {}).get("max")),
        "clear_triggers": [t for t in triggers if t["status"] == "ok" and t["clear"]],
        "unclear_triggers": [t for t in triggers if t["status"] == "ok" and not t["clear"] and t["lag"] == "same_day"],
        "short_triggers": [t for t in triggers if t["status"] != "ok" and t["lag"] == "same_day"],
        "medicines": medicines,
        "near_onset": [m for m in medicines if m["near_onset"]],
        "symptoms": _symptoms(frames),
        "warnings": _warning_answers(frames, latest, profile.get("age"), profile.get("sex")),
        "latest": latest,
        "movement_names": vocab.movement_names(),
        "episodes": [
            {
                "when": row.local.strftime("%Y-%m-%d %H:%M"),
                "place": vocab.place_name(row.body_part, row.side),
                "movement": row.movement,
                "count": None if row.count != row.count else int(row.count),
                "duration": None if row.duration_s != row.duration_s else row.duration_s,
                "intensity": int(row.intensity),
            }
            for row in recent.itertuples()
        ],
        "episodes_total": len(episodes),
        "days": frames.days.tail(MAX_DAY_ROWS).iloc[::-1].reset_index().to_dict("records"),
        "days_total": len(frames.days),
        "disclaimer": DISCLAIMER,
        "tremor": tremor_report.section(frames.tremors, timezone=frames.timezone, medications=frames.medications),
    }


def data_uri(svg_text: str) -> str:
    """An SVG as a data: address for an <img> (allowed by the pages' content security policy)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg_text.encode()).decode()


def png_uri(png: bytes) -> str:
    """A PNG as a data: address."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def render_html(ctx: dict[str, Any], charts: dict[str, str], *, standalone: bool) -> str:
    """The report as HTML: standalone (CSS inlined, for the PDF) or linking the stylesheet (for the web).

    ``charts`` are SVG texts, or ready data: addresses (the PDF uses PNG, which WeasyPrint lays out faster).
    """
    images = {name: chart if chart.startswith("data:") else data_uri(chart) for name, chart in charts.items()}
    template = _env().get_template("report.html")
    return template.render(**ctx, charts=images, standalone=standalone, css=css() if standalone else "")


def render_pdf(html: str) -> bytes:
    """The report as PDF bytes (WeasyPrint)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf


def build(
    frames: DiaryFrames,
    *,
    who: str,
    today: date | None = None,
    pdf: bool = True,
    profile: dict[str, Any] | None = None,
) -> tuple[str, bytes | None]:
    """Analyse, draw and render: the standalone HTML (SVG charts) and, optionally, the PDF (PNG charts)."""
    from twitchcheck.diary import analysis as analysis_mod
    from twitchcheck.diary import plots

    result = analysis_mod.analyse(frames, today=today)
    counts = analysis_mod.daily_counts(frames)
    ctx = context(frames, result, who=who, today=today, profile=profile)
    if not pdf:
        return render_html(ctx, plots.all_svgs(counts, result), standalone=True), None
    charts = {name: png_uri(data) for name, data in plots.all_pngs(counts, result).items()}
    html = render_html(ctx, charts, standalone=True)
    return html, render_pdf(html)
