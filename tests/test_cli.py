"""The command line keeps CONTRACT.md: assess --evidence/--jsonl, errors, kb check/show, eval."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from twitchcheck.cli import app

runner = CliRunner()
CONTRACT_KEYS = {
    "age",
    "sex",
    "evidence",
    "movement",
    "conditions",
    "triage",
    "tests",
    "advice",
    "safety_net",
    "disclaimer",
}


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def evidence_file(tmp_path: Path) -> Path:
    case = {
        "age": 26,
        "sex": "female",
        "evidence": [
            {"id": "falling_asleep", "state": "present"},
            {"id": "jerk_moves_limb", "state": "present"},
            {"id": "loc_shoulder", "state": "present"},
            {"id": "weakness", "state": "absent"},
        ],
    }
    return write(tmp_path, "case.json", json.dumps(case))


def test_assess_evidence_json_has_the_contract_shape(evidence_file: Path) -> None:
    """--evidence --json prints one assessment with every contract key and valid values."""
    result = runner.invoke(app, ["assess", "--evidence", str(evidence_file), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) >= CONTRACT_KEYS
    assert out["age"] == 26 and out["sex"] == "female"
    assert out["evidence"][0] == {"id": "falling_asleep", "state": "present", "source": "initial"}
    assert set(out["triage"]) >= {"level", "time_frame", "clinician", "reasons", "red_flags"}
    assert out["conditions"][0]["id"] == "hypnic_jerk"
    assert out["movement"][0]["id"] == "myoclonus"
    first = out["conditions"][0]
    assert {"id", "name", "probability", "for", "against"} <= set(first)
    assert all({"evidence", "likelihood_ratio"} <= set(e) for e in first["for"] + first["against"])
    assert all({"id", "name", "why"} <= set(t) for t in out["tests"])
    assert all({"id", "text"} <= set(a) for a in out["advice"])


def test_assess_readable_output(evidence_file: Path) -> None:
    """Without --json the assessment is printed for a person, triage first, with the disclaimer."""
    result = runner.invoke(app, ["assess", "--evidence", str(evidence_file)])
    assert result.exit_code == 0
    assert result.stdout.index("What to do") < result.stdout.index("Possible causes")
    assert "not a diagnosis" in result.stdout


def test_age_and_sex_options_override_the_file(evidence_file: Path) -> None:
    """--age and --sex given on the command line replace the file's values."""
    result = runner.invoke(app, ["assess", "--evidence", str(evidence_file), "--age", "70", "--sex", "male", "--json"])
    out = json.loads(result.stdout)
    assert (out["age"], out["sex"]) == (70, "male")


def test_bad_evidence_gives_error_object_and_exit_code(tmp_path: Path) -> None:
    """An unknown finding id: non-zero exit, one line on stderr, the error object on stdout."""
    path = write(tmp_path, "bad.json", json.dumps({"evidence": [{"id": "nonsense", "state": "present"}]}))
    result = runner.invoke(app, ["assess", "--evidence", str(path), "--json"])
    assert result.exit_code != 0
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "invalid_evidence"
    assert error["details"][0]["field"] == "evidence[0]"
    assert result.stderr.count("\n") == 1 and "nonsense" in result.stderr


@pytest.mark.parametrize(
    ("content", "code"),
    [("{not json", "invalid_json"), ("[1, 2]", "invalid_case")],
)
def test_unreadable_evidence_files(tmp_path: Path, content: str, code: str) -> None:
    """Broken JSON and a JSON list are clear errors, not crashes."""
    path = write(tmp_path, "x.json", content)
    result = runner.invoke(app, ["assess", "--evidence", str(path), "--json"])
    assert result.exit_code != 0
    assert json.loads(result.stdout)["error"]["code"] == code


def test_missing_file_and_no_input_are_errors(tmp_path: Path) -> None:
    """A missing file, or no input at all, exits non-zero with a message."""
    missing = runner.invoke(app, ["assess", "--evidence", str(tmp_path / "nope.json")])
    assert missing.exit_code != 0 and "cannot read" in missing.stderr
    nothing = runner.invoke(app, ["assess"])
    assert nothing.exit_code != 0 and "--text and/or --evidence" in nothing.stderr


def test_jsonl_keeps_order_echoes_ids_and_survives_bad_lines(tmp_path: Path) -> None:
    """--jsonl prints one line per case in order, with case_id, an error object for a bad line, and exits 1."""
    lines = [
        json.dumps({"id": "a", "age": 30, "evidence": [{"id": "loc_eyelid", "state": "present"}]}),
        "{broken",
        json.dumps({"id": "c", "age": None, "sex": None, "evidence": [{"id": "nope", "state": "present"}]}),
        json.dumps({"id": "d", "evidence": [{"id": "rhythmic_shaking", "state": "present"}]}),
    ]
    path = write(tmp_path, "in.jsonl", "\n".join(lines) + "\n")
    result = runner.invoke(app, ["assess", "--jsonl", str(path)])
    assert result.exit_code == 1 and "2 of 4 lines failed" in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("case_id") for o in out] == ["a", None, "c", "d"]
    assert "conditions" in out[0] and "conditions" in out[3]
    assert out[1]["error"]["code"] == "invalid_json"
    assert out[2]["error"]["code"] == "invalid_evidence"


