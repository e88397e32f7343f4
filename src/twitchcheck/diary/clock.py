"""Time in the diary: the person's time zone, storage as naive UTC with the offset, and no future dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from twitchcheck.diary.models import utcnow
from twitchcheck.errors import invalid

CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock may run a little ahead
EARLIEST = datetime(1900, 1, 1)


def zone(name: str | None) -> ZoneInfo:
    """The time zone of that name, or UTC when it is unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(timezone: str | None) -> date:
    """Today's date where the person is."""
    return datetime.now(zone(timezone)).date()


def to_storage(moment: datetime, timezone: str | None, field: str = "time") -> tuple[datetime, int]:
    """Naive UTC and the UTC offset in minutes (a time without an offset is read in the person's zone).

    A time at the very edge of the calendar whose offset moves it past year 1 or 9999
    (``9999-12-31T23:59:59-14:00``) is a 422 naming ``field``.
    """
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone(timezone))
        offset = moment.utcoffset() or timedelta(0)
        utc = moment.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError):
        raise invalid(field, "is outside the calendar once its UTC offset is applied", "date_out_of_range") from None
    return utc, int(offset.total_seconds() // 60)


def from_storage(utc: datetime, offset_min: int) -> datetime:
    """The stored instant at the local time it was written."""
    from datetime import timezone as tz

    return utc.replace(tzinfo=UTC).astimezone(tz(timedelta(minutes=offset_min)))


def iso(moment: datetime) -> str:
    """ISO 8601 text."""
    return moment.isoformat()


def check_moment(field: str, utc: datetime) -> None:
    if utc > utcnow() + CLOCK_SKEW:
        raise invalid(field, "is in the future", "date_in_future")
    if utc < EARLIEST:
        raise invalid(field, "is before 1900", "date_too_early")


def check_date(field: str, day: date, timezone: str | None) -> None:
    if day > local_today(timezone):
        raise invalid(field, "is in the future", "date_in_future")
    if day < EARLIEST.date():
        raise invalid(field, "is before 1900", "date_too_early")
