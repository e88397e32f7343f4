"""The lock files that make and CI install from agree with pyproject.toml and keep the base install small."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)==(\S+) \\$", re.M)


def _name(requirement: str) -> str:
    """The normalised package name (PEP 503) of a requirement or a pin."""
    return re.sub(r"[-_.]+", "-", re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0]).lower()


def pins(name: str) -> dict[str, str]:
    """Package name -> pinned version in one lock file."""
    return {_name(n): v for n, v in PIN.findall((ROOT / name).read_text(encoding="utf-8"))}


def project() -> dict[str, list[str]]:
    """pyproject.toml's base dependencies (under "base") and extras, as package names."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    groups = {"base": meta["dependencies"], **meta["optional-dependencies"]}
    return {group: [_name(r) for r in requirements] for group, requirements in groups.items()}


def test_every_dependency_is_locked_with_hashes() -> None:
    """Base dependencies are pinned in requirements.lock, dev and kb ones in requirements-dev.lock, with hashes."""
    deps = project()
    base, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert set(deps["base"]) - set(base) == set(), "run `make lock` after changing pyproject.toml"
    assert set(deps["base"] + deps["dev"] + deps["kb"]) - set(dev) == set(), "run `make lock`"
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert text.count("==") == len(pins(name)) and text.count("--hash=sha256:") >= len(pins(name))


def test_the_two_locks_agree() -> None:
    """A package in both lock files has the same version in both."""
    base, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {n: (v, dev[n]) for n, v in base.items() if n in dev and dev[n] != v} == {}
    assert set(base) <= set(dev)


def test_base_install_is_what_make_run_needs() -> None:
    """hpo3 (only `kb check` uses it) and the test tools stay out of the base install; torch is CPU-only in dev."""
    base, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert "hpo3" not in project()["base"] and "hpo3" in project()["kb"]
    assert not {"hpo3", "torch", "pgmpy", "mypy", "ruff", "playwright"} & set(base)
    assert dev["torch"].endswith("+cpu")
    assert not [n for n in dev if n.startswith(("nvidia-", "cuda-", "triton"))]
