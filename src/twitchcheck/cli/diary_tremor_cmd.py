"""``twitchcheck diary tremor``: keep phone tremor measurements in the diary on this computer.

``add --csv FILE [--task rest|postural|kinetic] [--at TIME] [--note TEXT]`` measures a recording
(the CSV phyphox exports, as ``twitchcheck tremor`` reads it) and keeps the result with its date;
``list`` shows them, oldest first; ``delete ID`` removes one. The doctor report (``diary report``)
then shows frequency and size over time.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from twitchcheck.cli.errors import fail
from twitchcheck.cli.tremor_cmd import _read

JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON")]
app = typer.Typer(help="Tremor measurements in your diary: add a recording, list, delete.", no_args_is_help=True)


def _line(row: dict[str, object]) -> str:
    """One measurement as a line of text."""
    task = row["task"] or "-"
    if row["frequency_hz"] is None:
        figures = "no visible tremor" if row["verdict"] == "physiological" else "no tremor"
    else:
        steady = {True: ", steady", False: ", varying"}.get(row["steady"], "")  # type: ignore[call-overload]
        figures = f"{row['frequency_hz']:.1f} Hz, {row['amplitude_m_s2']:.3f} m/s² RMS{steady}"
    note = f"  ({row['note']})" if row["note"] else ""
    return f"{row['id']:>6}  {str(row['recorded_at'])[:16]}  {task:<9} {figures}{note}"


@app.command("add")
def add(
    csv_path: Annotated[Path, typer.Option("--csv", help="the recording: a time column (s) and x, y, z (m/s^2)")],
    task: Annotated[
        str | None, typer.Option("--task", help="rest (hands in the lap), postural (arms out) or kinetic")
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="when it was recorded (ISO 8601; default now)")] = None,
    note: Annotated[str | None, typer.Option("--note", help="e.g. 'before coffee' or 'day 3 of propranolol'")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Measure a tremor recording and keep the result in the diary."""
    from twitchcheck.cli.diary_cmd import _diary, _echo
    from twitchcheck.diary import tremor_store as store
    from twitchcheck.tremor import TASKS, RecordingError, analyse, read_csv

    if task is not None and task not in TASKS:
        fail("invalid_task", f"--task must be one of {', '.join(TASKS)}", as_json=as_json)
    when = None
    if at is not None:
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            fail("invalid_date", "--at must be a date and time in ISO 8601", as_json=as_json)
    text = _read(csv_path, as_json)
    try:
        result = analyse(read_csv(text), task, when)
    except RecordingError as exc:
        fail(exc.code, f"{csv_path}: {exc.message}", as_json=as_json, details=exc.details)
    with _diary(as_json) as (session, user):
        entry = store.entry_from_result(result, note=note)
        out = store.tremor_dict(store.add_tremor(session, user=user, entry=entry), full=False)
    _echo(out, as_json, f"added tremor measurement {out['id']}: {result.summary}")


@app.command("list")
def list_measurements(
    task: Annotated[str | None, typer.Option("--task", help="only this task")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="at most this many (the latest)")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """List the tremor measurements, oldest first."""
    from twitchcheck.cli.diary_cmd import _diary
    from twitchcheck.diary import tremor_store as store
    from twitchcheck.tremor import TASKS

    if task is not None and task not in TASKS:
        fail("invalid_task", f"--task must be one of {', '.join(TASKS)}", as_json=as_json)
    with _diary(as_json) as (session, user):
        total = store.count_tremors(session, user_id=user.id, task=task)
        rows = store.list_tremors(session, user_id=user.id, task=task, limit=limit, offset=max(0, total - limit))
        out = [store.tremor_dict(r, full=False) for r in rows]
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    if not out:
        typer.echo("no tremor measurements yet")
    for row in out:
        typer.echo(_line(row))


@app.command("delete")
def delete(
    tremor_id: Annotated[int, typer.Argument(help="the measurement's id (from `diary tremor list`)")],
    as_json: JsonFlag = False,
) -> None:
    """Delete a tremor measurement."""
    from twitchcheck.cli.diary_cmd import _diary, _echo
    from twitchcheck.diary import tremor_store as store

    with _diary(as_json) as (session, user):
        store.delete_tremor(session, user_id=user.id, tremor_id=tremor_id)
    _echo({"deleted": tremor_id}, as_json, f"deleted tremor measurement {tremor_id}")
