"""``twitchcheck ask``: the curated FAQ from the command line (the same search as the web's Ask page)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from twitchcheck.cli.errors import fail


def _markers(refs: list[dict[str, Any]] | None) -> str:
    """Numbered source markers, as on the web page: ' [1][2]'."""
    return (" " + "".join(f"[{r['n']}]" for r in refs)) if refs else ""


def render_answer(answer: dict[str, Any], console: Console) -> None:
    """The reply and more information with source markers, the numbered sources and similar questions."""
    if answer["matched"]:
        console.print(f"[bold]{escape(answer['match']['question'])}[/bold]")
    console.print(escape(answer["reply"] + _markers(answer.get("reply_refs"))))
    if answer.get("more_information"):
        console.print("\n" + escape(answer["more_information"] + _markers(answer.get("more_information_refs"))))
    if answer["sources"]:
        console.print("\nSources:")
        for s in answer["sources"]:
            console.print(escape(f"  [{s['n']}] {s['title']}" + (f" {s['url']}" if s.get("url") else "")))
    if answer["similar"]:
        console.print("\nSimilar questions:")
        for entry in answer["similar"]:
            console.print(f"  - {entry['question']}")


def ask(
    question: Annotated[str, typer.Argument(help="your question, in your own words")],
    as_json: Annotated[
        bool, typer.Option("--json", help="print the answer as JSON (what POST /api/v1/ask returns)")
    ] = False,
) -> None:
    """Ask a question about twitching: the closest curated FAQ answer, with sources and similar questions."""
    from twitchcheck.answers.faq import ask as search
    from twitchcheck.errors import TwitchcheckError

    try:
        answer = search(question)
    except TwitchcheckError as exc:
        fail(exc.code, exc.message, as_json=as_json, details=exc.details)
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False))
        return
    render_answer(answer, Console())
