"""The JSON API's routers (under ``/api/v1``, and ``/healthz``, ``/readyz``), in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from twitchcheck.web.api.accounts import auth_api
from twitchcheck.web.api.assess import api, health
from twitchcheck.web.api.diary import diary_api
from twitchcheck.web.api.diary_tremor import diary_tremor_api
from twitchcheck.web.api.knowledge import knowledge
from twitchcheck.web.api.ops import ops
from twitchcheck.web.api.profile import profile_api
from twitchcheck.web.api.tremor import tremor_api

ROUTERS: list[APIRouter] = [
    health,
    api,
    knowledge,
    tremor_api,
    ops,
    auth_api,
    diary_api,
    diary_tremor_api,
    profile_api,
]
DIARY_ROUTERS: list[APIRouter] = [ops, auth_api, diary_api, diary_tremor_api, profile_api]
