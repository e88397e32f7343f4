"""Human-readable output with Rich, in the result page's order.

First the answer: what to do and by when, what it most likely is with the harmless causes' combined
chance, each feared disease answered, the safety net's most urgent lines. Then the details: causes and
why (with what was read but changed nothing), the kind of movement, tests, what helps, the whole safety net.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from twitchcheck.engine.result import Assessment

MAX_LINES = 6  # advice and safety-net lines shown in the terminal; --json has them all
TRIAGE_STYLE = {
    "self_care": "green",
    "routine": "cyan",
    "soon": "yellow",
    "urgent": "bold red",
    "emergency": "bold white on red",
}


def render_assessment(result: Assessment, console: Console | None = None) -> None:
    """Print an assessment for a person to read."""
    console = console or Console()
    triage = result.triage
    style = TRIAGE_STYLE[triage.level]
    body = Text()
    body.append(f"{triage.label}\n", style=style)
    body.append(f"{triage.time_frame}\n")
    body.append(f"Who to see: {triage.clinician_name}\n")
    if triage.unasked_warning_signs:
        from twitchcheck.service import default_engine

        findings = default_engine().kb.findings
        names = [findings[f].name for f in triage.unasked_warning_signs if f in findings]
        body.append("First check, not yet answered: if any of these applies, see a doctor", style="bold")
        body.append(f"{' sooner' if triage.level != 'self_care' else ''}: {'; '.join(names)}.\n")
    console.print(Panel(body, title=f"What to do ({triage.level})", border_style=style.split()[-1]))

    first = result.first_screen
    answer = Text()
    answer.append(f"{first.most_likely}\n", style="bold")
    if first.harmless:
        answer.append(f"{first.harmless}\n")
    console.print(Panel(answer, title="What it most likely is"))
    if result.worries:
        worries = Group(*[Text(f"• {w.text}") for w in result.worries])
        console.print(Panel(worries, title="What you are worried about", border_style="green"))
    console.print(Panel(Group(*[Text(f"• {s}") for s in first.safety_net]), title="Get help if", border_style="yellow"))

    _render_details(result, console)


def _render_details(result: Assessment, console: Console) -> None:
    """Below the answer: why, every cause, what was read but changed nothing, tests, advice, the rest."""
    first = result.first_screen
    console.rule("The details")
    for reason in result.triage.reasons:
        console.print(f"• {reason}")
    table = Table(title="Possible causes", show_lines=False)
    table.add_column("Cause")
    table.add_column("Chance", justify="right")
    table.add_column("", style="dim")
    table.add_column("Why")
    for c in [c for c in result.conditions if c.probability >= 0.01][:8]:
        why = [f"+ {e.text}" for e in c.for_[:2]] + [f"- {e.text}" for e in c.against[:2]]
        table.add_row(c.lay_name, f"{c.probability:.0%}", c.label, "\n".join(why))
    console.print(table)
    if first.also_read:
        console.print("Also read, but it changed nothing: " + "; ".join(a.text for a in first.also_read))

    top_movement = result.movement[0]
    line = f"Kind of movement: [bold]{top_movement.name}[/bold] ({top_movement.probability:.0%})"
    if top_movement.reasons:
        line += " because of " + "; ".join(top_movement.reasons)
    console.print(line)

    if result.tests:
        tests = Group(*[Text(f"• {t.name}: {t.why}") for t in result.tests])
        console.print(Panel(tests, title="Tests a doctor may order"))
    if result.advice:
        console.print(Panel(Group(*[Text(f"• {a.text}") for a in result.advice]), title="What helps"))
    rest = result.safety_net[len(first.safety_net) :]
    if rest:
        console.print(
            Panel(Group(*[Text(f"• {s}") for s in rest]), title="More of the safety net", border_style="yellow")
        )
    console.print(Text(result.uncertainty, style="italic"))
    console.print(Text(result.disclaimer, style="dim"))
