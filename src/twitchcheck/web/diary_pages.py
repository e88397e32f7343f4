"""The diary's pages: add an episode in seconds, the day's factors, charts, the doctor report, export.

Pages work without JavaScript: forms post and redirect (post/redirect/get). The quick form starts
from sensible defaults (now, and the place, side and kind of the last episode) so a phone entry is
three taps. A refused form comes back with the message and what was typed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from twitchcheck.diary import service as svc
from twitchcheck.diary import vocab
from twitchcheck.diary.profile import header
from twitchcheck.diary.schemas import EpisodeIn, EpisodePatch, parse
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web.auth import Db, Member, SignedIn, SignedInForm, Visitor, render
from twitchcheck.web.diary_records import records
from twitchcheck.web.errors import http_status
from twitchcheck.web.limits import MAX_IMPORT

diary_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
diary_pages.include_router(records)
FormText = Annotated[str, Form(max_length=4000)]
EPISODE_FIELDS = ("occurred_at", "body_part", "side", "movement", "intensity", "count", "duration_s", "notes")


def form_number(text: str | None, kind: type = float) -> Any:
    """A number typed in a form ("" means not given); what is not a number is passed on to be refused."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if kind is int and value.is_integer() else value if kind is float else text


def local_input(moment: datetime) -> str:
    """A time for an <input type=datetime-local>."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def base_context(who: Visitor, **extra: Any) -> dict[str, Any]:
    """What every diary page shows: the person, the CSRF token and the word lists."""
    return {
        "user": who.user,
        "csrf": who.csrf,
        "nav": "diary",
        "body_parts": [(s.id, s.name) for s in vocab.body_sites().values()],
        "sides": vocab.SIDES,
        "movements": vocab.movement_names(),
        "place": vocab.place_name,
        **extra,
    }


def _episode_view(episode: Any) -> dict[str, Any]:
    data = svc.episode_dict(episode)
    when = svc.from_storage(episode.occurred_at, episode.utc_offset_min)
    return data | {"when": when.strftime("%a %d %b, %H:%M"), "place": vocab.place_name(episode.body_part, episode.side)}


def _home(request: Request, db: Any, who: Member, form: dict[str, Any] | None = None, **extra: Any) -> Response:
    tz = svc.zone(who.user.timezone)
    with db.read() as session:
        last = svc.last_episode(session, user_id=who.user.id)
        recent = [
            _episode_view(e) for e in svc.list_episodes(session, user_id=who.user.id, limit=15, newest_first=True)
        ]
        total = svc.count_episodes(session, user_id=who.user.id)
    defaults = {
        "occurred_at": local_input(datetime.now(tz)),
        "body_part": last.body_part if last else "calf",
        "side": last.side if last else "left",
        "movement": last.movement if last else "fasciculation",
        "intensity": str(last.intensity) if last else "3",
    }
    from twitchcheck.diary.when import CHOICES

    defaults["when"] = "now"
    ctx = base_context(who, form=defaults | (form or {}), recent=recent, total=total, when_choices=CHOICES, **extra)
    return render(request, "diary/home.html", ctx, status=422 if extra.get("error") else 200)


@diary_pages.get("/diary")
def home(
    request: Request,
    *,
    db: Db,
    who: SignedIn,
    added: int | None = None,
    deleted: int | None = None,
    welcome: int | None = None,
) -> Response:
    """The quick form and the latest episodes; after a save, the check's advice if the notes name a warning sign."""
    notice, entry_triage = None, None
    if added is not None:
        from twitchcheck.diary.warnings import episode_triage

        with db.read() as session:
            try:
                episode = svc.get_episode(session, user_id=who.user.id, episode_id=added)
                entry_triage = episode_triage(session, user=who.user, episode=episode)
            except TwitchcheckError:
                entry_triage = None
        notice = None if entry_triage else "Saved."
    elif deleted:
        notice = "Deleted."
    elif welcome:
        notice = "Welcome! Add your first episode below: where, and how strong."
    return _home(request, db, who, notice=notice, added=added, entry_triage=entry_triage)


def _episode_form(form: dict[str, str], timezone: str | None, *, patch: bool = False) -> Any:
    """A form's fields as an EpisodeIn (or EpisodePatch) — times read in the browser's or person's zone."""
    data: dict[str, Any] = {k: (form.get(k) or "").strip() for k in EPISODE_FIELDS}
    for key, kind in (("intensity", int), ("count", int), ("duration_s", float)):
        data[key] = form_number(data[key], kind)
    if data["occurred_at"]:
        try:
            moment = datetime.fromisoformat(data["occurred_at"])
            data["occurred_at"] = moment if moment.tzinfo else moment.replace(tzinfo=svc.zone(timezone))
        except ValueError:
            pass  # refused by the schema with its message
    data["notes"] = data["notes"] or None
    if patch:
        return parse(
            EpisodePatch, {k: v for k, v in data.items() if v is not None or k in ("count", "duration_s", "notes")}
        )
    return parse(EpisodeIn, data)


