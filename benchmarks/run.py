"""`make bench`: measure, print a table, and write bench-results.json at the repo root.

Figures (CONTRACT.md names): assess latency for a full evidence set (the whole assessment:
differential, triage, explanations, tests and advice), knowledge-base load time, the same
differential computed by pgmpy's VariableElimination (ratio = pgmpy time / our differential
time, for the same case), and CLI cold start.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cases import full_case

if TYPE_CHECKING:
    from twitchcheck.kb.loader import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results.json"


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall-clock seconds of each call."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def bench_core() -> dict[str, dict[str, float | str]]:
    from twitchcheck.engine import Engine
    from twitchcheck.engine.differential import differential
    from twitchcheck.evaluation.pgmpy_reference import build_network, reference_differential
    from twitchcheck.kb.loader import load_knowledge_base

    load_knowledge_base()  # writes the compiled cache if it is missing
    load_times = timed(load_knowledge_base, 5)
    build_times = timed(_build_knowledge_base, 3)
    engine = Engine.from_kb(load_knowledge_base())
    case = engine.case(full_case())
    for _ in range(200):
        engine.assess(case)
    assess_times = timed(lambda: engine.assess(case), 3000)
    differential_times = timed(lambda: differential(engine.model, case), 3000)
    network = build_network(engine.model, case)
    pgmpy_times = timed(lambda: reference_differential(engine.model, case, network), 20)
    assess_median = statistics.median(assess_times)
    return {
        "assess_median_ms": {"value": round(assess_median * 1e3, 4), "unit": "ms"},
        "assess_p99_ms": {"value": round(p99(assess_times) * 1e3, 4), "unit": "ms"},
        "differential_median_ms": {"value": round(statistics.median(differential_times) * 1e3, 4), "unit": "ms"},
        "pgmpy_differential_median_ms": {"value": round(statistics.median(pgmpy_times) * 1e3, 2), "unit": "ms"},
        # The same computation on both sides: P(condition | evidence) for this case.
        "assess_vs_pgmpy_ratio": {
            "value": round(statistics.median(pgmpy_times) / statistics.median(differential_times), 1),
            "unit": "x",
        },
        "kb_load_s": {"value": round(statistics.median(load_times), 4), "unit": "s"},
        "kb_build_s": {"value": round(statistics.median(build_times), 4), "unit": "s"},
    }


def _build_knowledge_base() -> KnowledgeBase:
    """The knowledge base read, validated and checked from its YAML, without the compiled cache."""
    from twitchcheck.kb.check import integrity_faults
    from twitchcheck.kb.loader import DATA_DIR, read_knowledge_base

    kb, faults = read_knowledge_base(DATA_DIR)
    assert kb is not None and not faults + integrity_faults(kb), faults
    return kb


def bench_cli() -> dict[str, dict[str, float | str]]:
    """Fresh ``twitchcheck`` processes, start to exit: --help, assess --evidence and assess --text.

    Each is run once first (which fills the compiled cache, as a person's first call does), then timed
    five times; the median is reported.
    """
    exe = Path(sys.executable).parent / "twitchcheck"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(full_case(), handle)
    commands = {
        "cli_help_s": [str(exe), "--help"],
        "cli_cold_start_s": [str(exe), "assess", "--evidence", handle.name, "--json"],
        "cli_assess_text_s": [str(exe), "assess", "--text", CLI_TEXT, "--json"],
    }
    results: dict[str, dict[str, float | str]] = {}
    for name, command in commands.items():
        subprocess.run(command, check=True, capture_output=True)
        times = timed(lambda command=command: subprocess.run(command, check=True, capture_output=True), 5)
        results[name] = {"value": round(statistics.median(times), 3), "unit": "s"}
    Path(handle.name).unlink()
    return results


CLI_TEXT = "my left calf has been jumping for 3 weeks, no weakness, I'm 26"


def mid_interview_case(kb: KnowledgeBase) -> dict[str, Any]:
    """A person part-way through the interview: complaint, warning signs answered, a few questions."""
    warnings = [f.id for f in kb.findings.values() if f.group == "warning"]
    evidence: list[dict[str, Any]] = [{"id": f, "state": "present"} for f in ("brief_flicker", "loc_calf")]
    evidence += [{"id": f, "state": "absent", "source": "asked"} for f in warnings]
    evidence += [
        {"id": "duration_days", "state": "present", "value": 52, "source": "asked"},
        {"id": "stress_anxiety", "state": "present", "source": "asked"},
        {"id": "short_sleep", "state": "unknown", "source": "asked"},
    ]
    return {"age": 34, "sex": "male", "evidence": evidence}


def bench_interview() -> dict[str, dict[str, float | str]]:
    """next_question latency for a mid-interview case (lookahead over every finding and answer)."""
    from twitchcheck.engine.interview import next_question
    from twitchcheck.service import default_engine

    engine = default_engine()
    case = engine.case(mid_interview_case(engine.kb))
    for _ in range(50):
        next_question(engine.model, case)
    times = timed(lambda: next_question(engine.model, case), 1000)
    return {"next_question_median_ms": {"value": round(statistics.median(times) * 1e3, 4), "unit": "ms"}}


DESCRIPTION_100_WORDS = (
    "I'm a 34 year old man and for about three weeks my left calf and sometimes my right thigh have been "
    "twitching, little flickers under the skin like popcorn, many times a day, mostly when I'm sitting still "
    "in the evening. I don't have any weakness, I can still run and climb stairs fine, and there is no "
    "numbness. Work has been really stressful, I sleep maybe five hours a night, and I drink four or five "
    "coffees a day plus an energy drink. My dad had a tremor. I started sertraline two months ago. I'm "
    "scared it could be ALS because I read about it online."
)


def bench_parse() -> dict[str, dict[str, float | str]]:
    """Free-text parse of a 100-word description, after loading; and the first (loading) call."""
    from twitchcheck.nlp import parse_text
    from twitchcheck.service import default_engine

    kb = default_engine().kb
    start = time.perf_counter()
    parse_text("my calf twitches", kb)
    load = time.perf_counter() - start
    times = timed(lambda: parse_text(DESCRIPTION_100_WORDS, kb), 200)
    return {
        "parse_median_ms": {"value": round(statistics.median(times) * 1e3, 3), "unit": "ms"},
        "nlp_load_s": {"value": round(load, 3), "unit": "s"},
    }


def bench_api() -> dict[str, dict[str, float | str]]:
    """Loopback load test of POST /api/v1/assess (uvicorn, 2 workers, wrk; see benchmarks/api_load.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import api_load

    return api_load.run(full_case())


def bench_diary_load() -> dict[str, dict[str, float | str]]:
    """Diary writes by many people at once on PostgreSQL and SQLite (see benchmarks/diary_load.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import diary_load

    return diary_load.run()


def bench_import() -> dict[str, dict[str, float | str]]:
    """How long importing ten years of diary holds the write transaction (SQLite file, checked beforehand)."""
    import tempfile

    from twitchcheck.accounts.service import local_user
    from twitchcheck.diary import importer, synthetic
    from twitchcheck.diary.db import Database

    data = synthetic.generate(days=3652, base_rate=5.5, seed=1)
    body = {"format": "twitchcheck-diary", "episodes": data["episodes"], "days": data["days"]}
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/import.db")
        with db.write() as session:
            user = local_user(session)
        prepared = importer.prepare(body, timezone="UTC")
        began = time.perf_counter()
        with db.write() as session:
            importer.store(session, user=user, prepared=prepared)
        held = time.perf_counter() - began
        db.dispose()
    return {"diary_import_10y_write_s": {"value": round(held, 3), "unit": "s"}}


def bench_diary() -> dict[str, dict[str, float | str]]:
    """Diary: analysis of ten years (~20,000 episodes) and the doctor report PDF of the same diary.

    The report time is the whole job: analysis, the four charts, HTML and WeasyPrint's PDF.
    """
    from twitchcheck.diary import analysis, frames, report, synthetic

    data = synthetic.generate(days=3652, base_rate=5.5, magnesium_start=2000, magnesium_effect=0.6, seed=1)
    tables = frames.build(
        episodes=data["episodes"], days=data["days"], medications=data["medications"], symptoms=data["symptoms"]
    )
    analysis.analyse(tables)
    analysis_times = timed(lambda: analysis.analyse(tables), 5)
    report.build(tables, who="bench@example.org")  # warm-up: fonts, matplotlib, WeasyPrint
    pdf_times = timed(lambda: report.build(tables, who="bench@example.org"), 3)
    return {
        "diary_analysis_10y_s": {"value": round(statistics.median(analysis_times), 3), "unit": "s"},
        "report_pdf_s": {"value": round(statistics.median(pdf_times), 3), "unit": "s"},
    }


def bench_tremor() -> dict[str, dict[str, float | str]]:
    """Tremor analysis of a 30 s, 100 Hz phone recording (resampling, filters, Welch, test, windows, evidence)."""
    from twitchcheck.tremor import analyse
    from twitchcheck.tremor.synthetic import Synthetic

    recording = Synthetic(duration_s=30, rate_hz=100, frequency_hz=5.0, amplitude_m_s2=0.5, seed=1).recording()
    for _ in range(5):
        analyse(recording, "postural")
    times = timed(lambda: analyse(recording, "postural"), 50)
    return {"tremor_analysis_ms": {"value": round(statistics.median(times) * 1e3, 2), "unit": "ms"}}


def main() -> None:
    results = bench_core() | bench_interview() | bench_parse() | bench_cli() | bench_api() | bench_diary_load()
    results |= bench_diary() | bench_import() | bench_tremor()
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps(previous | results, indent=2) + "\n")
    width = max(len(name) for name in results)
    print(f"{'benchmark':<{width}}  {'value':>12}  unit")
    print(f"{'-' * width}  {'-' * 12}  ----")
    for name, entry in results.items():
        print(f"{name:<{width}}  {entry['value']:>12}  {entry['unit']}")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
