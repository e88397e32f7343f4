"""``twitchcheck diary``: the twitch diary on this computer (a local profile, no sign-in).

The diary lives in the database of ``TWITCHCHECK_DATABASE_URL`` (default: a SQLite file in your
data folder). ``add`` logs an episode, ``day``/``med``/``symptom``/``save-assessment`` log the rest,
``list`` and ``analysis`` show it, ``report`` writes the doctor report (PDF or HTML), and
``export``/``import`` move it (JSON and CSV round-trip exactly; FHIR for health records);
``tremor add|list|delete`` keeps phone tremor measurements (``diary_tremor_cmd``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from twitchcheck.cli.errors import fail

app = typer.Typer(help="Your twitch diary on this computer: log, list, analyse, report, export.", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON")]
MAX_IMPORT_BYTES = 32 * 1024 * 1024  # as the web app's import limit; ten years of diary as CSV is about 3 MB


@contextmanager
def _diary(as_json: bool, *, write: bool = True) -> Iterator[tuple[Any, Any]]:
    """A session on the configured database and the local profile; diary errors become CLI errors."""
    from sqlalchemy.exc import SQLAlchemyError

    from twitchcheck.accounts.service import local_user
    from twitchcheck.diary.db import get_database
    from twitchcheck.errors import TwitchcheckError

    try:
        db = get_database()
        with db.write() as session:
            yield session, local_user(session)
    except TwitchcheckError as exc:
        fail(exc.code, exc.message, as_json=as_json, details=exc.details if as_json else None)
    except SQLAlchemyError as exc:
        from sqlalchemy.engine import make_url

        from twitchcheck.diary.db import describe_url, normalise_url

        url = normalise_url()
        where = (make_url(url).database or "") if url.startswith("sqlite") else describe_url(url)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fail(
            "database_error",
            f"the diary database {where.removeprefix('file:').split('?')[0]} could not be used: {reason}"[:400],
            as_json=as_json,
        )


def _echo(data: Any, as_json: bool, text: str) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False) if as_json else text)


@app.command("add")
def add(
    intensity: Annotated[int, typer.Option("--intensity", "-i", help="how strong, 0-10")],
    part: Annotated[
        str | None, typer.Option("--part", "-p", help="body part, e.g. calf (default: the last one)")
    ] = None,
    side: Annotated[str | None, typer.Option("--side", "-s", help="left, right, both or none")] = None,
    movement: Annotated[str | None, typer.Option("--movement", "-m", help="fasciculation, cramp, ...")] = None,
    at: Annotated[str | None, typer.Option("--at", help="when (ISO 8601; default now)")] = None,
    count: Annotated[int | None, typer.Option("--count", "-n", help="how many twitches")] = None,
    duration: Annotated[float | None, typer.Option("--duration", "-d", help="how long, in seconds")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="anything else")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Log an episode of twitching (place, side and kind default to the last episode's)."""
    from twitchcheck.diary import service as svc
    from twitchcheck.diary.records import EpisodeOut
    from twitchcheck.diary.schemas import EpisodeIn, parse

    with _diary(as_json) as (session, user):
        last = svc.last_episode(session, user_id=user.id)
        data = {
            "occurred_at": at or datetime.now(svc.zone(user.timezone)).isoformat(timespec="seconds"),
            "body_part": part or (last.body_part if last else "calf"),
            "side": side or (last.side if last else "none"),
            "movement": movement or (last.movement if last else "fasciculation"),
            "intensity": intensity,
            "count": count,
            "duration_s": duration,
            "notes": notes,
        }
        out = EpisodeOut.of(svc.add_episode(session, user=user, data=parse(EpisodeIn, data))).model_dump()
    place = f"{out['side']} {out['body_part']}" if out["side"] not in ("none",) else out["body_part"]
    _echo(out, as_json, f"added episode {out['id']}: {place}, {out['movement']}, intensity {out['intensity']}")


def _date(text: str | None, field: str, as_json: bool) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail("validation_error", f"{field}: must be a date (YYYY-MM-DD)", as_json=as_json)


