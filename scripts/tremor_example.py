"""Regenerate the README's tremor example: a synthetic 5 Hz recording, measured, and its picture.

Writes docs/examples/tremor-5hz.csv (phyphox's format) and docs/screenshots/tremor-example.png, and prints
what `twitchcheck tremor --csv docs/examples/tremor-5hz.csv --task rest` reports.
"""

from __future__ import annotations

from pathlib import Path

from twitchcheck.tremor import analyse, read_csv
from twitchcheck.tremor.plot import render
from twitchcheck.tremor.synthetic import Synthetic

DOCS = Path(__file__).resolve().parent.parent / "docs"
OUT, EXAMPLES = DOCS / "screenshots", DOCS / "examples"


def main() -> None:
    """A 20 s, 100 Hz recording of a 5 Hz tremor of 0.6 m/s² RMS with gravity, drift, noise and timing jitter."""
    recording = Synthetic(duration_s=20, rate_hz=100, frequency_hz=5.0, amplitude_m_s2=0.6, noise_m_s2=0.03, seed=13)
    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = EXAMPLES / "tremor-5hz.csv"
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    csv_path.write_text(recording.csv(), encoding="utf-8")
    result = analyse(read_csv(csv_path.read_text(encoding="utf-8")), "rest")
    (OUT / "tremor-example.png").write_bytes(render(result))
    print(result.summary)
    for note in result.notes:
        print("-", note)


if __name__ == "__main__":
    main()
