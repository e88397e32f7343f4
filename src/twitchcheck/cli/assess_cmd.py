"""``twitchcheck assess``: one assessment from text and/or an evidence file, or many from JSON lines.

Text and evidence are assessed together, as the web does (``twitchcheck.service.assess``): the evidence
read from the text first, then the given evidence, which wins.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from twitchcheck.cli.errors import error_object, fail
from twitchcheck.cli.jsonl import BadLine, finish, read_case_line, read_lines
from twitchcheck.errors import TwitchcheckError
from twitchcheck.service import assess as assess_case

SexOption = Annotated[str | None, typer.Option("--sex", help="female or male")]


def _read_json(path: Path, as_json: bool) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail("file_not_readable", f"cannot read {path}: {exc.strerror}", as_json=as_json)
    except UnicodeDecodeError:
        fail("invalid_text", f"{path} is not UTF-8 text", as_json=as_json)
    except json.JSONDecodeError as exc:
        fail("invalid_json", f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}", as_json=as_json)
    except RecursionError:
        fail("invalid_json", f"{path} is not an evidence file: its JSON is nested too deeply", as_json=as_json)


def _assess_line(line: str | BadLine, number: int) -> dict[str, Any]:
    """Assess one JSON line; a bad line becomes an error object and the batch goes on."""
    try:
        if isinstance(line, BadLine):
            raise line
        raw = read_case_line(line, number)
    except BadLine as bad:
        return bad.output
    case_id = raw.get("id")
    text, evidence = raw.get("text"), raw.get("evidence")
    if not isinstance(text, str) and evidence is None:
        return {"case_id": case_id, **error_object("invalid_case", "a line needs 'text' or 'evidence'")}
    try:
        result = assess_case(text if isinstance(text, str) else None, evidence, raw.get("age"), raw.get("sex"))
    except TwitchcheckError as exc:
        return {"case_id": case_id, **exc.to_dict()}
    return {"case_id": case_id, **result.to_json_dict()}


def assess(
    evidence: Annotated[Path | None, typer.Option("--evidence", help="JSON file: {age, sex, evidence: [...]}")] = None,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help="one case per line: {id, text, age?, sex?}")] = None,
    text: Annotated[str | None, typer.Option("--text", help="a description in your own words")] = None,
    age: Annotated[float | None, typer.Option("--age", help="age in years")] = None,
    sex: SexOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a readable report")] = False,
) -> None:
    """Assess twitching: movement type, likely causes, triage, tests and self-care."""
    if (jsonl is None) == (evidence is None and text is None) or (jsonl is not None and (evidence or text)):
        fail("usage", "give --text and/or --evidence, or --jsonl alone", as_json=as_json)
    if jsonl is not None:
        try:
            handle = jsonl.open("rb")
        except OSError as exc:
            fail("file_not_readable", f"cannot read {jsonl}: {exc.strerror}", as_json=True)
        lines = failed = 0
        with handle:
            for number, line in read_lines(handle):
                out = _assess_line(line, number)
                lines, failed = lines + 1, failed + ("error" in out)
                sys.stdout.write(json.dumps(out) + "\n")
        finish(lines, failed)
        return
    given: list[Any] | None = None
    worries: Any = None
    if evidence is not None:
        raw = _read_json(evidence, as_json)
        if not isinstance(raw, dict):
            fail("invalid_case", "the evidence file must hold a JSON object", as_json=as_json)
        given = raw.get("evidence")
        age = age if age is not None else raw.get("age")
        sex = sex if sex is not None else raw.get("sex")
        worries = raw.get("worries")  # condition ids the person fears, besides those named in --text
    try:
        result = assess_case(text, given, age, sex, worries)
    except TwitchcheckError as exc:
        fail(exc.code, exc.message, as_json=as_json, details=exc.details)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json_dict()) + "\n")
    else:
        from twitchcheck.cli.render import render_assessment

        render_assessment(result)
