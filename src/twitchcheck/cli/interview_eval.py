"""``twitchcheck eval --interview``: the adaptive interview played on vignettes, beside full evidence.

Each vignette's patient answers from its structured evidence ("unknown" for anything else),
starting from the chief complaint: the movement-level findings and body locations, with age
and sex. With --text, the truth is the parse of the whole text and the interview starts from
its first sentence (as ``twitchcheck simulate`` does).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from twitchcheck.cli.errors import fail
from twitchcheck.cli.simulate_cmd import Parser, load_parser, read_text_case
from twitchcheck.engine import EvidenceError
from twitchcheck.engine.assess import assess
from twitchcheck.engine.evidence import Case
from twitchcheck.engine.model import Model
from twitchcheck.engine.result import Assessment
from twitchcheck.evaluation.interview import (
    InterviewEvaluation,
    InterviewRun,
    evaluate_interview,
    play_structured,
    simulate_interview,
)
from twitchcheck.evaluation.metrics import summarise
from twitchcheck.evaluation.vignettes import Vignette
from twitchcheck.service import default_engine

COLUMNS: tuple[str, ...] = ("n", "questions med/p90/max", "findings asked med", "top-1", "top-3", "movement")
COLUMNS += ("triage exact", "safe", "emerg. missed")


def _play_text(model: Model, parser: Parser) -> Any:
    def play(vignette: Vignette) -> tuple[InterviewRun, Assessment]:
        truth, initial = read_text_case(model, parser, vignette.text, vignette.age, vignette.sex)
        full = assess(model, Case(truth, initial.age, initial.sex))
        return simulate_interview(model, truth, initial), full

    return play


def rows(result: InterviewEvaluation) -> list[list[str]]:
    """The table rows: the full-evidence run, then the interview."""
    out = []
    for name, outcomes, questions in (("full evidence", result.full, None), ("interview", result.interview, result)):
        s = summarise(outcomes)
        if questions is None:
            asked, findings = "-", "-"
        else:
            q = questions.questions
            asked, findings = f"{q.median:g} / {q.p90:g} / {q.max}", f"{questions.findings_asked.median:g}"
        out.append(
            [
                name,
                str(s.n),
                asked,
                findings,
                f"{s.top1:.1%}",
                f"{s.top3:.1%}",
                f"{s.movement:.1%}",
                f"{s.triage_exact:.1%}",
                f"{s.triage_safe:.1%}",
                f"{s.emergencies_missed}/{s.emergencies}",
            ]
        )
    return out


def as_payload(result: InterviewEvaluation) -> dict[str, Any]:
    """The --json shape: the full-evidence summary and the interview's, with question counts."""
    return {
        "full_evidence": summarise(result.full).as_dict(),
        "interview": summarise(result.interview).as_dict()
        | {"questions": result.questions.as_dict(), "findings_asked": result.findings_asked.as_dict()},
    }


def evaluate_interview_cmd(
    path: Path, cases: list[Vignette], from_text: bool, as_json: bool, markdown: bool, show_misses: bool
) -> None:
    """Run and print the interview evaluation."""
    model = default_engine().model
    play = _play_text(model, load_parser()) if from_text else play_structured(model)
    try:
        result = evaluate_interview(model, cases, play)
    except EvidenceError as exc:
        fail("invalid_evidence", f"a vignette has bad evidence: {exc}", as_json=as_json, details=exc.details)
    if as_json:
        sys.stdout.write(json.dumps(as_payload(result)) + "\n")
        return
    table_rows = rows(result)
    if markdown:
        lines = ["| run | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in table_rows]
        sys.stdout.write("\n".join(lines) + "\n")
    else:
        table = Table(title=f"{path} (adaptive interview, {'text' if from_text else 'evidence'})")
        for col in ("run", *COLUMNS):
            table.add_column(col)
        for row in table_rows:
            table.add_row(*row)
        Console().print(table)
    if show_misses:
        for o, run in zip(result.interview, result.runs, strict=True):
            if not o.top(3) or o.delta != 0:
                sys.stdout.write(
                    f"{o.vignette_id}: expected {o.expected_condition}/{o.expected_triage}; got {o.ranked[:3]}/"
                    f"{o.triage} after {len(run.questions)} questions ({run.stop_reason})\n"
                )
