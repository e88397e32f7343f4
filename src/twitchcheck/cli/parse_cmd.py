"""``twitchcheck parse`` and ``twitchcheck eval-parse``: read free text, and score the reading."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from twitchcheck.cli.errors import fail
from twitchcheck.kb.loader import KnowledgeBase, KnowledgeBaseError, default_knowledge_base


def _kb(as_json: bool) -> KnowledgeBase:
    try:
        return default_knowledge_base()
    except KnowledgeBaseError as exc:
        fail(
            "kb_invalid",
            f"the knowledge base has {len(exc.faults)} fault(s); run `twitchcheck kb check`",
            as_json=as_json,
        )


def _value(item: dict[str, Any]) -> str:
    return "" if item.get("value") is None else str(item["value"])


def render_parse(result: dict[str, Any], console: Console | None = None) -> None:
    """What was read, as a readable table."""
    console = console or Console()
    if result.get("message"):
        console.print(f"[yellow]{result['message']}[/yellow]")
    person = [f"subject: {result['subject']}"]
    person += [f"{k}: {result[k]}" for k in ("age", "sex") if result.get(k) is not None]
    console.print("  ".join(person))
    if not result["evidence"]:
        return
    table = Table(title="What I read", show_lines=False)
    for column in ("finding", "state", "value", "assertion", "words"):
        table.add_column(column)
    colours = {"present": "green", "absent": "red", "unknown": "yellow"}
    for item in result["evidence"]:
        state = f"[{colours[item['state']]}]{item['state']}[/]"
        table.add_row(item["id"], state, _value(item), item.get("assertion", ""), repr(item.get("text", "")))
    console.print(table)
    if result["medicines"]:
        console.print("medicines: " + ", ".join(f"{m['name']} ({m['class']})" for m in result["medicines"]))
    if result["substances"]:
        console.print("substances: " + ", ".join(s["name"] for s in result["substances"]))


def parse(
    text: Annotated[str | None, typer.Option("--text", help="a description in your own words")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print JSON (with the text spans) instead of a table")
    ] = False,
) -> None:
    """Show what twitchcheck reads in a description: findings, body parts, timing, medicines, age and sex."""
    from twitchcheck.nlp import TextError, parse_text

    if text is None:
        fail("usage", "give the description with --text", as_json=as_json)
    kb = _kb(as_json)
    try:
        result = parse_text(text, kb)
    except TextError as exc:
        fail("invalid_text", str(exc), as_json=as_json)
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        render_parse(result)


def _percent(x: float) -> str:
    return f"{x:.1%}"


def eval_parse(
    path: Annotated[Path, typer.Argument(help="YAML file of annotated descriptions")],
    as_json: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
    show_misses: Annotated[bool, typer.Option("--misses", help="list the cases read wrongly")] = False,
) -> None:
    """Score the free-text reader: precision, recall and F1 per finding, assertion and negation accuracy."""
    from twitchcheck.nlp import parse_text
    from twitchcheck.nlp.evaluate import annotation_faults, evaluate_parser, load_annotated

    try:
        data = load_annotated(path)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        fail("invalid_annotations", f"cannot load {path}: {str(exc).splitlines()[0]}", as_json=as_json)
    kb = _kb(as_json)
    if faults := annotation_faults(data, kb):
        fail("invalid_annotations", f"{path}: {len(faults)} bad annotation(s): {faults[0]}", as_json=as_json)
    report = evaluate_parser(data, kb, parse_text)
    figures = report.to_dict()
    if not show_misses:
        figures.pop("misses")
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    console = Console()
    table = Table(title=f"Free-text reading, {report.cases} cases")
    for column in ("finding", "gold", "tp", "fp", "fn", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "finding" else "right")
    for fid, c in sorted(report.per_finding.items()):
        table.add_row(fid, str(c.tp + c.fn), str(c.tp), str(c.fp), str(c.fn),
                      _percent(c.precision), _percent(c.recall), _percent(c.f1))  # fmt: skip
    o = report.overall
    table.add_row("[bold]all (micro)[/bold]", str(o.tp + o.fn), str(o.tp), str(o.fp), str(o.fn),
                  _percent(o.precision), _percent(o.recall), f"[bold]{_percent(o.f1)}[/bold]")  # fmt: skip
    console.print(table)
    console.print(
        f"assertion accuracy {_percent(report.assertion_accuracy)} ({report.assertion_pairs} findings found by both); "
        f"negation accuracy {_percent(report.negation_accuracy)} ({report.negation_pairs} with an 'absent')"
    )
    console.print(
        f"age {_percent(figures['age_accuracy'])}, sex {_percent(figures['sex_accuracy'])}, "
        f"subject {_percent(figures['subject_accuracy'])} of cases right"
    )
    if show_misses:
        for miss in report.misses:
            console.print(f"[bold]{miss['id']}[/bold] {miss['text']}", highlight=False)
            for wrong in miss["wrong"]:
                console.print(f"    {wrong}", highlight=False)
