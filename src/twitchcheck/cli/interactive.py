"""``twitchcheck start``: a short terminal questionnaire that ends with a readable assessment.

The questions and their wording come from the knowledge base. Warning signs are asked first,
then where and what the movement is, how long and how often, and common triggers.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.prompt import Prompt

from twitchcheck.cli.render import render_assessment
from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.kb.schema import Finding
from twitchcheck.service import assess_raw, default_engine

WARNING_SIGNS = (
    "weakness",
    "muscle_wasting",
    "swallowing_difficulty",
    "speech_difficulty",
    "breathing_difficulty",
    "confusion",
    "seizure",
    "fever",
)
CHARACTER = (
    "brief_flicker",
    "rippling",
    "jerk_moves_limb",
    "rhythmic_shaking",
    "painful_tightening",
    "sustained_pull",
    "urge_and_suppressible",
)
CONTEXT = (
    "falling_asleep",
    "after_exercise",
    "stress_anxiety",
    "short_sleep",
    "new_medicine",
    "alcohol_heavy",
    "numbness_tingling",
    "multiple_sites",
    "getting_worse",
)
DURATIONS = {
    "1": ("days", 4),
    "2": ("1-2 weeks", 10),
    "3": ("2 weeks to 3 months", 45),
    "4": ("3-12 months", 180),
    "5": ("over a year", 500),
}
ANSWERS = {"y": "present", "yes": "present", "n": "absent", "no": "absent", "?": "unknown", "": "unknown"}


def _yes_no(console: Console, finding: Finding) -> dict[str, Any]:
    answer = Prompt.ask(f"{finding.question} [y/n/?]", default="?", console=console).strip().lower()
    return {"id": finding.id, "state": ANSWERS.get(answer, "unknown"), "source": "asked"}


def _pick_many(console: Console, title: str, findings: list[Finding]) -> list[dict[str, Any]]:
    console.print(f"\n[bold]{title}[/bold]")
    for number, f in enumerate(findings, start=1):
        console.print(f"  {number}. {f.name}")
    raw = Prompt.ask("Numbers separated by commas (blank if none)", default="", console=console)
    picked = {int(p) for p in raw.replace(" ", "").split(",") if p.isdigit() and 0 < int(p) <= len(findings)}
    return [{"id": f.id, "state": "present", "source": "asked"} for n, f in enumerate(findings, 1) if n in picked]


def _questionnaire(console: Console, kb: KnowledgeBase) -> dict[str, Any]:
    age_text = Prompt.ask("Your age in years (blank to skip)", default="", console=console)
    sex = Prompt.ask("Sex", choices=["female", "male", "skip"], default="skip", console=console)
    evidence: list[dict[str, Any]] = []
    console.print("\n[bold]First, a few warning signs.[/bold] Answer y, n or ? (don't know).")
    evidence += [_yes_no(console, kb.findings[fid]) for fid in WARNING_SIGNS]
    locations = [f for f in kb.findings.values() if f.group == "location" and f.type == "boolean"]
    evidence += _pick_many(console, "Where is it?", [f for f in locations if f.id.startswith("loc_")])
    evidence += _pick_many(console, "What does it look or feel like?", [kb.findings[f] for f in CHARACTER])
    console.print("\nHow long has it been going on?")
    for key, (label, _) in DURATIONS.items():
        console.print(f"  {key}. {label}")
    choice = Prompt.ask("Choose", choices=[*DURATIONS, "?"], default="?", console=console)
    if choice in DURATIONS:
        evidence.append({"id": "duration_days", "state": "present", "value": DURATIONS[choice][1], "source": "asked"})
    console.print("\n[bold]A few more questions.[/bold]")
    evidence += [_yes_no(console, kb.findings[fid]) for fid in CONTEXT]
    return {
        "age": float(age_text) if age_text.replace(".", "", 1).isdigit() else None,
        "sex": None if sex == "skip" else sex,
        "evidence": evidence,
    }


def start() -> None:
    """Answer a few questions about your twitching and get a readable assessment."""
    console = Console()
    console.print("[bold]twitchcheck[/bold]: make sense of muscle twitching. It informs; it does not diagnose.\n")
    try:
        raw = _questionnaire(console, default_engine().kb)
    except (EOFError, KeyboardInterrupt):
        console.print("\nStopped before the end; nothing was assessed.")
        raise typer.Exit(1) from None
    console.print()
    render_assessment(assess_raw(raw), console)
