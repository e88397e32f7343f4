"""Read an accelerometer CSV: phyphox's export, or any CSV with a time column and x, y, z in m/s^2.

phyphox (the free app of RWTH Aachen) exports its "Acceleration with g" and "Linear
Acceleration" experiments as a header of quoted column names, ``"Time (s)","Acceleration x
(m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)","Absolute acceleration (m/s^2)"``
(with "Linear Acceleration x (m/s^2)" and so on for the second), then one row per sample in
Java's scientific format (``1.234567890E-2``). Its export menu offers comma, tab or semicolon
separators, with a decimal point or (tab and semicolon only) a decimal comma; all are read
here. Other apps' files work when a header names a time column (seconds; "ms" in the name means
milliseconds) and x, y, z columns (``x``, ``ax``, ``acc_x``, ``Acceleration x``...); a unit of
``(g)`` is converted to m/s^2. Gyroscope, magnetometer and gravity-sensor columns are ignored.
"""

from __future__ import annotations

import csv
import math
import re

from twitchcheck.tremor.recording import MAX_SAMPLES, Recording, RecordingError

SEPARATORS = (",", ";", "\t")
TIME_WORDS = {"time", "t", "timestamp", "seconds", "sec", "elapsed"}
TIME_SCALE = {"ms": 1e-3, "millis": 1e-3, "milliseconds": 1e-3, "us": 1e-6, "ns": 1e-9}
NOT_ACCELERATION = {"gyroscope", "gyro", "rotation", "magnetic", "field", "rad", "ut", "angle", "gravity", "velocity"}
GRAVITY = 9.80665
AXES = ("x", "y", "z")


def _tokens(name: str) -> list[str]:
    return re.findall(r"[a-z0-9µ]+", name.lower())


def _is_time(name: str) -> bool:
    tokens = _tokens(name)
    return bool(tokens) and (tokens[0] in TIME_WORDS or "time" in tokens)


def _is_axis(name: str, axis: str) -> bool:
    tokens = set(_tokens(name))
    if tokens & NOT_ACCELERATION or _is_time(name):
        return False
    return axis in tokens or bool(tokens & {f"a{axis}", f"acc{axis}", f"accel{axis}", f"acceleration{axis}"})


def _time_scale(name: str) -> float:
    unit = re.search(r"\(([^)]*)\)", name)
    words = _tokens(unit.group(1)) if unit else _tokens(name)[1:]
    return next((TIME_SCALE[w] for w in words if w in TIME_SCALE), 1.0)


def _axis_scale(name: str) -> float:
    return GRAVITY if re.search(r"\(\s*g\s*\)", name.lower()) else 1.0


def _split(line: str, separator: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=separator, quotechar='"', skipinitialspace=True), [])
    except csv.Error as exc:
        raise RecordingError("bad_row", f"a line of the CSV cannot be read: {exc}") from None


def _separator(header: str) -> str:
    """The separator that splits the header into the most columns."""
    return max(SEPARATORS, key=lambda s: len(_split(header, s)))


def _pick(names: list[str], axis: str) -> int:
    """The column of one axis; acceleration columns win over others that name the axis."""
    found = [i for i, n in enumerate(names) if _is_axis(n, axis)]
    if len(found) > 1:
        acc = [i for i in found if any(t.startswith("acc") for t in _tokens(names[i]))]
        found = acc or found
    if len(found) > 1:
        raise RecordingError(
            "ambiguous_columns",
            f"several columns could be the {axis} acceleration: {', '.join(names[i] for i in found)}",
            {"axis": axis, "columns": [names[i] for i in found]},
        )
    return found[0] if found else -1


def columns_of(names: list[str]) -> dict[str, int]:
    """Indexes of the time and x, y, z columns; a clear error names what is missing."""
    time = next((i for i, n in enumerate(names) if _is_time(n)), -1)
    picked = {"time": time, **{axis: _pick(names, axis) for axis in AXES}}
    missing = [k for k, i in picked.items() if i < 0]
    if missing:
        raise RecordingError(
            "missing_columns",
            "the CSV needs a header with a time column (in seconds) and x, y and z acceleration columns "
            f"(m/s^2); missing: {', '.join(missing)}; found: {', '.join(repr(n) for n in names) or 'nothing'}",
            {"missing": missing, "found": names},
        )
    return picked


def read_csv(text: str) -> Recording:
    """A checked recording from CSV text; every problem is a RecordingError naming its line."""
    lines = [(n, line) for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1) if line.strip()]
    lines = [(n, line) for n, line in lines if not line.lstrip().startswith("#")]
    if not lines:
        raise RecordingError("empty", "the CSV is empty")
    header_no, header = lines[0]
    separator = _separator(header)
    names = [n.strip() for n in _split(header, separator)]
    if names and all(_is_number(n) for n in names):
        raise RecordingError("missing_columns", "the first line must name the columns (for example: Time (s), x, y, z)")
    index = columns_of(names)
    if len(lines) - 1 > MAX_SAMPLES:
        raise RecordingError("too_long", f"the CSV has {len(lines) - 1} rows; the limit is {MAX_SAMPLES}")
    decimal_comma = separator != ","
    scale = {"time": _time_scale(names[index["time"]]), **{a: _axis_scale(names[index[a]]) for a in AXES}}
    values: dict[str, list[float]] = {k: [] for k in index}
    for line_no, line in lines[1:]:
        fields = _split(line, separator)
        if len(fields) != len(names):
            raise RecordingError(
                "bad_row",
                f"line {line_no} has {len(fields)} values; the header (line {header_no}) has {len(names)}",
                {"line": line_no},
            )
        for key, column in index.items():
            values[key].append(_number(fields[column], decimal_comma, line_no, names[column]) * scale[key])
    return Recording.from_columns(values["time"], values["x"], values["y"], values["z"])


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _number(text: str, decimal_comma: bool, line_no: int, column: str) -> float:
    cleaned = text.strip().replace(",", ".") if decimal_comma else text.strip()
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise RecordingError(
            "not_a_number",
            f"line {line_no}, column {column!r}: {text.strip()[:40]!r} is not a number",
            {"line": line_no, "column": column},
        )
    return value
