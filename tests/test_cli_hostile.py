"""The command line on garbage: an error object per bad JSON line, one-line errors, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DEEP = "[" * 100_000 + "]" * 100_000
GOOD = json.dumps({"id": "ok", "evidence": [{"id": "weakness", "state": "absent"}], "age": 30})


def twitchcheck(*args: str, tmp_path: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command (a fresh process, as a person would) on a diary of its own."""
    env = os.environ | {"TWITCHCHECK_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    return subprocess.run(
        [str(Path(sys.executable).parent / "twitchcheck"), *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin.decode() if stdin else None,
        timeout=300,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("twitchcheck: error:"), result.stderr[-2000:]
    return lines[0]


def test_jsonl_with_garbage_gives_an_error_per_bad_line_and_goes_on(tmp_path: Path) -> None:
    """Binary garbage, deep JSON and a bad case each give their error object; good lines are assessed; exit 1."""
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b"\n".join([GOOD.encode(), b"\xff\xfe\x00garbage\x80", DEEP.encode(), b"{not json", GOOD.encode()])
    )
    result = twitchcheck("assess", "--jsonl", str(path), tmp_path=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5
    assert [o["case_id"] for o in (out[0], out[4])] == ["ok", "ok"] and "triage" in out[0] and "triage" in out[4]
    assert [o["error"]["code"] for o in out[1:4]] == ["invalid_text", "invalid_json", "invalid_json"]
    assert result.returncode == 1 and "3 of 5 lines" in result.stderr


def test_jsonl_all_good_exits_zero(tmp_path: Path) -> None:
    """When every line is assessed the exit status is 0."""
    path = tmp_path / "good.jsonl"
    path.write_text(GOOD + "\n" + GOOD + "\n")
    assert twitchcheck("assess", "--jsonl", str(path), tmp_path=tmp_path).returncode == 0


def test_evidence_file_nested_too_deeply_is_a_one_line_error(tmp_path: Path) -> None:
    """A deeply nested evidence file is a one-line error, not a RecursionError."""
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    assert "JSON" in one_line_error(twitchcheck("assess", "--evidence", str(path), tmp_path=tmp_path))


def test_diary_import_reads_a_bounded_amount(tmp_path: Path) -> None:
    """`diary import /dev/zero` stops at the size cap with a one-line error instead of reading forever."""
    assert "larger than" in one_line_error(twitchcheck("diary", "import", "/dev/zero", tmp_path=tmp_path))


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("deep.json", '{"format": "twitchcheck-diary", "episodes": ' + DEEP + "}", "nested"),
        ("big.csv", "record,notes\nepisode," + "x" * 140_000 + "\n", "too long"),
        (
            "late.json",
            json.dumps(
                {
                    "format": "twitchcheck-diary",
                    "episodes": [
                        {
                            "occurred_at": "9999-12-31T23:59:59-14:00",
                            "body_part": "calf",
                            "side": "left",
                            "movement": "fasciculation",
                            "intensity": 3,
                        }
                    ],
                }
            ),
            "calendar",
        ),
    ],
)
def test_diary_import_of_hostile_files_is_a_one_line_error(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    """Deep JSON, a huge CSV field and an overflowing date give one-line errors on import."""
    path = tmp_path / name
    path.write_text(content)
    assert expected in one_line_error(twitchcheck("diary", "import", str(path), tmp_path=tmp_path))


def test_diary_add_with_an_overflowing_date_is_a_one_line_error(tmp_path: Path) -> None:
    """`diary add --at 9999-12-31T23:59:59-14:00` is a one-line error naming the field."""
    result = twitchcheck("diary", "add", "-i", "3", "--at", "9999-12-31T23:59:59-14:00", tmp_path=tmp_path)
    assert "occurred_at" in one_line_error(result)


def test_save_assessment_nested_too_deeply_is_a_one_line_error(tmp_path: Path) -> None:
    """`diary save-assessment` on deeply nested JSON is a one-line error."""
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    one_line_error(twitchcheck("diary", "save-assessment", str(path), tmp_path=tmp_path))


def test_read_only_diary_is_named(tmp_path: Path) -> None:
    """`diary add` on a read-only SQLite file is a one-line error naming the file."""
    path = tmp_path / "ro.db"
    assert twitchcheck("diary", "list", tmp_path=tmp_path).returncode == 0  # creates and migrates cli.db
    (tmp_path / "cli.db").rename(path)
    env = os.environ | {"TWITCHCHECK_DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "twitchcheck"), "diary", "add", "-i", "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    line = one_line_error(result)
    assert str(path) in line and "readonly" in line.replace(" ", "")