def _browser_zone(form_zone: str | None, fallback: str) -> str:
    zone = (form_zone or "").strip()
    return zone if zone and svc.zone(zone).key == zone else fallback


@diary_pages.post("/diary/episodes")
def add_episode(
    request: Request,
    *,
    db: Db,
    who: SignedInForm,
    occurred_at: FormText = "",
    body_part: FormText = "",
    side: FormText = "none",
    movement: FormText = "",
    intensity: FormText = "",
    count: FormText = "",
    duration_s: FormText = "",
    notes: FormText = "",
    timezone: FormText = "",
    when: FormText = "exact",
) -> Response:
    """Store the quick form's episode ("now", "last night"... or an exact time), then back to the diary."""
    from twitchcheck.diary.when import moment_for

    form = {"occurred_at": occurred_at, "body_part": body_part, "side": side, "movement": movement}
    form |= {"intensity": intensity, "count": count, "duration_s": duration_s, "notes": notes, "when": when}
    zone_name = _browser_zone(timezone, who.user.timezone)
    typed = dict(form)
    if (moment := moment_for(when.strip(), datetime.now(svc.zone(zone_name)))) is not None:
        typed["occurred_at"] = moment.isoformat(timespec="minutes")
    try:
        data = _episode_form(typed, zone_name)
        with db.write() as session:
            episode_id = svc.add_episode(session, user=who.user, data=data).id
    except TwitchcheckError as exc:
        return _home(request, db, who, form=form, error=exc.message, details=exc.details)
    return RedirectResponse(f"/diary?added={episode_id}", status_code=303)


@diary_pages.get("/diary/episodes/{episode_id}")
def edit_episode(request: Request, episode_id: int, db: Db, who: SignedIn) -> Response:
    """One episode, to change or delete."""
    with db.read() as session:
        episode = svc.get_episode(session, user_id=who.user.id, episode_id=episode_id)
        view = _episode_view(episode)
        moment = svc.from_storage(episode.occurred_at, episode.utc_offset_min)
    form = {k: "" if view[k] is None else str(view[k]) for k in EPISODE_FIELDS} | {"occurred_at": local_input(moment)}
    offset = moment.strftime("%z")
    return render(request, "diary/episode.html", base_context(who, e=view, form=form, offset=offset))


@diary_pages.post("/diary/episodes/{episode_id}")
def update_episode(
    request: Request,
    *,
    episode_id: int,
    db: Db,
    who: SignedInForm,
    occurred_at: FormText = "",
    body_part: FormText = "",
    side: FormText = "none",
    movement: FormText = "",
    intensity: FormText = "",
    count: FormText = "",
    duration_s: FormText = "",
    notes: FormText = "",
    offset: FormText = "",
) -> Response:
    """Save the changes to an episode."""
    form = {"occurred_at": occurred_at, "body_part": body_part, "side": side, "movement": movement}
    form |= {"intensity": intensity, "count": count, "duration_s": duration_s, "notes": notes}
    if occurred_at and len(offset) == 5 and offset[0] in "+-" and offset[1:].isdigit():
        form["occurred_at"] = f"{occurred_at}{offset[:3]}:{offset[3:]}"  # keep the time zone it was written in
    try:
        patch = _episode_form(form, who.user.timezone, patch=True)
        with db.write() as session:
            svc.update_episode(session, user=who.user, episode_id=episode_id, patch=patch)
    except TwitchcheckError as exc:
        if exc.kind == "not_found":
            raise
        ctx = base_context(who, e={"id": episode_id}, form=form | {"occurred_at": occurred_at}, offset=offset)
        return render(request, "diary/episode.html", ctx | {"error": exc.message}, status=http_status(exc))
    return RedirectResponse(f"/diary?added={episode_id}", status_code=303)


@diary_pages.post("/diary/episodes/{episode_id}/delete")
def delete_episode(request: Request, episode_id: int, db: Db, who: SignedInForm) -> Response:
    """Delete an episode."""
    with db.write() as session:
        svc.delete_episode(session, user_id=who.user.id, episode_id=episode_id)
    return RedirectResponse("/diary?deleted=1", status_code=303)


DAY_FIELDS = ("sleep_hours", "caffeine_mg", "alcohol_units", "stress", "exercise_minutes")


def _day_context(who: Visitor, day: Any, form: dict[str, Any], **extra: Any) -> dict[str, Any]:
    from twitchcheck.diary import drinks

    return base_context(who, day=day, form=form, drinks=drinks.drinks(), caffeine_source=drinks.source(), **extra)


@diary_pages.get("/diary/days")
def days(request: Request, db: Db, who: SignedIn, day: Annotated[date | None, Query(alias="date")] = None) -> Response:
    """The day's factors by taps and sliders (today by default) and the days recorded lately."""
    from twitchcheck.diary.daysform import form_of

    day = day or svc.local_today(who.user.timezone)
    with db.read() as session:
        rows = svc.list_days(session, user_id=who.user.id)
    current = next((r for r in rows if r.date == day), None)
    saved = request.query_params.get("saved")
    recent = [svc.day_dict(r) for r in rows[-14:]][::-1]
    return render(request, "diary/days.html", _day_context(who, day, form_of(current), recent=recent, saved=saved))


