"""The answers core (FAQ search, guide, explanations) works without the web app, and from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from twitchcheck.answers.explain import explain
from twitchcheck.answers.faq import ask
from twitchcheck.answers.guide import body_part_page, guide_index
from twitchcheck.cli import app

runner = CliRunner()
CALF = [{"id": "loc_calf", "state": "present"}, {"id": "weakness", "state": "absent"}]


def test_core_modules_import_no_web_app() -> None:
    """Importing the answers core loads neither FastAPI nor the web package."""
    code = (
        "import sys, twitchcheck.answers.faq, twitchcheck.answers.guide, twitchcheck.answers.explain;"
        "print(any(m.startswith(('twitchcheck.web', 'fastapi', 'starlette')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_explain_ranks_a_cause_with_reasons_in_words() -> None:
    """explain() gives a cause's rank among all causes and the answers for it, in words."""
    result = explain("benign_fasciculation", evidence=CALF, age=30, sex="male")
    assert 1 <= result["rank"] <= result["of"]
    assert result["condition"]["id"] == "benign_fasciculation"
    assert any("Calf" in reason or "calf" in reason for reason in result["reasons"]["for"])


def test_guide_body_part_ranks_causes_by_probability() -> None:
    """A body-part page lists its causes from most to least likely, each from the knowledge base."""
    part = guide_index()["body_parts"][0]["id"]
    causes = body_part_page(part)["causes"]
    assert causes
    assert [c["probability"] for c in causes] == sorted((c["probability"] for c in causes), reverse=True)


def test_cli_ask_json_equals_the_core_answer() -> None:
    """`twitchcheck ask QUESTION --json` prints what the core's FAQ search returns."""
    question = "Could my twitching be ALS?"
    result = runner.invoke(app, ["ask", question, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ask(question)


def test_cli_ask_prints_a_readable_reply() -> None:
    """Without --json the reply and similar questions are printed as text."""
    result = runner.invoke(app, ["ask", "why does my eyelid twitch"])
    assert result.exit_code == 0, result.output
    assert ask("why does my eyelid twitch")["reply"][:30] in " ".join(result.stdout.split())
    assert "Similar questions" in result.stdout


def test_cli_ask_empty_question_is_a_one_line_error() -> None:
    """An empty question exits non-zero with the error object on stdout under --json."""
    result = runner.invoke(app, ["ask", "   ", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "invalid_question"