@app.command("day")
def day(
    when: Annotated[str | None, typer.Argument(help="the date (YYYY-MM-DD; default today)")] = None,
    sleep: Annotated[float | None, typer.Option("--sleep", help="hours slept")] = None,
    caffeine: Annotated[float | None, typer.Option("--caffeine", help="caffeine, mg (a coffee is about 95)")] = None,
    alcohol: Annotated[float | None, typer.Option("--alcohol", help="alcohol, units")] = None,
    stress: Annotated[int | None, typer.Option("--stress", help="stress 0-10")] = None,
    exercise: Annotated[float | None, typer.Option("--exercise", help="exercise, minutes")] = None,
    supplement: Annotated[list[str] | None, typer.Option("--supplement", help="a supplement taken (repeat)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a day's factors (replaces what was recorded for that date)."""
    from twitchcheck.diary import service as svc
    from twitchcheck.diary.records import DayOut
    from twitchcheck.diary.schemas import DayIn, parse

    with _diary(as_json) as (session, user):
        the_day = _date(when, "date", as_json) or svc.local_today(user.timezone)
        data: dict[str, Any] = {"sleep_hours": sleep, "caffeine_mg": caffeine, "alcohol_units": alcohol}
        data["stress"] = stress
        data |= {"exercise_minutes": exercise, "supplements": supplement or []}
        row, _ = svc.put_day(session, user=user, day=the_day, data=parse(DayIn, data))
        out = DayOut.of(row).model_dump()
    _echo(out, as_json, f"saved {out['date']}")


@app.command("med")
def medication(
    name: Annotated[str, typer.Argument(help="the medicine's name")],
    start: Annotated[str, typer.Option("--start", help="started on (YYYY-MM-DD)")],
    dose: Annotated[str | None, typer.Option("--dose", help="e.g. 50 mg daily")] = None,
    stop: Annotated[str | None, typer.Option("--stop", help="stopped on (YYYY-MM-DD)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a medicine (name, dose, start and stop dates)."""
    from twitchcheck.diary import service as svc
    from twitchcheck.diary.records import MedicationOut
    from twitchcheck.diary.schemas import MedicationIn, parse

    with _diary(as_json) as (session, user):
        data = parse(MedicationIn, {"name": name, "dose": dose, "start": start, "stop": stop})
        out = MedicationOut.of(svc.add_medication(session, user=user, data=data)).model_dump()
    _echo(out, as_json, f"added medicine {out['id']}: {out['name']}")


@app.command("symptom")
def symptom(
    name: Annotated[str, typer.Argument(help="a symptom id (e.g. weakness, numbness_tingling) or your words")],
    when: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default today)")] = None,
    severity: Annotated[int | None, typer.Option("--severity", help="0-10")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record another symptom."""
    from twitchcheck.diary import service as svc
    from twitchcheck.diary.records import SymptomOut
    from twitchcheck.diary.schemas import SymptomIn, parse

    with _diary(as_json) as (session, user):
        the_day = when or svc.local_today(user.timezone).isoformat()
        data = parse(SymptomIn, {"date": the_day, "symptom": name, "severity": severity})
        out = SymptomOut.of(svc.add_symptom(session, user=user, data=data)).model_dump()
    _echo(out, as_json, f"added symptom {out['id']}: {out['symptom']}")


@app.command("save-assessment")
def save_assessment(
    file: Annotated[Path, typer.Argument(help="an assessment (JSON from `twitchcheck assess --json`); - for stdin")],
    as_json: JsonFlag = False,
) -> None:
    """Keep an assessment in the diary (the latest appears on the report)."""
    from twitchcheck.diary import service as svc
    from twitchcheck.diary.records import AssessmentOut

    try:
        data = json.loads(sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: not UTF-8 or not JSON
        fail("invalid_file", f"could not read an assessment from {file}: {exc}"[:300], as_json=as_json)
    except RecursionError:
        fail("invalid_file", f"could not read an assessment from {file}: nested too deeply", as_json=as_json)
    with _diary(as_json) as (session, user):
        out = AssessmentOut.of(svc.save_assessment(session, user_id=user.id, data=data), full=False).model_dump()
    _echo(out, as_json, f"saved assessment {out['id']} ({out['triage_level']})")


KINDS = ("episodes", "days", "medications", "symptoms", "assessments")


@app.command("list")
def list_entries(
    kind: Annotated[str, typer.Option("--kind", "-k", help=f"one of: {', '.join(KINDS)}")] = "episodes",
    limit: Annotated[int, typer.Option("--limit", min=1, help="at most this many (the latest)")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """List diary entries, latest last."""
    from twitchcheck.diary import service as svc
    from twitchcheck.diary.records import AssessmentOut, DayOut, EpisodeOut, MedicationOut, SymptomOut

    if kind not in KINDS:
        fail("invalid_kind", f"--kind must be one of: {', '.join(KINDS)}", as_json=as_json)
    with _diary(as_json) as (session, user):
        if kind == "episodes":
            rows = [
                EpisodeOut.of(e).model_dump()
                for e in svc.EPISODES.list(session, user_id=user.id, limit=limit, newest_first=True)
            ][::-1]
        elif kind == "days":
            rows = [DayOut.of(d).model_dump() for d in svc.DAYS.list(session, user_id=user.id)][-limit:]
        elif kind == "medications":
            rows = [MedicationOut.of(r).model_dump() for r in svc.MEDICATIONS.list(session, user_id=user.id)][-limit:]
        elif kind == "symptoms":
            rows = [SymptomOut.of(r).model_dump() for r in svc.SYMPTOMS.list(session, user_id=user.id)][-limit:]
        else:
            rows = [
                AssessmentOut.of(r, full=False).model_dump() for r in svc.ASSESSMENTS.list(session, user_id=user.id)
            ][-limit:]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        typer.echo(f"no {kind} yet")
    for row in rows:
        if kind == "episodes":
            typer.echo(
                f"{row['id']:>6}  {row['occurred_at'][:16]}  {row['side']:<5} {row['body_part']:<10} "
                f"{row['movement']:<13} intensity {row['intensity']}"
            )
        else:
            typer.echo("  ".join(str(v) for k, v in row.items() if v not in (None, [], "") and k != "uid"))


@app.command("delete")
def delete(
    episode_id: Annotated[int, typer.Argument(help="the episode's id (from `diary list`)")], as_json: JsonFlag = False
) -> None:
    """Delete an episode."""
    from twitchcheck.diary import service as svc

    with _diary(as_json) as (session, user):
        svc.EPISODES.delete(session, user_id=user.id, key=episode_id)
    _echo({"deleted": episode_id}, as_json, f"deleted episode {episode_id}")


@app.command("analysis")
def analysis(as_json: JsonFlag = False) -> None:
    """Trends and possible triggers (the same analysis as the web page)."""
    from twitchcheck.diary import analysis as analysis_mod
    from twitchcheck.diary import frames
    from twitchcheck.diary import service as svc

    with _diary(as_json) as (session, user):
        tables = frames.load(session, user_id=user.id, timezone=user.timezone)
        result = analysis_mod.analyse(tables, today=svc.local_today(user.timezone))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    if result["status"] == "empty":
        typer.echo(result["message"])
        return
    s = result["summary"]
    typer.echo(
        f"{s['episodes']} episodes on {s['days_with_episodes']} of {s['days_tracked']} days since {s['onset']}: "
        f"{s['per_day']} a day (last 4 weeks {s['per_day_last_28']})"
    )
    for t in result["triggers"]:
        if t["status"] == "ok" and t["lag"] == "same_day":
            flag = "  clear" if t["clear"] else ""
            typer.echo(f"  {t['label']}: {t['rate_ratio']}x (95% CI {t['ci95'][0]}-{t['ci95'][1]}){flag}")
        elif t["lag"] == "same_day":
            typer.echo(f"  {t['label']}: {t['message']}")


@app.command("report")
def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="file to write (.pdf, or .html for the page)")] = Path(
        "twitchcheck-report.pdf"
    ),
    as_json: JsonFlag = False,
) -> None:
    """Write the doctor report: a one-page summary, charts and details (PDF, or HTML with --out x.html)."""
    from twitchcheck.diary import frames
    from twitchcheck.diary import report as report_mod
    from twitchcheck.diary import service as svc
    from twitchcheck.diary.profile import header

    with _diary(as_json) as (session, user):
        tables = frames.load(session, user_id=user.id, timezone=user.timezone)
        today = svc.local_today(user.timezone)
        profile = header(user, today)
    html, pdf = report_mod.build(
        tables, who="local profile", today=today, pdf=out.suffix.lower() != ".html", profile=profile
    )
    try:
        if pdf is None:
            out.write_text(html, encoding="utf-8")
        else:
            out.write_bytes(pdf)
    except OSError as exc:
        fail("write_failed", f"could not write {out}: {exc}", as_json=as_json)
    _echo({"written": str(out)}, as_json, f"wrote {out}")


@app.command("export")
def export(
    format: Annotated[str, typer.Option("--format", "-f", help="json, csv or fhir")] = "json",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="file to write (default: print)")] = None,
) -> None:
    """Export the whole diary (JSON and CSV re-import exactly; FHIR R4 Bundle for health records)."""
    from twitchcheck.diary import export as export_mod
    from twitchcheck.diary import fhir

    if format not in ("json", "csv", "fhir"):
        fail("invalid_format", "--format must be json, csv or fhir")
    with _diary(False) as (session, user):
        data = export_mod.collect(session, user=user)
        uid = user.uid
    text = {"csv": export_mod.to_csv, "json": export_mod.to_json}.get(format)
    body = text(data) if text else export_mod.to_json(fhir.bundle(data, user_uid=uid))
    if out is None:
        sys.stdout.write(body)
    else:
        out.write_text(body, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


@app.command("import")
def import_file(file: Annotated[Path, typer.Argument(help="a JSON or CSV export")], as_json: JsonFlag = False) -> None:
    """Import an export: every row is checked first, then all are stored (known ids are updated)."""
    from twitchcheck.diary import export as export_mod
    from twitchcheck.diary import importer

    try:
        with file.open("rb") as handle:
            body = handle.read(MAX_IMPORT_BYTES + 1)  # never more than the cap, even from /dev/zero
    except OSError as exc:
        fail("invalid_file", f"could not read {file}: {exc.strerror or exc}", as_json=as_json)
    if len(body) > MAX_IMPORT_BYTES:
        fail(
            "too_large",
            f"{file} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; no diary export is",
            as_json=as_json,
        )
    with _diary(as_json) as (session, user):
        counts = importer.import_data(session, user=user, data=export_mod.parse_upload(body))
    summary = "; ".join(f"{k} {v['added']} added, {v['updated']} updated" for k, v in counts.items())
    _echo({"imported": counts}, as_json, f"imported: {summary}")


def _add_tremor_commands() -> None:
    """``diary tremor add|list|delete`` (in their own module, which uses the helpers above)."""
    from twitchcheck.cli.diary_tremor_cmd import app as tremor_app

    app.add_typer(tremor_app, name="tremor", help="Tremor measurements: add a recording (--csv), list, delete.")


_add_tremor_commands()