def test_kb_check_passes_on_the_shipped_knowledge_base() -> None:
    """kb check reports the counts and no faults."""
    result = runner.invoke(app, ["kb", "check"])
    assert result.exit_code == 0, result.output
    assert "knowledge base OK" in result.stdout


def test_kb_check_says_how_to_get_hpo3_when_it_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without hpo3 (the kb extra), kb check fails naming the extra and --no-hpo; --no-hpo passes."""
    monkeypatch.setitem(sys.modules, "pyhpo", None)  # importing it now raises ImportError
    missing = runner.invoke(app, ["kb", "check"])
    assert missing.exit_code == 1
    assert "hpo3 is not installed" in missing.stderr and "twitchcheck[kb]" in missing.stderr
    assert "--no-hpo" in missing.stderr
    assert runner.invoke(app, ["kb", "check", "--no-hpo"]).exit_code == 0


def test_kb_show_an_entry_and_an_unknown_id() -> None:
    """kb show prints an entry with its sources; an unknown id is an error."""
    shown = runner.invoke(app, ["kb", "show", "als", "--json"])
    payload = json.loads(shown.stdout)
    assert payload["kind"] == "condition" and payload["sources"]
    missing = runner.invoke(app, ["kb", "show", "no_such_thing"])
    assert missing.exit_code != 0


def test_installed_command_runs() -> None:
    """The installed `twitchcheck` entry point starts and shows its help."""
    exe = Path(sys.executable).parent / "twitchcheck"
    done = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "assess" in done.stdout


def test_assess_text_hypnic_jerks_are_self_care() -> None:
    """The issue's example: shoulder and neck jerks when falling asleep, no weakness -> hypnic jerks, self-care."""
    text = "I'm 26 and get shoulder and neck jerks just as I'm falling asleep; no weakness"
    result = runner.invoke(app, ["assess", "--text", text, "--json"])
    out = json.loads(result.stdout)
    assert out["conditions"][0]["id"] == "hypnic_jerk"
    assert out["triage"]["level"] == "self_care"
    assert out["advice"] and out["safety_net"]
    assert {"id": "weakness", "state": "absent", "source": "parsed"}.items() <= next(
        e for e in out["evidence"] if e["id"] == "weakness"
    ).items()


def test_jsonl_reads_text_lines_and_reports_empty_text(tmp_path: Path) -> None:
    """--jsonl assesses free-text lines (age may be null) and gives an error object for empty text."""
    lines = [
        json.dumps({"id": "t1", "text": "my left eyelid has been flickering for 3 days", "age": None}),
        json.dumps({"id": "t2", "text": "   "}),
    ]
    path = write(tmp_path, "text.jsonl", "\n".join(lines) + "\n")
    out = [json.loads(line) for line in runner.invoke(app, ["assess", "--jsonl", str(path)]).stdout.splitlines()]
    assert out[0]["case_id"] == "t1" and out[0]["conditions"][0]["id"] == "eyelid_myokymia"
    assert out[1]["case_id"] == "t2" and out[1]["error"]["code"] == "invalid_text"


def test_text_and_evidence_are_assessed_together_as_on_the_web(tmp_path: Path) -> None:
    """--text with --evidence merges them (the evidence wins) and gives what the API gives for both."""
    from fastapi.testclient import TestClient

    from twitchcheck.web.app import create_app

    text = "my left calf has been jumping for 3 weeks, I'm 26"
    evidence = [{"id": "weakness", "state": "absent"}, {"id": "loc_calf", "state": "present"}]
    path = write(tmp_path, "case.json", json.dumps({"sex": "female", "evidence": evidence}))
    cli = runner.invoke(app, ["assess", "--text", text, "--evidence", str(path), "--json"])
    assert cli.exit_code == 0, cli.output
    with TestClient(create_app()) as client:
        api = client.post("/api/v1/assess", json={"text": text, "sex": "female", "evidence": evidence}).json()
    assert json.loads(cli.stdout) == api
    states = {e["id"]: (e["state"], e["source"]) for e in api["evidence"]}
    assert states["weakness"] == ("absent", "initial") and api["age"] == 26


def test_jsonl_lines_merge_text_and_evidence(tmp_path: Path) -> None:
    """A --jsonl line with both text and evidence is assessed from both, like one --text --evidence call."""
    line = {"id": "x", "text": "my calf twitches", "evidence": [{"id": "weakness", "state": "absent"}], "age": 40}
    path = write(tmp_path, "in.jsonl", json.dumps(line) + "\n")
    result = runner.invoke(app, ["assess", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    ids = {e["id"] for e in out["evidence"]}
    assert out["case_id"] == "x" and {"weakness", "loc_calf"} <= ids


def test_the_command_list_matches_each_command() -> None:
    """Every command in the lazy list exists, and its one-line help is the command's own first line."""
    from twitchcheck.cli import COMMANDS, load_command

    for name, entry in COMMANDS.items():
        command = load_command(name)
        assert (command.help or "").strip().splitlines()[0] == entry.help, name


def test_help_imports_no_command() -> None:
    """`twitchcheck --help` lists the commands without importing the engine, the reader or the web app."""
    code = (
        "import sys; from twitchcheck.cli import main; sys.argv = ['twitchcheck', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('twitchcheck.engine', 'spacy', 'fastapi', 'rich'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "assess" in out and out.strip().splitlines()[-1] == "[]"
