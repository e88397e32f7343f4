"""The report's profile over the JSON API: ``GET|PUT /api/v1/diary/profile`` (bearer token).

Every field is optional (name to show, year of birth, sex, when the twitching began); the logic is
in ``diary.profile``, this router only parses and formats.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from twitchcheck.diary import profile as profile_mod
from twitchcheck.web.api.models import AUTH_ERRORS
from twitchcheck.web.deps import ApiUser, Db

profile_api = APIRouter(prefix="/api/v1/diary", tags=["diary"], responses=AUTH_ERRORS)


class ProfileOut(BaseModel):
    """The profile shown at the top of the doctor report (every field optional)."""

    display_name: str | None
    birth_year: int | None
    sex: str | None
    twitching_began: str | None


@profile_api.get("/profile")
def get_profile(user: ApiUser) -> ProfileOut:
    """The report's profile: name to show, year of birth, sex, when the twitching began."""
    return ProfileOut.model_validate(profile_mod.profile_dict(user))


@profile_api.put("/profile")
def put_profile(body: profile_mod.ProfileIn, user: ApiUser, db: Db) -> ProfileOut:
    """Replace the profile (fields left out are cleared). 422 for a year in the future or an unknown sex."""
    with db.write() as session:
        return ProfileOut.model_validate(
            profile_mod.profile_dict(profile_mod.set_profile(session, user_id=user.id, data=body))
        )
