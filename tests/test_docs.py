"""README.md stays true: its commands exist, its API routes exist (and every API route is in it), its examples run.

As datasette does for its documentation: the commands and options README shows are looked up in the
Typer app, its ``/api/v1`` paths in the web app's routes (and back), and its examples are run.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from twitchcheck.cli import COMMANDS, app, load_command

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`([^`\n]+)`")
COMMAND_LINE = re.compile(r"^(?:\.venv/bin/)?twitchcheck\s+(\S.*)$")
API_PATH = re.compile(r"/api/v1(?:/[\w{}.\-]+)*")
runner = CliRunner()


def _code_lines() -> list[str]:
    """Every line of README's code blocks (without a ``$`` prompt) and every inline code span."""
    lines = [line.strip().removeprefix("$ ") for _, body in FENCE.findall(README) for line in body.splitlines()]
    return lines + INLINE.findall(FENCE.sub("", README))


def readme_commands() -> list[str]:
    """The ``twitchcheck ...`` command lines README shows, without their ``# comments``."""
    found = []
    for line in _code_lines():
        match = COMMAND_LINE.match(line.split("  #")[0].strip())
        if match and match.group(1) not in ("...", "…"):  # "`twitchcheck ...`" stands for any command
            found.append(match.group(1))
    return sorted(set(found))


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


def _options(command: Any) -> set[str]:
    return {"--help"} | {name for p in command.params for name in (*p.opts, *p.secondary_opts)}


def unknown_parts(line: str) -> list[str]:
    """The command, subcommand or options of one README command line that the app does not have."""
    words = [w.strip("[]") for w in _words(line)]
    if words[0].startswith("-"):
        return sorted(set(words) - {"--help"})
    if words[0] not in COMMANDS:
        return [words[0]]
    command = load_command(words[0])
    commands = [command]
    rest = words[1:]
    while hasattr(command, "commands"):  # a group (Typer's own click), perhaps of groups ("diary tremor list")
        names = rest[0].split("|") if rest and not rest[0].startswith("-") else []
        missing = [n for n in names if n not in command.commands]
        if missing or not names:
            return missing or [f"{words[0]} (no subcommand)"]
        commands, rest = [command.commands[n] for n in names], rest[1:]
        command = commands[0]
    options = {w.split("=")[0] for w in rest if w.startswith("--")}
    return sorted({o for c in commands for o in options - _options(c)})


def test_readme_names_commands() -> None:
    """README shows at least the contract's commands (so the lookup below is not vacuous)."""
    shown = {line.split()[0] for line in readme_commands()}
    assert {"assess", "parse", "simulate", "tremor", "serve", "kb", "diary", "eval", "eval-parse"} <= shown


@pytest.mark.parametrize("line", readme_commands())
def test_readme_command_exists(line: str) -> None:
    """Each `twitchcheck ...` line in README names a real command, subcommand and real options."""
    assert unknown_parts(line) == [], f"README shows `twitchcheck {line}`"


def test_every_command_is_in_readme() -> None:
    """Every top-level command of the app appears in README."""
    shown = {line.split()[0] for line in readme_commands()}
    assert set(COMMANDS) - shown == set()
    assert "--help" in shown


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("./"))


@pytest.fixture(scope="module")
def api_routes() -> dict[str, set[str]]:
    """The app's /api/v1 routes (from its OpenAPI document) and the methods of each."""
    from twitchcheck.web.app import create_app

    paths = create_app().openapi()["paths"]
    return {_normalise(p): {m.upper() for m in ops} for p, ops in paths.items() if p.startswith("/api/v1/")}


def readme_route_table() -> dict[str, set[str]]:
    """README's route table: ``| `/api/v1/...` | GET, POST | what |`` rows."""
    rows = re.findall(r"^\| `(/api/v1/[^`]+)` \| ([A-Z, ]+) \|", README, re.M)
    assert len({path for path, _ in rows}) == len(rows), "a route is listed twice"
    return {_normalise(path): {m.strip() for m in methods.split(",")} for path, methods in rows}


def test_readme_api_paths_exist(api_routes: dict[str, set[str]]) -> None:
    """Every /api/v1 path README names is a route of the app (or the prefix of some)."""
    named = {_normalise(p) for p in API_PATH.findall(README)}
    unknown = {p for p in named if p not in api_routes and not any(r.startswith(p + "/") for r in api_routes)}
    assert unknown == set()


def test_readme_route_table_is_the_apps(api_routes: dict[str, set[str]]) -> None:
    """README's route table lists every /api/v1 route of the app with its methods, and nothing else."""
    assert readme_route_table() == api_routes


def _run(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_readme_evidence_example_runs(tmp_path: Path) -> None:
    """README's evidence file assesses: `assess --evidence case.json --json` prints a contract assessment."""
    example = next(body for lang, body in FENCE.findall(README) if lang == "json" and '"evidence"' in body)
    path = tmp_path / "case.json"
    path.write_text(example, encoding="utf-8")
    out = json.loads(_run("assess", "--evidence", str(path), "--json").stdout)
    assert out["age"] == 26 and out["sex"] == "female"
    assert out["movement"][0]["id"] == "myoclonus"
    assert out["triage"]["level"] in {"self_care", "routine"}


def test_readme_free_text_example_runs() -> None:
    """README's free-text example runs as shown and, with --json, gives JSON with what the text says."""
    line = next(c for c in readme_commands() if c.startswith("assess --text") and "jumping" in c)
    words = _words(line)
    readable = _run(*words)
    assert "calf" in readable.stdout.lower()
    out = json.loads(_run(*words, "--json").stdout)
    states = {e["id"]: e["state"] for e in out["evidence"]}
    assert out["age"] == 26
    assert states["loc_calf"] == "present" and states["weakness"] == "absent"


def test_readme_kb_show_example_runs() -> None:
    """`twitchcheck kb show als` prints the entry with its sources."""
    assert "kb show als" in readme_commands()
    assert "als" in _run("kb", "show", "als").stdout.lower()


def test_readme_tremor_example_runs() -> None:
    """The tremor example's first line is what the command prints for the shipped recording (unwrapped)."""
    block = next(body for _, body in FENCE.findall(README) if "twitchcheck tremor --csv docs/examples" in body)
    command, first = block.splitlines()[:2]
    words = _words(command.removeprefix("$ twitchcheck "))
    words[words.index("--csv") + 1] = str(ROOT / words[words.index("--csv") + 1])
    printed = " ".join(_run(*words).stdout.split())
    assert printed.startswith(" ".join(first.split()))
