"""``twitchcheck eval``: score the engine on a vignette file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from twitchcheck.cli.errors import fail
from twitchcheck.cli.interview_eval import evaluate_interview_cmd
from twitchcheck.engine import EvidenceError
from twitchcheck.evaluation.metrics import (
    Outcome,
    RedFlagRecall,
    Summary,
    by_red_flag,
    by_triage_level,
    outcome,
    summarise,
)
from twitchcheck.evaluation.vignettes import Vignette, load_vignettes
from twitchcheck.service import assess, assess_raw

COLUMNS: tuple[str, ...] = ("n", "top-1", "top-3", "movement", "triage exact", "safe", "in range", "over:under")
COLUMNS += ("emerg. missed", "same-day under", "over range")


def _row(name: str, s: Summary) -> list[str]:
    ratio = "n/a" if s.over_under is None else f"{s.over_under:.1f}"
    return [
        name,
        str(s.n),
        f"{s.top1:.0%}",
        f"{s.top3:.0%}",
        f"{s.movement:.0%}",
        f"{s.triage_exact:.0%}",
        f"{s.triage_safe:.0%}",
        f"{s.triage_in_range:.0%}",
        f"{ratio} ({s.over}:{s.under})",
        f"{s.emergencies_missed}/{s.emergencies}",
        f"{s.same_day_under}/{s.same_day}",
        f"{s.over_range / s.n:.0%}" if s.n else "-",
    ]


def markdown_table(overall: Summary, levels: dict[str, Summary]) -> str:
    """The results as a Markdown table (for the README)."""
    lines = ["| set | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    lines.append("| " + " | ".join(_row("all", overall)) + " |")
    lines += ["| " + " | ".join(_row(f"expected {lv}", s)) + " |" for lv, s in levels.items()]
    return "\n".join(lines)


def red_flag_table(recalls: list[RedFlagRecall]) -> str:
    """Recall per red-flag presentation as a Markdown table."""
    lines = ["| red flag | probes | expected | safe | recall | levels given |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {r.red_flag} | {r.n} | {r.expected} | {r.safe} | {r.recall:.0%} | {', '.join(r.got)} |" for r in recalls
    ]
    return "\n".join(lines)


def _load(path: Path, as_json: bool) -> list[Vignette]:
    try:
        return load_vignettes(path)
    except (OSError, ValueError, ValidationError) as exc:
        fail("invalid_vignettes", f"cannot load {path}: {exc}".splitlines()[0], as_json=as_json)


def evaluate(
    vignettes: Annotated[Path, typer.Argument(help="YAML file of vignettes")],
    from_text: Annotated[bool, typer.Option("--text", help="assess from the lay text instead of the evidence")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="print a Markdown table")] = False,
    show_misses: Annotated[bool, typer.Option("--misses", help="list the vignettes that went wrong")] = False,
    interview: Annotated[
        bool, typer.Option("--interview", help="play each vignette as a patient in the adaptive interview")
    ] = False,
    red_flags: Annotated[
        bool, typer.Option("--red-flags", help="also print recall per red-flag presentation (probe sets)")
    ] = False,
) -> None:
    """Score top-1/top-3 cause, movement, triage (exact, safe, in range) and emergencies missed."""
    cases = _load(vignettes, as_json)
    text_only = [v.id for v in cases if v.evidence is None]
    if text_only and not from_text:
        fail(
            "text_only_vignettes",
            f"{len(text_only)} vignettes have no structured evidence (e.g. {text_only[0]}); evaluate them with --text",
            as_json=as_json,
        )
    if interview:
        evaluate_interview_cmd(vignettes, cases, from_text, as_json, markdown, show_misses)
        return
    outcomes: list[Outcome] = []
    for v in cases:
        try:
            result = assess(v.text, age=v.age, sex=v.sex) if from_text else assess_raw(v.case())
        except EvidenceError as exc:
            fail("invalid_evidence", f"vignette {v.id}: {exc}", as_json=as_json, details=exc.details)
        outcomes.append(outcome(v, result))
    _report(
        outcomes,
        title=f"{vignettes} ({'text' if from_text else 'evidence'})",
        as_json=as_json,
        markdown=markdown,
        red_flags=red_flags,
        show_misses=show_misses,
    )


def _json_payload(outcomes: list[Outcome]) -> dict[str, object]:
    """The --json shape: overall and per-level summaries, red-flag recall and each case's result."""
    recalls = by_red_flag(outcomes)
    return {
        "overall": summarise(outcomes).as_dict(),
        "by_triage_level": {k: s.as_dict() for k, s in by_triage_level(outcomes).items()},
        "red_flags": [{"red_flag": r.red_flag, "n": r.n, "safe": r.safe, "recall": r.recall} for r in recalls],
        "cases": [
            {
                "id": o.vignette_id,
                "expected": o.expected_condition,
                "ranked": o.ranked[:3],
                "expected_triage": o.expected_triage,
                "triage": o.triage,
                "movement": o.movement,
            }
            for o in outcomes
        ],
    }


def _report(
    outcomes: list[Outcome], *, title: str, as_json: bool, markdown: bool, red_flags: bool, show_misses: bool
) -> None:
    """Print the evaluation as JSON, Markdown or a terminal table (with red-flag recall and misses)."""
    if as_json:
        sys.stdout.write(json.dumps(_json_payload(outcomes)) + "\n")
        return
    overall, levels, recalls = summarise(outcomes), by_triage_level(outcomes), by_red_flag(outcomes)
    if markdown:
        sys.stdout.write(markdown_table(overall, levels) + "\n")
    else:
        table = Table(title=title)
        for col in ("set", *COLUMNS):
            table.add_column(col)
        table.add_row(*_row("all", overall))
        for lv, s in levels.items():
            table.add_row(*_row(f"expected {lv}", s))
        Console().print(table)
    if red_flags and recalls:
        sys.stdout.write("\n" + red_flag_table(recalls) + "\n")
    if show_misses:
        for o in outcomes:
            if not o.top(3) or o.delta != 0 or o.movement != o.expected_movement:
                sys.stdout.write(
                    f"{o.vignette_id}: expected {o.expected_condition}/{o.expected_movement}/{o.expected_triage}; "
                    f"got {o.ranked[:3]}/{o.movement}/{o.triage}\n"
                )
