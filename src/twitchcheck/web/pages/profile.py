"""The report's profile as a page (``/account/profile``) and the daily reminder's calendar file.

``/diary/reminder.ics`` downloads a daily reminder for the person's own calendar. The logic is in
``diary.profile`` and ``diary.reminder``; these routes only parse and format.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from twitchcheck.diary import profile as profile_mod
from twitchcheck.diary import service as svc
from twitchcheck.diary.schemas import parse
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web.deps import Db, SignedIn, SignedInForm
from twitchcheck.web.errors import http_status
from twitchcheck.web.templating import render

profile_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
FormText = Annotated[str, Form(max_length=400)]


def _page(request: Request, who: Any, form: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    ctx = {"user": who.user, "csrf": who.csrf, "nav": "diary", "form": form, **extra}
    return render(request, "diary/profile.html", ctx, status=status)


@profile_pages.get("/account/profile")
def profile_page(request: Request, who: SignedIn) -> Response:
    """The profile form (what the doctor report shows at the top)."""
    form = {k: "" if v is None else str(v) for k, v in profile_mod.profile_dict(who.user).items()}
    return _page(request, who, form, saved=request.query_params.get("saved"))


@profile_pages.post("/account/profile")
def save_profile(
    request: Request,
    *,
    db: Db,
    who: SignedInForm,
    display_name: FormText = "",
    birth_year: FormText = "",
    sex: FormText = "",
    twitching_began: FormText = "",
) -> Response:
    """Save the profile form."""
    form = {"display_name": display_name, "birth_year": birth_year, "sex": sex, "twitching_began": twitching_began}
    year: Any = birth_year.strip() or None
    if year is not None and year.isdigit():
        year = int(year)
    try:
        data = parse(profile_mod.ProfileIn, form | {"birth_year": year, "sex": sex.strip() or None})
        with db.write() as session:
            profile_mod.set_profile(session, user_id=who.user.id, data=data)
    except TwitchcheckError as exc:
        return _page(request, who, form, status=http_status(exc), error=exc.message)
    return RedirectResponse("/account/profile?saved=1", status_code=303)


@profile_pages.get("/diary/reminder.ics")
def reminder(request: Request, who: SignedIn, time: Annotated[str, Query(max_length=8)] = "21:00") -> Response:
    """A daily reminder (iCalendar) at the chosen local time, to add to your own calendar."""
    from twitchcheck.diary.reminder import parse_time, reminder_ics

    body = reminder_ics(
        at=parse_time(time),
        timezone=who.user.timezone,
        start=svc.local_today(who.user.timezone),
        person_uid=who.user.uid,
        url=str(request.url_for("days")),
        stamp=datetime.now(UTC).replace(microsecond=0),
    )
    headers = {"Content-Disposition": 'attachment; filename="twitchcheck-diary-reminder.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