@diary_pages.post("/diary/days")
async def save_day(request: Request, *, db: Db, who: SignedInForm) -> Response:
    """Save the day's factors: drinks become mg, sliders count once moved ("not recorded" unticked)."""
    from fastapi.concurrency import run_in_threadpool

    from twitchcheck.diary.daysform import FIELDS, day_in

    posted = await request.form()
    form = {k: str(posted.get(k) or "")[:4000] for k in FIELDS}
    day = form["day"]

    def store() -> Response:
        try:
            try:
                when = date.fromisoformat(day.strip())
            except ValueError:
                raise TwitchcheckError("invalid", "validation_error", "date: please give a date") from None
            with db.write() as session:
                svc.put_day(session, user=who.user, day=when, data=day_in(form))
        except TwitchcheckError as exc:
            from twitchcheck.diary.daysform import refill

            ctx = _day_context(who, day, refill(form), recent=[], error=exc.message)
            return render(request, "diary/days.html", ctx, status=http_status(exc))
        return RedirectResponse(f"/diary/days?date={when.isoformat()}&saved=1", status_code=303)

    return await run_in_threadpool(store)


def _tables(db: Any, who: Member) -> Any:
    from twitchcheck.diary import frames

    with db.read() as session:
        return frames.load(session, user_id=who.user.id, timezone=who.user.timezone)


@diary_pages.get("/diary/analysis")
def analysis_page(request: Request, db: Db, who: SignedIn, change: Annotated[date | None, Query()] = None) -> Response:
    """Trends, charts, possible triggers and before/after changes."""
    from twitchcheck.diary import analysis, plots, report

    tables = _tables(db, who)
    today = svc.local_today(who.user.timezone)
    result = analysis.analyse(tables, changes=[(change, "")] if change else None, today=today)
    charts = {k: report.data_uri(v) for k, v in plots.all_svgs(analysis.daily_counts(tables), result).items()}
    ctx = base_context(who, a=result, charts=charts, change=change)
    return render(request, "diary/analysis.html", ctx)


@diary_pages.get("/diary/report")
def report_page(request: Request, db: Db, who: SignedIn) -> Response:
    """The doctor report as a page (print it, or get the PDF)."""
    from twitchcheck.diary import analysis, plots, report

    tables = _tables(db, who)
    today = svc.local_today(who.user.timezone)
    result = analysis.analyse(tables, today=today)
    charts = plots.all_svgs(analysis.daily_counts(tables), result)
    html = report.render_html(
        report.context(tables, result, who=who.user.email or "", today=today, profile=header(who.user, today)),
        charts,
        standalone=False,
    )
    return render(request, "diary/report_page.html", base_context(who, report_html=html))


@diary_pages.get("/diary/report.pdf")
def report_pdf(db: Db, who: SignedIn) -> Response:
    """The doctor report as PDF."""
    from twitchcheck.diary import report

    today = svc.local_today(who.user.timezone)
    _, pdf = report.build(_tables(db, who), who=who.user.email or "", today=today, profile=header(who.user, today))
    headers = {"Content-Disposition": f'inline; filename="twitchcheck-report-{today.isoformat()}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@diary_pages.get("/diary/export")
def export_download(db: Db, who: SignedIn, format: str = "json") -> Response:
    """Download the diary (JSON, CSV or FHIR)."""
    from twitchcheck.web.diary_api import export_response

    if format not in ("json", "csv", "fhir"):
        raise TwitchcheckError("invalid", "invalid_format", "format must be json, csv or fhir")
    with db.read() as session:
        return export_response(session, who.user, format)


@diary_pages.get("/diary/import")
def import_page(request: Request, who: SignedIn) -> Response:
    """Upload an export."""
    return render(request, "diary/import.html", base_context(who))


@diary_pages.post("/diary/import")
def import_upload(request: Request, db: Db, who: SignedInForm, file: UploadFile) -> Response:
    """Import an uploaded export (all rows or none)."""
    from twitchcheck.diary import export as export_mod
    from twitchcheck.diary import importer

    try:
        data = export_mod.parse_upload(file.file.read(MAX_IMPORT + 1))
        prepared = importer.prepare(data, timezone=who.user.timezone)
        with db.write() as session:
            counts = importer.store(session, user=who.user, prepared=prepared)
    except TwitchcheckError as exc:
        ctx = base_context(who, error=exc.message, details=(exc.details or [])[:10])
        return render(request, "diary/import.html", ctx, status=http_status(exc))
    return render(request, "diary/import.html", base_context(who, counts=counts))


@diary_pages.get("/diary/report.css")
def report_css() -> Response:
    """The report's stylesheet (the PDF inlines the same file)."""
    from twitchcheck.diary import report

    return Response(report.css(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})
