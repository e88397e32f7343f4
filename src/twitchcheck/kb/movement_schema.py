"""The schema of what moves and where: the kinds of involuntary movement and the places on the body.

Like every entry in ``schema.py``, unknown keys are rejected and numbers carry their basis.
"""

from __future__ import annotations

from pydantic import Field

from twitchcheck.kb.schema import Basis, MovementId, Strict


class Movement(Strict):
    """A kind of involuntary movement, with P(finding | movement) for movement-level findings."""

    id: MovementId
    name: str
    lay_name: str
    diary_name: str = Field(description="the short name a diary entry shows, e.g. 'Twitch (fasciculation)'")
    description: str
    hpo: str | None = Field(default=None, pattern=r"^HP:\d{7}$")
    other_share: float
    likelihoods: dict[str, float]
    basis: Basis


class GuidePage(Strict):
    """A guide page of its own: the address's last part and the page's title."""

    slug: str = Field(pattern=r"^[a-z][a-z-]*$")
    title: str


class BodySite(Strict):
    """A place on the body: its location finding, its name, its SNOMED CT code and its guide page."""

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    finding: str
    name: str
    snomed: str = Field(pattern=r"^\d{6,18}$")
    snomed_display: str
    aliases: list[str] = Field(default_factory=list)
    guide: GuidePage | None = None
