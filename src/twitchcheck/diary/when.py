"""Quick choices for when an episode happened, for entries made later ("last night").

Each choice is turned into one local time, shown back on the saved entry; an exact time can be
typed instead. The times are approximate on purpose (an evening twitch logged next morning is
better logged roughly than not at all): "earlier today" is three hours ago (not before midnight),
"last night" 23:00 the day before, "yesterday" 12:00 the day before.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

CHOICES: dict[str, str] = {
    "now": "Now",
    "earlier_today": "Earlier today",
    "last_night": "Last night",
    "yesterday": "Yesterday",
    "exact": "At a time I choose",
}


def moment_for(choice: str, now: datetime) -> datetime | None:
    """The local time a quick choice stands for (``now`` is aware, in the person's zone); None for 'exact'."""
    today = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    if choice == "now":
        return now.replace(second=0, microsecond=0)
    if choice == "earlier_today":
        return max(today, now - timedelta(hours=3)).replace(second=0, microsecond=0)
    if choice == "last_night":
        return today - timedelta(hours=1)
    if choice == "yesterday":
        return today - timedelta(hours=12)
    return None
