"""The generic owned-records repository: every kind of record is read and changed only within its owner's rows."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest

from twitchcheck.accounts import service as accounts
from twitchcheck.diary import service as svc
from twitchcheck.diary import tremor_store
from twitchcheck.diary.db import Database
from twitchcheck.diary.records import ALL, AssessmentOut, DayOut, EpisodeOut, MedicationOut, SymptomOut
from twitchcheck.diary.schemas import DayIn, EpisodeIn, MedicationIn, SymptomIn
from twitchcheck.errors import TwitchcheckError


def _person(db: Database) -> object:
    with db.write() as session:
        return accounts.register(
            session, email=f"records-{uuid.uuid4().hex[:12]}@example.org", password="a long records passphrase"
        ).user


def _episode(hour: int, part: str = "calf") -> EpisodeIn:
    return EpisodeIn.model_validate(
        {
            "occurred_at": f"2026-10-01T{hour:02d}:00:00+02:00",
            "body_part": part,
            "side": "left",
            "movement": "fasciculation",
            "intensity": 3,
        }
    )


def _fill(db: Database, user: object) -> dict[str, int | date]:
    """One record of each kind; their keys."""
    with db.write() as session:
        episode = svc.add_episode(session, user=user, data=_episode(9))
        svc.put_day(session, user=user, day=date(2026, 10, 1), data=DayIn(stress=4))
        medicine = svc.add_medication(
            session, user=user, data=MedicationIn.model_validate({"name": "sertraline", "start": "2026-09-01"})
        )
        symptom = svc.add_symptom(
            session, user=user, data=SymptomIn.model_validate({"date": "2026-10-01", "symptom": "weakness"})
        )
        saved = svc.save_assessment(
            session, user_id=user.id, data=_assessment(), saved_at=datetime.fromisoformat("2026-10-01T10:00:00+00:00")
        )
        tremor = tremor_store.add_tremor(session, user=user, entry=_tremor())
        return {
            "episode": episode.id,
            "day": date(2026, 10, 1),
            "medication": medicine.id,
            "symptom": symptom.id,
            "assessment": saved.id,
            "tremor measurement": tremor.id,
        }


def _tremor() -> tremor_store.TremorEntry:
    from twitchcheck.tremor import analyse
    from twitchcheck.tremor.synthetic import Synthetic

    result = analyse(Synthetic(seed=2).recording(), "rest")
    entry: tremor_store.TremorEntry = tremor_store.entry_from_result(
        result, recorded_at=datetime.fromisoformat("2026-10-01T11:00:00+00:00")
    )
    return entry


def _assessment() -> dict[str, object]:
    from twitchcheck.service import assess

    return assess(None, [{"id": "loc_calf", "state": "present"}], 30, "male").to_json_dict()


def test_someone_elses_record_is_not_found_like_a_missing_one(db: Database) -> None:
    """For every kind, another person's record and an id that does not exist give the same not_found."""
    owner, other = _person(db), _person(db)
    keys = _fill(db, owner)
    for records in ALL:
        key = keys[records.kind]
        with db.read() as session:
            assert records.get(session, user_id=owner.id, key=key) is not None
            with pytest.raises(TwitchcheckError) as theirs:
                records.get(session, user_id=other.id, key=key)
            missing = date(1999, 1, 1) if isinstance(key, date) else 2**31 - 1
            with pytest.raises(TwitchcheckError) as nowhere:
                records.get(session, user_id=owner.id, key=missing)
        assert theirs.value.kind == nowhere.value.kind == "not_found"
        with db.write() as session, pytest.raises(TwitchcheckError):
            records.delete(session, user_id=other.id, key=key)
        with db.read() as session:
            assert records.count(session, user_id=owner.id) == 1
            assert records.count(session, user_id=other.id) == 0


def test_list_count_patch_and_delete_keep_to_the_owner(db: Database) -> None:
    """Lists are in time order (or newest first), counts follow the filters, a patch and a delete touch one row."""
    owner = _person(db)
    with db.write() as session:
        for hour, part in ((11, "calf"), (9, "eyelid"), (10, "calf")):
            svc.add_episode(session, user=owner, data=_episode(hour, part))
    with db.read() as session:
        hours = [e.occurred_at.hour for e in svc.EPISODES.list(session, user_id=owner.id)]
        newest = svc.EPISODES.list(session, user_id=owner.id, newest_first=True, limit=1)
        calves = svc.episode_filters(body_part="calf")
        assert svc.EPISODES.count(session, user_id=owner.id, where=calves) == 2
    assert hours == sorted(hours)
    with db.write() as session:
        changed = svc.EPISODES.patch(session, user_id=owner.id, key=newest[0].id, changes={"intensity": 9})
        assert EpisodeOut.of(changed).intensity == 9
        svc.EPISODES.delete(session, user_id=owner.id, key=newest[0].id)
    with db.read() as session:
        assert svc.EPISODES.count(session, user_id=owner.id) == 2


def test_output_models_show_each_record(db: Database) -> None:
    """Each record's one output model shows it as the API does (dates as ISO text, no database internals)."""
    owner = _person(db)
    keys = _fill(db, owner)
    with db.read() as session:
        episode = EpisodeOut.of(svc.EPISODES.get(session, user_id=owner.id, key=keys["episode"])).model_dump()
        day = DayOut.of(svc.DAYS.get(session, user_id=owner.id, key=keys["day"])).model_dump()
        medicine = MedicationOut.of(svc.MEDICATIONS.get(session, user_id=owner.id, key=keys["medication"]))
        symptom = SymptomOut.of(svc.SYMPTOMS.get(session, user_id=owner.id, key=keys["symptom"]))
        row = svc.ASSESSMENTS.get(session, user_id=owner.id, key=keys["assessment"])
        brief, full = AssessmentOut.of(row, full=False).model_dump(), AssessmentOut.of(row).model_dump()
    assert episode["occurred_at"] == "2026-10-01T09:00:00+02:00"
    assert day == {
        "date": "2026-10-01",
        "sleep_hours": None,
        "caffeine_mg": None,
        "alcohol_units": None,
        "stress": 4,
        "exercise_minutes": None,
        "supplements": [],
        "notes": None,
    }
    assert (medicine.start, medicine.stop, symptom.date) == ("2026-09-01", None, "2026-10-01")
    assert "assessment" not in brief
    assert full["assessment"]["triage"]["level"] == brief["triage_level"]
