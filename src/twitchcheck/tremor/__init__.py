"""Measure a tremor with a phone's accelerometer (pure analysis: no files, no network).

``analyse(Recording)`` turns one recording (time and x, y, z acceleration in m/s^2) into a
``TremorResult``: whether a tremor stands out of the sensor's noise, its frequency, its size
(RMS acceleration and an estimated displacement), how steady its frequency is, the smallest
tremor the recording could have shown, and the evidence it gives the assessment. ``combine``
joins the recordings of one session (at rest, arms held out, finger to nose). ``read_csv``
reads phyphox's CSV export or any CSV with a time column and x, y, z columns.
"""

from twitchcheck.tremor.analysis import VISIBLE_RMS_M_S2, analyse, combine
from twitchcheck.tremor.csvfile import read_csv
from twitchcheck.tremor.evidence import MEASUREMENT_FINDINGS
from twitchcheck.tremor.recording import MIN_DURATION_S, MIN_RATE_HZ, Recording, RecordingError
from twitchcheck.tremor.result import TASKS, Task, TremorResult, TremorSession

__all__ = [
    "MEASUREMENT_FINDINGS",
    "MIN_DURATION_S",
    "MIN_RATE_HZ",
    "TASKS",
    "VISIBLE_RMS_M_S2",
    "Recording",
    "RecordingError",
    "Task",
    "TremorResult",
    "TremorSession",
    "analyse",
    "combine",
    "read_csv",
]
