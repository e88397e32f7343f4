"""Reading phyphox's CSV exports and other apps' CSV, and `twitchcheck tremor` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from twitchcheck.cli import app
from twitchcheck.tremor import RecordingError, analyse, read_csv
from twitchcheck.tremor.synthetic import Synthetic

runner = CliRunner()
LINEAR = ("Time (s)", "Linear Acceleration x (m/s^2)", "Linear Acceleration y (m/s^2)", "Linear Acceleration z (m/s^2)")
SIX_HZ = Synthetic(frequency_hz=6.0, amplitude_m_s2=0.4, seed=11)


@pytest.mark.parametrize("separator", [",", "\t", ";"])
def test_phyphox_acceleration_with_g_in_every_csv_format(separator: str) -> None:
    """phyphox's export with comma, tab or semicolon (decimal comma for the last two) reads the same."""
    text = SIX_HZ.csv(separator=separator)
    if separator != ",":
        assert "," in text.splitlines()[1]  # decimal commas, as phyphox writes them
    result = analyse(read_csv(text))
    assert result.frequency_hz == pytest.approx(6.0, abs=0.3)


def test_phyphox_linear_acceleration_experiment() -> None:
    """The "Linear Acceleration" experiment's header (no gravity) is recognised."""
    text = Synthetic(frequency_hz=6.0, gravity=False, seed=11).csv(header=LINEAR)
    assert text.startswith('"Time (s)","Linear Acceleration x (m/s^2)"')
    assert analyse(read_csv(text)).frequency_hz == pytest.approx(6.0, abs=0.3)


def generic(header: str, scale_t: float = 1.0, scale_a: float = 1.0, extra: bool = False) -> str:
    t, x, y, z = SIX_HZ.columns()
    lines = [header]
    for row in zip(t, x, y, z, strict=True):
        values = [row[0] * scale_t, *(v * scale_a for v in row[1:])]
        lines.append(",".join(f"{v:.6f}" for v in values) + (",0.1,0.2,0.3" if extra else ""))
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("header", "scale_t", "scale_a", "extra"),
    [
        ("time,x,y,z", 1.0, 1.0, False),
        ("timestamp (ms),ax,ay,az", 1000.0, 1.0, False),
        ("t,acc_x,acc_y,acc_z", 1.0, 1.0, False),
        ("Time (s),ax (g),ay (g),az (g)", 1.0, 1 / 9.80665, False),
        ("time,accX,accY,accZ,Gyroscope x (rad/s),Gyroscope y (rad/s),Gyroscope z (rad/s)", 1.0, 1.0, True),
    ],
)
def test_other_apps_csv(header: str, scale_t: float, scale_a: float, extra: bool) -> None:
    """Headers such as x/ax/acc_x, time in ms, values in g, and gyroscope columns beside them all read right."""
    result = analyse(read_csv(generic(header, scale_t, scale_a, extra)))
    assert result.frequency_hz == pytest.approx(6.0, abs=0.3)
    assert result.amplitude_m_s2 == pytest.approx(0.4, rel=0.15)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ('"Time (s)","Absolute acceleration (m/s^2)"\n0,9.8\n', "missing_columns"),
        ("1,2,3,4\n5,6,7,8\n", "missing_columns"),
        ("time,x,y\n0,1,2\n", "missing_columns"),
        ("time,x,y,z,x\n0,1,2,3,4\n", "ambiguous_columns"),
        ("time,x,y,z\n0,1,2,3\n0.01,1,2\n", "bad_row"),
        ("time,x,y,z\n0,1,2,3\n0.01,1,abc,3\n", "not_a_number"),
        ("time,x,y,z\n0,1,2,3\n0.01,1,NaN,3\n", "not_a_number"),
        ("time,x,y,z\n0,1,2,3\n0.01,1,2,3\n", "too_short"),
    ],
)
def test_csv_problems_are_clear_errors(text: str, code: str) -> None:
    """Empty files, missing or ambiguous columns, short rows and non-numbers each get their own error."""
    with pytest.raises(RecordingError) as err:
        read_csv(text)
    assert err.value.code == code


def test_error_names_the_line_and_column() -> None:
    """A value that is not a number is reported with its line and column name."""
    with pytest.raises(RecordingError) as err:
        read_csv('"Time (s)","Acceleration x (m/s^2)","Acceleration y","Acceleration z"\n0,1,2,3\n0.1,x,2,3\n')
    assert "line 3" in err.value.message and "Acceleration x (m/s^2)" in err.value.message


def test_cli_reads_a_phyphox_file(tmp_path: Path) -> None:
    """`twitchcheck tremor --csv FILE` prints the frequency and the evidence in words."""
    path = tmp_path / "Raw Data.csv"
    path.write_text(SIX_HZ.csv(), encoding="utf-8")
    result = runner.invoke(app, ["tremor", "--csv", str(path), "--task", "postural"])
    assert result.exit_code == 0, result.output
    assert "6.0 Hz" in result.output and "measured_tremor_arms_out: present" in result.output


def test_cli_json_keeps_the_contract(tmp_path: Path) -> None:
    """`--json` prints frequency_hz, amplitude_m_s2 and evidence (CONTRACT.md), null frequency without a tremor."""
    tremor_file, still_file = tmp_path / "tremor.csv", tmp_path / "still.csv"
    tremor_file.write_text(SIX_HZ.csv(), encoding="utf-8")
    still_file.write_text(Synthetic(frequency_hz=None, seed=2).csv(), encoding="utf-8")
    shaking = json.loads(runner.invoke(app, ["tremor", "--csv", str(tremor_file), "--json"]).stdout)
    assert shaking["frequency_hz"] == pytest.approx(6.0, abs=0.3)
    assert isinstance(shaking["amplitude_m_s2"], float) and isinstance(shaking["evidence"], list)
    still = json.loads(runner.invoke(app, ["tremor", "--csv", str(still_file), "--json"]).stdout)
    assert still["frequency_hz"] is None and still["amplitude_m_s2"] is None
    assert still["evidence"] == [
        {"id": "measured_tremor", "state": "absent", "source": "initial", "text": still["evidence"][0]["text"]}
    ]


def test_cli_errors_are_one_line_with_non_zero_exit(tmp_path: Path) -> None:
    """A short recording, a missing file and a bad task each give one stderr line and exit code 2."""
    short = tmp_path / "short.csv"
    short.write_text(Synthetic(duration_s=6).csv(), encoding="utf-8")
    for args in (["--csv", str(short)], ["--csv", str(tmp_path / "missing.csv")], ["--csv", str(short), "--task", "x"]):
        result = runner.invoke(app, ["tremor", *args])
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("twitchcheck: error:")
    as_json = runner.invoke(app, ["tremor", "--csv", str(short), "--json"])
    assert json.loads(as_json.stdout)["error"]["code"] == "too_short"


def test_example_recording_in_docs_measures_5_hz() -> None:
    """The README's example file (docs/examples/tremor-5hz.csv) measures 5 Hz, as the README says."""
    path = Path(__file__).parent.parent / "docs" / "examples" / "tremor-5hz.csv"
    result = runner.invoke(app, ["tremor", "--csv", str(path), "--task", "rest", "--json"])
    assert json.loads(result.stdout)["frequency_hz"] == pytest.approx(5.0, abs=0.05)
