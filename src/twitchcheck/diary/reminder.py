"""A daily diary reminder as a calendar file (iCalendar, RFC 5545), built with the ``icalendar`` library.

One event repeats every day (``RRULE:FREQ=DAILY``) at the chosen local time in the person's time
zone (with its ``VTIMEZONE``, so daylight saving moves with it), lasts five minutes and carries a
display alarm. Its ``UID`` is fixed per person, so importing a new file updates the old reminder
instead of adding a second one. Nothing leaves the server: the person adds the file to their own
calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from twitchcheck.errors import TwitchcheckError

PRODID = "-//twitchcheck//diary reminder//EN"


def parse_time(text: str) -> time:
    """'21:00' (or '21:00:00') as a time; anything else is a 422."""
    try:
        moment = time.fromisoformat(text.strip())
    except ValueError:
        raise TwitchcheckError(
            "invalid", "validation_error", "time: give the reminder's time as HH:MM, e.g. 21:00"
        ) from None
    return moment.replace(second=0, microsecond=0, tzinfo=None)


def reminder_ics(*, at: time, timezone: str, start: date, person_uid: str, url: str, stamp: datetime) -> bytes:
    """The calendar file: a daily event at ``at`` (local to ``timezone``) from ``start`` on."""
    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"diary-reminder-{person_uid}@twitchcheck")
    event.add("dtstamp", stamp)
    event.add("dtstart", datetime.combine(start, at, tzinfo=zone))
    event.add("duration", timedelta(minutes=5))
    event.add("rrule", {"freq": "daily"})
    event.add("summary", "Twitch diary: log today")
    event.add("description", f"A few taps: today's sleep, caffeine and stress, and any twitches. {url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", "Twitch diary: log today")
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=start - timedelta(days=1), last_date=start + timedelta(days=3660))
    data: bytes = calendar.to_ical()
    return data
