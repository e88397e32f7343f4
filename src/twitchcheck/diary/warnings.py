"""A warning sign logged in the diary gets the same advice as the check, at once.

The diary does not keep its own list of what is urgent: the warning signs of an entry (a symptom
entry such as ``muscle_wasting``, or an episode whose notes say "my calf looks thinner") are given
to the core's assessment (``twitchcheck.service.assess``) as present findings, with the person's
age and sex and the other warning signs logged in the last ``RECENT_DAYS`` days (two signs
together can be more urgent than either alone). Its triage, from the knowledge base's red-flag
rules, is what the diary shows: the same level, time frame, whom to see and reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from twitchcheck.diary import models as m
from twitchcheck.diary import vocab

RECENT_DAYS = 14  # warning signs logged this many days back count together with a new one


def warning_signs_in(findings: Iterable[str]) -> list[str]:
    """The warning signs (knowledge-base red-flag findings) among finding ids, in order, once each."""
    known = vocab.warning_signs()
    return [f for f in dict.fromkeys(findings) if f in known]


def warning_signs_in_text(text: str | None) -> list[str]:
    """Warning signs the reader finds present in free text (an episode's notes); none for empty text."""
    if not text or not text.strip():
        return []
    from twitchcheck.errors import TwitchcheckError
    from twitchcheck.service import parse

    try:
        parsed = parse(text)
    except TwitchcheckError:
        return []
    return warning_signs_in(e["id"] for e in parsed["evidence"] if e["state"] == "present" and e.get("value") is None)


def recent_warning_signs(session: Session, *, user_id: int, day: date) -> list[str]:
    """Warning signs logged as symptoms in the ``RECENT_DAYS`` days up to ``day``."""
    query = select(m.Symptom.symptom).where(
        m.Symptom.user_id == user_id, m.Symptom.date > day - timedelta(days=RECENT_DAYS), m.Symptom.date <= day
    )
    return warning_signs_in(session.scalars(query.order_by(m.Symptom.date)))


def triage_for(signs: list[str], *, age: int | None = None, sex: str | None = None) -> dict[str, Any] | None:
    """The assessment's triage for these warning signs (None when there are none).

    Returns the contract's triage object (level, label, time_frame, clinician_name, reasons, ...)
    plus ``signs``: the names of the warning signs it was given.
    """
    signs = warning_signs_in(signs)
    if not signs:
        return None
    from twitchcheck.service import assess

    evidence = [{"id": f, "state": "present"} for f in signs]
    triage: dict[str, Any] = assess(evidence=evidence, age=age, sex=sex).to_json_dict()["triage"]
    names = vocab.warning_signs()
    return triage | {"signs": [names[f] for f in signs], "sign_ids": signs}


def entry_triage(
    session: Session, *, user: m.User, day: date, signs: list[str], today: date | None = None
) -> dict[str, Any] | None:
    """The triage after an entry with these warning signs, counting the others logged lately."""
    signs = warning_signs_in(signs)
    if not signs:
        return None
    from twitchcheck.diary.profile import age

    everything = signs + recent_warning_signs(session, user_id=user.id, day=day)
    return triage_for(everything, age=age(user.birth_year, today or day), sex=user.sex)


def episode_triage(session: Session, *, user: m.User, episode: m.Episode) -> dict[str, Any] | None:
    """The triage after an episode whose notes name a warning sign (None when they name none)."""
    from twitchcheck.diary.clock import from_storage

    signs = warning_signs_in_text(episode.notes)
    if not signs:
        return None
    day = from_storage(episode.occurred_at, episode.utc_offset_min).date()
    return entry_triage(session, user=user, day=day, signs=signs)


def symptom_triage(session: Session, *, user: m.User, symptom: m.Symptom) -> dict[str, Any] | None:
    """The triage after a symptom entry that is a warning sign, or whose notes name one."""
    own_words = [] if symptom.symptom in vocab.symptoms() else warning_signs_in_text(symptom.symptom)
    signs = warning_signs_in([symptom.symptom]) + own_words + warning_signs_in_text(symptom.notes)
    return entry_triage(session, user=user, day=symptom.date, signs=signs)


@lru_cache(maxsize=1)
def signs_by_level() -> list[dict[str, Any]]:
    """Every warning sign grouped by the check's advice for it alone, most urgent first.

    ``[{"level", "label", "time_frame", "signs": [names]}]``: what the symptoms page lists, so it
    says what the check says ("call an ambulance" for a seizure, not "see a doctor soon").
    """
    from twitchcheck.kb.schema import TRIAGE_ORDER

    groups: dict[str, dict[str, Any]] = {}
    for finding, name in vocab.warning_signs().items():
        triage = triage_for([finding])
        assert triage is not None
        group = groups.setdefault(
            triage["level"], {"level": triage["level"], "label": triage["label"], "time_frame": triage["time_frame"]}
        )
        group.setdefault("signs", []).append(name)
    return sorted(groups.values(), key=lambda g: -TRIAGE_ORDER.index(g["level"]))
