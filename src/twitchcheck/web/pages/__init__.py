"""The server-rendered pages' routers (no JavaScript needed), in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from twitchcheck.web.pages.accounts import auth_pages
from twitchcheck.web.pages.assess import pages
from twitchcheck.web.pages.diary import diary_pages
from twitchcheck.web.pages.guide import guide_pages
from twitchcheck.web.pages.interview import interview
from twitchcheck.web.pages.profile import profile_pages
from twitchcheck.web.pages.tremor import tremor_pages

ROUTERS: list[APIRouter] = [pages, guide_pages, interview, tremor_pages, auth_pages, diary_pages, profile_pages]
DIARY_ROUTERS: list[APIRouter] = [auth_pages, diary_pages, profile_pages]
