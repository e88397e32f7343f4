"""``twitchcheck interview``: the adaptive interview in the terminal, one question at a time.

It can start from a description (--text), asks age and sex, then asks the most useful question
each time until it is confident, and ends with the full assessment. At any question: "d" means
don't know, "?" or "why" shows why it is asked, "b" goes back one question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.prompt import Prompt

from twitchcheck.cli.render import render_assessment
from twitchcheck.cli.simulate_cmd import load_parser
from twitchcheck.engine import EvidenceError
from twitchcheck.engine.assess import assess
from twitchcheck.engine.evidence import MAX_AGE, Case, EvidenceItem, parse_case
from twitchcheck.engine.interview import MAX_QUESTIONS, Question, answer_items, plan, with_answers
from twitchcheck.engine.model import Model
from twitchcheck.service import default_engine

YES = ("y", "yes")
NO = ("n", "no", "none")
DONT_KNOW = ("d", "dk", "don't know", "dont know", "unknown")
WHY = ("?", "why")
BACK = ("b", "back")


class Back(Exception):
    """The person asked to go back one question."""


@dataclass
class Session:
    """The answers so far, and the cases before each question (for going back)."""

    case: Case
    history: list[tuple[Question, Case]] = field(default_factory=list)


def _ask(console: Console, prompt: str, question: Question) -> str:
    """Read an answer; show the rationale on "?" and raise Back on "b"."""
    while True:
        raw = Prompt.ask(escape(prompt), console=console).strip().lower()
        if raw in WHY:
            console.print(f"[italic]{escape(question.rationale)}[/italic]")
        elif raw in BACK:
            raise Back
        elif raw:
            return raw


def _answer(console: Console, question: Question) -> list[EvidenceItem]:
    """Ask one question and turn the reply into evidence items."""
    console.print(f"[bold]{escape(question.text)}[/bold]")
    if question.type == "yes_no":
        while True:
            raw = _ask(console, "[y]es / [n]o / [d]on't know / [?] why / [b]ack", question)
            state = "present" if raw in YES else "absent" if raw in NO else "unknown" if raw in DONT_KNOW else None
            if state is not None:
                return answer_items(question, state)
            console.print("Please answer y, n or d.")
    options = list(question.options or ())
    for number, option in enumerate(options, start=1):
        console.print(f"  {number}. {escape(str(option['label']))}")
    if question.type == "single":
        while True:
            raw = _ask(console, "Choose a number, [d]on't know, [?] why or [b]ack", question)
            if raw in DONT_KNOW:
                return answer_items(question, "unknown")
            if raw.isdigit() and 1 <= int(raw) <= len(options):
                return answer_items(question, str(options[int(raw) - 1]["id"]))
            console.print(f"Please choose a number from 1 to {len(options)}.")
    while True:
        raw = _ask(console, "Numbers of any you have (e.g. 1,3), [n]one, [d]on't know, [?] why or [b]ack", question)
        if raw in NO:
            return answer_items(question, "absent")
        if raw in DONT_KNOW:
            return answer_items(question, "unknown")
        picked = {p for p in raw.replace(" ", "").split(",") if p}
        if picked and all(p.isdigit() and 1 <= int(p) <= len(options) for p in picked):
            chosen = {str(options[int(p) - 1]["id"]) for p in picked}
            return answer_items(question, {fid: "present" if fid in chosen else "absent" for fid in question.findings})
        console.print(f"Please give numbers from 1 to {len(options)}, n or d.")


def _age_sex(console: Console, age: float | None, sex: str | None) -> tuple[float | None, str | None]:
    while age is None:
        raw = Prompt.ask("Your age in years (blank to skip)", default="", console=console).strip()
        if not raw:
            break
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if 0 <= value <= MAX_AGE:
            age = value
        else:
            console.print(f"Please give a number from 0 to {MAX_AGE}, or leave it blank.")
    if sex is None:
        answer = Prompt.ask("Sex", choices=["female", "male", "skip"], default="skip", console=console)
        sex = None if answer == "skip" else answer
    return age, sex


def _from_text(console: Console, model: Model, text: str) -> tuple[list[EvidenceItem], float | None, str | None]:
    """Evidence read from the description."""
    parser = load_parser()
    parsed = parser(text, model.kb)
    case = parse_case({"evidence": parsed["evidence"]}, model.kb.findings, default_source="parsed")
    for item in case.evidence:
        answer = {"present": "yes", "absent": "no", "unknown": "don't know"}[item.state]
        value = f" ({item.value})" if item.value is not None else ""
        console.print(f"  understood: {escape(model.kb.findings[item.id].name)}: {answer}{value}")
    return list(case.evidence), parsed.get("age"), parsed.get("sex")


def _run(console: Console, model: Model, session: Session) -> str:
    """Ask questions until the interview stops; returns why it stopped."""
    while True:
        step = plan(model, session.case, asked=len(session.history))
        if step.should_stop or step.question is None:
            return step.reason
        console.print(f"\n[dim]Question {len(session.history) + 1} of at most {MAX_QUESTIONS}[/dim]")
        try:
            items = _answer(console, step.question)
        except Back:
            if session.history:
                session.case = session.history.pop()[1]
            else:
                console.print("This is the first question.")
            continue
        session.history.append((step.question, session.case))
        session.case = with_answers(session.case, items)


def interview(
    text: Annotated[str | None, typer.Option("--text", help="start from a description in your own words")] = None,
    age: Annotated[float | None, typer.Option("--age", help="age in years")] = None,
    sex: Annotated[str | None, typer.Option("--sex", help="female or male")] = None,
) -> None:
    """Answer questions one at a time about your twitching, then get a full assessment."""
    console = Console()
    model = default_engine().model
    console.print("[bold]twitchcheck[/bold]: make sense of muscle twitching. It informs; it does not diagnose.")
    console.print("Answer each question; d = don't know, ? = why it is asked, b = back.\n")
    try:
        evidence, text_age, text_sex = _from_text(console, model, text) if text else ([], None, None)
        age, sex = _age_sex(console, age if age is not None else text_age, sex if sex is not None else text_sex)
        case = parse_case({"age": age, "sex": sex, "evidence": []}, model.kb.findings)
        session = Session(Case(tuple(evidence), case.age, case.sex))
        reason = _run(console, model, session)
    except EvidenceError as exc:
        console.print(f"twitchcheck: error: {exc}")
        raise typer.Exit(2) from None
    except (EOFError, KeyboardInterrupt):
        console.print("\nStopped before the end; nothing was assessed.")
        raise typer.Exit(1) from None
    console.print(f"\n[dim]Done after {len(session.history)} questions: {escape(reason)}.[/dim]\n")
    render_assessment(assess(model, session.case), console)
