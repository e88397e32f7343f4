"""Alembic migrations of the diary and accounts schema, applied by ``twitchcheck.diary.db`` on start-up.

To add one after changing ``diary/models.py``, point Alembic at a scratch database that is at the
current head and let it compare, e.g. with an ``alembic.ini`` holding
``script_location = src/twitchcheck/diary/migrations`` and ``sqlalchemy.url = sqlite:///scratch.db``:
``alembic upgrade head && alembic revision --autogenerate -m "what changed"``. Test on both databases.
"""
