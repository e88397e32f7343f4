"""The interview evaluated on the development vignettes, and the interview, simulate and eval commands."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from twitchcheck.cli import app, interview_cmd, simulate_cmd
from twitchcheck.engine import Engine
from twitchcheck.evaluation.interview import evaluate_interview, play_structured
from twitchcheck.evaluation.metrics import summarise
from twitchcheck.evaluation.vignettes import load_vignettes
from twitchcheck.kb.loader import KnowledgeBase

ROOT = Path(__file__).parent.parent
DEV = ROOT / "vignettes" / "dev.yaml"
runner = CliRunner()
KEYWORDS = {
    "jerk": "jerk_moves_limb",
    "asleep": "falling_asleep",
    "calf": "loc_calf",
    "flicker": "brief_flicker",
    "fever": "fever",
    "confused": "confusion",
}


def fake_parse(text: str, kb: KnowledgeBase) -> dict[str, Any]:
    """A stand-in for twitchcheck.nlp.parse_text: keywords to findings, "I'm N" to an age."""
    lowered = text.lower()
    evidence = [{"id": fid, "state": "present"} for word, fid in KEYWORDS.items() if word in lowered]
    age = re.search(r"i'm (\d+)", lowered)
    return {"evidence": evidence, "age": int(age.group(1)) if age else None, "sex": None}


@pytest.fixture(scope="module")
def evaluation(engine: Engine) -> Any:
    return evaluate_interview(engine.model, load_vignettes(DEV), play_structured(engine.model))


def test_interview_eval_reaches_its_floors(evaluation: Any) -> None:
    """On dev.yaml: few questions, accuracy close to the full-evidence run, and no emergency missed."""
    interview, full = summarise(evaluation.interview), summarise(evaluation.full)
    questions = evaluation.questions
    # Measured on 152 vignettes: median 7, p90 14; top-1 76%, top-3 87% (full 94%), triage exact 80%.
    assert questions.median <= 8 and questions.p90 <= 16 and questions.max <= 20
    assert interview.top3 >= 0.85 and interview.top1 >= 0.74
    assert interview.triage_exact >= 0.78
    assert full.top3 - interview.top3 <= 0.08
    expected_emergencies = sum(v.expected.triage == "emergency" for v in load_vignettes(DEV))
    assert interview.emergencies == expected_emergencies and interview.emergencies_missed == 0


def test_interview_command_runs_to_an_assessment() -> None:
    """The terminal interview asks age and sex, shows progress, takes "don't know" and ends with the report."""
    result = runner.invoke(app, ["interview"], input="30\nmale\n" + "d\n" * 25)
    assert result.exit_code == 0, result.output
    assert "Question 1 of at most 20" in result.stdout
    assert "Do you have any of these?" in result.stdout
    assert "What to do" in result.stdout and "Possible causes" in result.stdout


def test_interview_command_explains_and_goes_back() -> None:
    """ "?" shows why a question is asked and "b" goes back to the previous question."""
    result = runner.invoke(app, ["interview", "--age", "30", "--sex", "male"], input="n\n?\nb\nn\n" + "d\n" * 25)
    assert result.exit_code == 0, result.output
    assert "To check for" in result.stdout or "To tell" in result.stdout
    assert result.stdout.count("Question 1 of at most 20") == 2


def test_interview_command_ends_cleanly_on_eof() -> None:
    """End of input mid-interview stops with a message, not a traceback."""
    result = runner.invoke(app, ["interview"], input="30\n")
    assert result.exit_code == 1
    assert "Stopped before the end" in result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_interview_from_text_uses_the_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """--text with a parser shows what was understood and takes the age from the text."""
    monkeypatch.setattr(interview_cmd, "load_parser", lambda: fake_parse)
    result = runner.invoke(app, ["interview", "--text", "I'm 40. My calf has a flicker."], input="male\n" + "d\n" * 25)
    assert result.exit_code == 0, result.output
    assert "understood: Calf: yes" in result.stdout
    assert "Your age" not in result.stdout


def write_jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_simulate_plays_each_line_with_a_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """simulate prints one line per case in order: questions asked and the assessment, or an error object."""
    monkeypatch.setattr(simulate_cmd, "load_parser", lambda: fake_parse)
    lines = [
        json.dumps({"id": "a", "text": "I'm 30. Big jerk as I fall asleep."}),
        "{broken",
        json.dumps({"id": "c", "age": None}),
        json.dumps({"id": "d", "text": "My calf has a flicker. Now I have a fever and I'm confused.", "sex": "female"}),
    ]
    result = runner.invoke(app, ["simulate", "--jsonl", str(write_jsonl(tmp_path, lines))])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["case_id"] for o in out] == ["a", None, "c", "d"]
    first = out[0]
    assert first["questions_asked"] == len(first["questions"]) >= 1
    assert first["assessment"]["age"] == 30 and first["assessment"]["conditions"][0]["id"] == "hypnic_jerk"
    asked = {e["id"]: e for e in first["assessment"]["evidence"] if e["source"] == "asked"}
    assert asked["falling_asleep"]["state"] == "present"  # not in the first sentence: found by asking
    assert out[1]["error"]["code"] == "invalid_json" and out[2]["error"]["code"] == "invalid_case"
    assert out[3]["questions"][0] == "warning_signs"
    assert out[3]["assessment"]["triage"]["level"] == "emergency"


def test_simulate_missing_file_is_an_error(tmp_path: Path) -> None:
    """A missing input file exits non-zero with a message."""
    result = runner.invoke(app, ["simulate", "--jsonl", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0 and "cannot read" in result.stderr


def test_first_sentence_is_the_opening_complaint() -> None:
    """The interview starts from the text up to the first full stop, question or exclamation mark."""
    assert simulate_cmd.first_sentence("My calf twitches. It started in May!") == "My calf twitches."
    assert simulate_cmd.first_sentence("  Just one sentence  ") == "Just one sentence"


def test_eval_interview_command_json_and_markdown() -> None:
    """eval --interview reports question counts beside the full-evidence run, as JSON and as Markdown."""
    result = runner.invoke(app, ["eval", "--interview", str(DEV), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"full_evidence", "interview"}
    assert {"median", "p90", "max"} <= set(payload["interview"]["questions"])
    assert payload["interview"]["emergencies_missed"] == 0
    markdown = runner.invoke(app, ["eval", "--interview", str(DEV), "--markdown"])
    assert "| interview |" in markdown.stdout and "| full evidence |" in markdown.stdout
