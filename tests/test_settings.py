"""One settings object: every TWITCHCHECK_* variable read and parsed in one place, documented in README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from twitchcheck.settings import Settings, is_off, settings

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "twitchcheck"


@pytest.mark.parametrize(
    ("word", "on"),
    [
        ("1", True),
        ("on", True),
        ("true", True),
        ("yes", True),
        ("0", False),
        ("off", False),
        ("false", False),
        ("no", False),
    ],
)
def test_on_off_words_parse_one_way(monkeypatch: pytest.MonkeyPatch, word: str, on: bool) -> None:
    """Every on/off setting takes 1/0, on/off, true/false and yes/no, and the rate limit's 'off' words agree."""
    monkeypatch.setenv("TWITCHCHECK_WARM_NLP", word)
    monkeypatch.setenv("TWITCHCHECK_KB_CACHE", word.upper())
    assert settings().warm_nlp is on and settings().kb_cache is on
    assert is_off(word) is (not on)


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each field is read from TWITCHCHECK_<NAME>; lists are comma lists; the time zone is the standard TZ."""
    monkeypatch.setenv("TWITCHCHECK_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,")
    monkeypatch.setenv("TWITCHCHECK_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("TWITCHCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TZ", ":Europe/Berlin")
    config = settings()
    assert config.trusted_proxies == ["127.0.0.1", "10.0.0.0/8"]
    assert config.session_idle_minutes == 5
    assert config.resolved_cache_dir() == tmp_path
    assert config.system_timezone == ":Europe/Berlin"


def test_a_bad_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A value that is not a number or not an on/off word is an error, not a silent default."""
    monkeypatch.setenv("TWITCHCHECK_SESSION_IDLE_MINUTES", "soon")
    with pytest.raises(ValueError, match="session_idle_minutes"):
        settings()
    monkeypatch.setenv("TWITCHCHECK_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("TWITCHCHECK_WARM_NLP", "perhaps")
    with pytest.raises(ValueError, match="warm_nlp"):
        settings()


def test_nothing_else_reads_or_writes_the_environment() -> None:
    """No module but settings.py reads os.environ or getenv, and none writes it."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "settings.py" and re.search(r"os\.environ|getenv|putenv", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_readme_documents_every_setting() -> None:
    """README's settings table names each field's variable."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        variable = field.validation_alias or f"TWITCHCHECK_{name.upper()}"
        assert f"| `{variable}` |" in readme, variable
