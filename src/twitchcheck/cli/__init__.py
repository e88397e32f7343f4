"""The twitchcheck command line: thin commands that parse input, call the core and format output.

Commands load lazily (click's lazy-group pattern): ``COMMANDS`` names each command's module and
its one-line help, so ``twitchcheck --help`` imports no command and ``twitchcheck assess`` imports
only what assessing needs. A test keeps each line here equal to the command's own docstring.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import typer
from typer.core import TyperGroup


class Entry(NamedTuple):
    """Where a command lives: its module, the function or Typer app there, and its one-line help."""

    module: str
    attribute: str
    help: str


COMMANDS: dict[str, Entry] = {
    "assess": Entry(
        "assess_cmd", "assess", "Assess twitching: movement type, likely causes, triage, tests and self-care."
    ),
    "parse": Entry(
        "parse_cmd",
        "parse",
        "Show what twitchcheck reads in a description: findings, body parts, timing, medicines, age and sex.",
    ),
    "eval-parse": Entry(
        "parse_cmd",
        "eval_parse",
        "Score the free-text reader: precision, recall and F1 per finding, assertion and negation accuracy.",
    ),
    "eval": Entry(
        "eval_cmd",
        "evaluate",
        "Score top-1/top-3 cause, movement, triage (exact, safe, in range) and emergencies missed.",
    ),
    "start": Entry(
        "interactive", "start", "Answer a few questions about your twitching and get a readable assessment."
    ),
    "interview": Entry(
        "interview_cmd", "interview", "Answer questions one at a time about your twitching, then get a full assessment."
    ),
    "simulate": Entry(
        "simulate_cmd",
        "simulate",
        "Play each line's text as a patient in the adaptive interview and print what it asked.",
    ),
    "serve": Entry(
        "serve_cmd", "serve", "Start the web app: the pages, and the JSON API under /api/v1 (OpenAPI at /openapi.json)."
    ),
    "tremor": Entry(
        "tremor_cmd",
        "tremor",
        "Measure a tremor: dominant frequency (3-15 Hz), size, steadiness, and the evidence for an assessment.",
    ),
    "ask": Entry(
        "ask_cmd",
        "ask",
        "Ask a question about twitching: the closest curated FAQ answer, with sources and similar questions.",
    ),
    "kb": Entry("kb_cmd", "app", "Check the knowledge base and show its entries."),
    "diary": Entry("diary_cmd", "app", "Your twitch diary on this computer: log, list, analyse, report, export."),
}


def load_command(name: str) -> Any:
    """Import one command's module and build its click command (a group for ``kb`` and ``diary``)."""
    entry = COMMANDS[name]
    target = getattr(importlib.import_module(f"twitchcheck.cli.{entry.module}"), entry.attribute)
    if isinstance(target, typer.Typer):
        return typer.main.get_group(target)
    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    single.command(name)(target)
    return typer.main.get_command(single)


class LazyCommands(TyperGroup):
    """The root group: lists the commands from ``COMMANDS`` and imports one only when it runs."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command name, in the order of ``COMMANDS``."""
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, imported on first use."""
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list with each one-line help, without importing any command."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry.help) for name, entry in COMMANDS.items()])


app = typer.Typer(
    name="twitchcheck",
    cls=LazyCommands,
    help="Make sense of muscle twitching. Informs, does not diagnose.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def root() -> None:
    """Make sense of muscle twitching. Informs, does not diagnose."""


def main() -> None:
    """Entry point of the ``twitchcheck`` command."""
    app()
