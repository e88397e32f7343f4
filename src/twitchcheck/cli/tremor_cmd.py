"""``twitchcheck tremor --csv FILE [--json]``: analyse a phone accelerometer recording (phyphox's CSV export)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from twitchcheck.cli.errors import fail

MAX_FILE_BYTES = 16 * 1024 * 1024  # far above a 4-minute recording at 500 Hz


def _read(path: Path, as_json: bool) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            fail("too_large", f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", as_json=as_json)
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        fail("not_text", f"{path} is not a text (UTF-8) CSV file", as_json=as_json)
    except OSError as exc:
        fail("cannot_read", f"cannot read {path}: {exc.strerror or exc}", as_json=as_json)


def tremor(
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", help="CSV with a time column (s) and x, y, z acceleration (m/s^2), as phyphox exports"),
    ] = None,
    task: Annotated[
        str | None,
        typer.Option("--task", help="how it was recorded: rest (hands in the lap), postural (arms out) or kinetic"),
    ] = None,
    recorded_at: Annotated[
        str | None, typer.Option("--recorded-at", help="when it was recorded (ISO 8601), kept in the result")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Measure a tremor: dominant frequency (3-15 Hz), size, steadiness, and the evidence for an assessment."""
    from twitchcheck.tremor import TASKS, RecordingError, analyse, read_csv

    if csv_path is None:
        fail("usage", "give the recording with --csv FILE", as_json=as_json)
    if task is not None and task not in TASKS:
        fail("invalid_task", f"--task must be one of {', '.join(TASKS)}", as_json=as_json)
    when = None
    if recorded_at is not None:
        try:
            when = datetime.fromisoformat(recorded_at)
        except ValueError:
            fail("invalid_date", "--recorded-at must be a date and time in ISO 8601", as_json=as_json)
    text = _read(csv_path, as_json)
    try:
        result = analyse(read_csv(text), task, when)
    except RecordingError as exc:
        fail(exc.code, f"{csv_path}: {exc.message}", as_json=as_json, details=exc.details)
    if as_json:
        sys.stdout.write(json.dumps(result.model_dump(mode="json")) + "\n")
        return
    console = Console(highlight=False)
    console.print(f"[bold]{result.summary}[/bold]")
    console.print(f"frequency: {'-' if result.frequency_hz is None else f'{result.frequency_hz:.2f} Hz'}")
    console.print(f"amplitude: {'-' if result.amplitude_m_s2 is None else f'{result.amplitude_m_s2:.3f} m/s² RMS'}")
    console.print(f"recording: {result.duration_s:.1f} s at {result.sample_rate_hz:.0f} samples a second")
    for note in result.notes:
        console.print(f"- {note}")
    if result.evidence:
        console.print("evidence for an assessment (twitchcheck assess --evidence):")
        for item in result.evidence:
            value = "" if item.value is None else f" = {item.value}"
            console.print(f"  {item.id}: {item.state}{value}")
