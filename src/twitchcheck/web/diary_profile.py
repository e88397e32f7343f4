"""The report's profile (page and API) and the daily reminder's calendar file.

``GET|PUT /api/v1/diary/profile`` read and replace the optional profile (name, year of birth, sex,
when the twitching began); ``/account/profile`` is the same as a form. ``/diary/reminder.ics``
downloads a daily reminder for the person's own calendar. The logic is in ``diary.profile`` and
``diary.reminder``; these routes only parse and format.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from twitchcheck.diary import profile as profile_mod
from twitchcheck.diary import service as svc
from twitchcheck.diary.schemas import parse
from twitchcheck.errors import TwitchcheckError
from twitchcheck.web.auth import AUTH_ERRORS, ApiUser, Db, SignedIn, SignedInForm, render
from twitchcheck.web.errors import http_status
from twitchcheck.web.jsonresp import JSONResponse

profile_api = APIRouter(prefix="/api/v1/diary", tags=["diary"], responses=AUTH_ERRORS)
profile_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
FormText = Annotated[str, Form(max_length=400)]


class ProfileOut(BaseModel):
    """The profile shown at the top of the doctor report (every field optional)."""

    display_name: str | None
    birth_year: int | None
    sex: str | None
    twitching_began: str | None


@profile_api.get("/profile", response_model=ProfileOut)
def get_profile(user: ApiUser) -> JSONResponse:
    """The report's profile: name to show, year of birth, sex, when the twitching began."""
    return JSONResponse(profile_mod.profile_dict(user))


@profile_api.put("/profile", response_model=ProfileOut)
def put_profile(body: profile_mod.ProfileIn, user: ApiUser, db: Db) -> JSONResponse:
    """Replace the profile (fields left out are cleared). 422 for a year in the future or an unknown sex."""
    with db.write() as session:
        out = profile_mod.profile_dict(profile_mod.set_profile(session, user_id=user.id, data=body))
    return JSONResponse(out)


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
