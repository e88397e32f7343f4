"""Human-readable output with Rich: triage first, then movement, causes, why, tests, advice."""

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
        body.append("First check: if any of these applies, this advice does not (see a doctor):\n", style="bold")
        body.append("".join(f"  ? {name}\n" for name in names))
    for reason in triage.reasons:
        body.append(f"• {reason}\n")
    console.print(Panel(body, title=f"What to do ({triage.level})", border_style=style.split()[-1]))

    top_movement = result.movement[0]
    line = f"Kind of movement: [bold]{top_movement.name}[/bold] ({top_movement.probability:.0%})"
    if top_movement.reasons:
        line += " because " + "; ".join(top_movement.reasons).lower()
    console.print(line)

    table = Table(title="Possible causes", show_lines=False)
    table.add_column("Cause")
    table.add_column("Chance", justify="right")
    table.add_column("", style="dim")
    table.add_column("Why")
    for c in [c for c in result.conditions if c.probability >= 0.01][:8]:
        why = [f"+ {e.text}" for e in c.for_[:2]] + [f"- {e.text}" for e in c.against[:2]]
        table.add_row(c.lay_name, f"{c.probability:.0%}", c.label, "\n".join(why))
    console.print(table)

    if result.tests:
        tests = Group(*[Text(f"• {t.name}: {t.why}") for t in result.tests])
        console.print(Panel(tests, title="Tests a doctor may order"))
    if result.advice:
        console.print(Panel(Group(*[Text(f"• {a.text}") for a in result.advice]), title="What helps"))
    console.print(Panel(Group(*[Text(f"• {s}") for s in result.safety_net]), title="Safety net", border_style="yellow"))
    console.print(Text(result.uncertainty, style="italic"))
    console.print(Text(result.disclaimer, style="dim"))
