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
from twitchcheck.diary.records import DayOut, EpisodeOut
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web.deps import Db, Member, SignedIn, SignedInForm, Visitor
from twitchcheck.web.downloads import export_response
from twitchcheck.web.errors import http_status
from twitchcheck.web.middleware import MAX_IMPORT
from twitchcheck.web.pages.diary_records import records
from twitchcheck.web.pages.forms import EPISODE_FIELDS, DayForm, EpisodeForm, episode_entry
from twitchcheck.web.templating import render

diary_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
diary_pages.include_router(records)
FormText = Annotated[str, Form(max_length=4000)]


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
    data = EpisodeOut.of(episode).model_dump()
    when = svc.from_storage(episode.occurred_at, episode.utc_offset_min)
    return data | {"when": when.strftime("%a %d %b, %H:%M"), "place": vocab.place_name(episode.body_part, episode.side)}


def _home(request: Request, db: Any, who: Member, form: dict[str, Any] | None = None, **extra: Any) -> Response:
    tz = svc.zone(who.user.timezone)
    with db.read() as session:
        last = svc.last_episode(session, user_id=who.user.id)
        recent = [
            _episode_view(e) for e in svc.EPISODES.list(session, user_id=who.user.id, limit=15, newest_first=True)
        ]
        total = svc.EPISODES.count(session, user_id=who.user.id)
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
                episode = svc.EPISODES.get(session, user_id=who.user.id, key=added)
                entry_triage = episode_triage(session, user=who.user, episode=episode)
            except TwitchcheckError:
                entry_triage = None
        notice = None if entry_triage else "Saved."
    elif deleted:
        notice = "Deleted."
    elif welcome:
        notice = "Welcome! Add your first episode below: where, and how strong."
    return _home(request, db, who, notice=notice, added=added, entry_triage=entry_triage)


@diary_pages.post("/diary/episodes")
def add_episode(
    request: Request,
    *,
    db: Db,
    who: SignedInForm,
    sent: Annotated[EpisodeForm, Form()],
) -> Response:
    """Store the quick form's episode ("now", "last night"... or an exact time), then back to the diary."""
    from twitchcheck.diary.when import moment_for

    form = sent.fields() | {"when": sent.when}
    zone_name = sent.browser_zone(who.user.timezone)
    typed = dict(form)
    if (moment := moment_for(sent.when.strip(), datetime.now(svc.zone(zone_name)))) is not None:
        typed["occurred_at"] = moment.isoformat(timespec="minutes")
    try:
        data = episode_entry(typed, zone_name)
        with db.write() as session:
            episode_id = svc.add_episode(session, user=who.user, data=data).id
    except TwitchcheckError as exc:
        return _home(request, db, who, form=form, error=exc.message, details=exc.details)
    return RedirectResponse(f"/diary?added={episode_id}", status_code=303)


@diary_pages.get("/diary/episodes/{episode_id}")
def edit_episode(request: Request, episode_id: int, db: Db, who: SignedIn) -> Response:
    """One episode, to change or delete."""
    with db.read() as session:
        episode = svc.EPISODES.get(session, user_id=who.user.id, key=episode_id)
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
    sent: Annotated[EpisodeForm, Form()],
) -> Response:
    """Save the changes to an episode (its time keeps the zone it was written in)."""
    form = sent.with_offset()
    try:
        patch = episode_entry(form, who.user.timezone, patch=True)
        with db.write() as session:
            svc.update_episode(session, user=who.user, episode_id=episode_id, patch=patch)
    except TwitchcheckError as exc:
        if exc.kind == "not_found":
            raise
        ctx = base_context(who, e={"id": episode_id}, form=sent.fields(), offset=sent.offset)
        return render(request, "diary/episode.html", ctx | {"error": exc.message}, status=http_status(exc))
    return RedirectResponse(f"/diary?added={episode_id}", status_code=303)


@diary_pages.post("/diary/episodes/{episode_id}/delete")
def delete_episode(request: Request, episode_id: int, db: Db, who: SignedInForm) -> Response:
    """Delete an episode."""
    with db.write() as session:
        svc.EPISODES.delete(session, user_id=who.user.id, key=episode_id)
    return RedirectResponse("/diary?deleted=1", status_code=303)


def _day_context(who: Visitor, day: Any, form: dict[str, Any], **extra: Any) -> dict[str, Any]:
    from twitchcheck.diary import drinks

    return base_context(who, day=day, form=form, drinks=drinks.drinks(), caffeine_source=drinks.source(), **extra)


@diary_pages.get("/diary/days")
def days(request: Request, db: Db, who: SignedIn, day: Annotated[date | None, Query(alias="date")] = None) -> Response:
    """The day's factors by taps and sliders (today by default) and the days recorded lately."""
    from twitchcheck.diary.daysform import form_of

    day = day or svc.local_today(who.user.timezone)
    with db.read() as session:
        rows = svc.DAYS.list(session, user_id=who.user.id)
    current = next((r for r in rows if r.date == day), None)
    saved = request.query_params.get("saved")
    recent = [DayOut.of(r).model_dump() for r in rows[-14:]][::-1]
    return render(request, "diary/days.html", _day_context(who, day, form_of(current), recent=recent, saved=saved))


@diary_pages.post("/diary/days")
def save_day(
    request: Request,
    *,
    db: Db,
    who: SignedInForm,
    sent: Annotated[DayForm, Form()],
) -> Response:
    """Save the day's factors: drinks become mg, sliders count once moved ("not recorded" unticked)."""
    try:
        when, data = sent.entry()
        with db.write() as session:
            svc.put_day(session, user=who.user, day=when, data=data)
    except TwitchcheckError as exc:
        ctx = _day_context(who, sent.day, sent.fields(), recent=[], error=exc.message)
        return render(request, "diary/days.html", ctx, status=http_status(exc))
    return RedirectResponse(f"/diary/days?date={when.isoformat()}&saved=1", status_code=303)


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
