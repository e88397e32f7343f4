"""Every setting twitchcheck reads from the environment, in one place and parsed one way.

Each field is read from ``TWITCHCHECK_<NAME>`` (``database_url`` from ``TWITCHCHECK_DATABASE_URL``), except
``system_timezone``, the standard ``TZ``. Nothing else in twitchcheck reads the environment (a test checks it).
On/off settings take ``1/0``, ``true/false``, ``on/off`` or ``yes/no``; lists take a comma list.
``settings()`` reads the environment at the call, so a process (or a test) that changes a variable
sees the change the next time a component is built; components read it when they are built, not
per request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

OFF_WORDS = frozenset({"", "off", "0", "none", "false", "no"})


def is_off(value: str) -> bool:
    """Whether a setting given as words ("off", "0", "none", "false", "no" or empty) switches its feature off."""
    return value.strip().lower() in OFF_WORDS


class Settings(BaseSettings):
    """twitchcheck's configuration (README: "Running for many users")."""

    model_config = SettingsConfigDict(env_prefix="TWITCHCHECK_", extra="ignore", frozen=True)

    database_url: str | None = Field(
        None, description="SQLAlchemy or postgres:// URL, or a file path; default a SQLite file in the data folder"
    )
    rate_limit: str = Field("120/minute", description="per-client rate limit of the public API, or 'off'")
    rate_limit_storage: str = Field("memory://", description="the rate limit's store (a `limits` storage URL)")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma list of proxy addresses or networks whose forwarded headers count"
    )
    session_idle_minutes: float = Field(30.0, gt=0, description="page sessions end after this many idle minutes")
    warm_nlp: bool = Field(True, description="build the free-text reader when the web app starts")
    cache_dir: Path | None = Field(
        None, description="where compiled knowledge-base caches go; default the user's cache folder"
    )
    kb_cache: bool = Field(True, description="keep a compiled copy of the knowledge base, keyed by its data's hash")
    system_timezone: str | None = Field(
        None, validation_alias="TZ", description="the standard TZ variable: the command line's local diary's time zone"
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    def resolved_cache_dir(self) -> Path:
        """The cache folder: ``cache_dir`` or the user's cache folder (platformdirs)."""
        if self.cache_dir is not None:
            return self.cache_dir
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("twitchcheck", appauthor=False))


def settings() -> Settings:
    """The settings as the environment gives them now."""
    return Settings()
