"""``twitchcheck simulate --jsonl IN.jsonl``: play each line as a patient in the adaptive interview.

The patient's truth is the parse of the whole text; the interview starts from the parse of its
first sentence only, and every question is answered from the truth ("unknown" where the text
says nothing) until the interview stops. One JSON line out per line in.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from twitchcheck.cli.errors import error_object, fail
from twitchcheck.cli.jsonl import BadLine, read_case_line, read_lines
from twitchcheck.engine import EvidenceError
from twitchcheck.engine.evidence import Case, EvidenceItem, parse_case
from twitchcheck.engine.model import Model
from twitchcheck.evaluation.interview import simulate_interview
from twitchcheck.service import default_engine

Parser = Callable[..., dict[str, Any]]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def load_parser() -> Parser:
    """The free-text reader (``twitchcheck.nlp.parse_text``), imported when a command needs it."""
    from twitchcheck.nlp import parse_text

    return parse_text


def first_sentence(text: str) -> str:
    """The text up to the end of its first sentence."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def read_text_case(
    model: Model, parser: Parser, text: str, age: float | None = None, sex: str | None = None
) -> tuple[tuple[EvidenceItem, ...], Case]:
    """(truth evidence, initial case) for a text: the whole text's parse and its first sentence's parse."""
    whole = parser(text, model.kb)
    opening = parser(first_sentence(text), model.kb)
    age = age if age is not None else whole.get("age")
    sex = sex if sex is not None else whole.get("sex")
    truth = parse_case({"evidence": whole["evidence"]}, model.kb.findings, default_source="parsed")
    initial = parse_case({"age": age, "sex": sex, "evidence": opening["evidence"]}, model.kb.findings, "parsed")
    return truth.evidence, initial


def simulate_line(model: Model, line: str | BadLine, number: int, parser: Parser) -> dict[str, Any]:
    """Simulate one JSON line; a bad line becomes an error object and the batch goes on."""
    try:
        if isinstance(line, BadLine):
            raise line
        raw = read_case_line(line, number)
    except BadLine as bad:
        return bad.output
    case_id = raw.get("id")
    if not isinstance(raw.get("text"), str):
        return {"case_id": case_id, **error_object("invalid_case", f"line {number}: a line needs a 'text' string")}
    try:
        truth, initial = read_text_case(model, parser, raw["text"], raw.get("age"), raw.get("sex"))
    except EvidenceError as exc:
        return {"case_id": case_id, **error_object(exc.code, str(exc), exc.details)}
    except Exception as exc:  # one unexpected failure on one text must not stop the batch
        return {"case_id": case_id, **error_object("parse_failed", f"line {number}: {type(exc).__name__}: {exc}")}
    run = simulate_interview(model, truth, initial)
    return {
        "case_id": case_id,
        "questions_asked": len(run.questions),
        "questions": run.question_ids,
        "stop_reason": run.stop_reason,
        "assessment": run.assessment.to_json_dict(),
    }


def simulate(
    jsonl: Annotated[Path, typer.Option("--jsonl", help="one case per line: {id, text, age?, sex?}")],
) -> None:
    """Play each line's text as a patient in the adaptive interview and print what it asked."""
    try:
        handle = jsonl.open("rb")
    except OSError as exc:
        fail("file_not_readable", f"cannot read {jsonl}: {exc.strerror}", as_json=True)
    model = default_engine().model
    parser = load_parser()
    with handle:
        for number, line in read_lines(handle):
            sys.stdout.write(json.dumps(simulate_line(model, line, number, parser)) + "\n")
