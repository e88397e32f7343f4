"""The twitchcheck command line: thin commands that parse input, call the core and format output."""

from __future__ import annotations

import typer

from twitchcheck.cli import (
    assess_cmd,
    diary_cmd,
    eval_cmd,
    interactive,
    interview_cmd,
    kb_cmd,
    parse_cmd,
    serve_cmd,
    simulate_cmd,
    tremor_cmd,
)

app = typer.Typer(
    name="twitchcheck",
    help="Make sense of muscle twitching. Informs, does not diagnose.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("assess")(assess_cmd.assess)
app.command("parse")(parse_cmd.parse)
app.command("eval-parse")(parse_cmd.eval_parse)
app.command("eval")(eval_cmd.evaluate)
app.command("start")(interactive.start)
app.command("interview")(interview_cmd.interview)
app.command("simulate")(simulate_cmd.simulate)
app.command("serve")(serve_cmd.serve)
app.command("tremor")(tremor_cmd.tremor)
app.add_typer(kb_cmd.app, name="kb")
app.add_typer(diary_cmd.app, name="diary")


def main() -> None:
    """Entry point of the ``twitchcheck`` command."""
    app()
