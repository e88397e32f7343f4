"""``twitchcheck kb``: check the knowledge base and show its entries."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Annotated, Any

import typer
import yaml
from pydantic import BaseModel
from rich.console import Console

from twitchcheck.cli.errors import fail
from twitchcheck.kb.check import guide_faults, integrity_faults
from twitchcheck.kb.loader import DATA_DIR, KnowledgeBase, read_knowledge_base

app = typer.Typer(help="Check the knowledge base and show its entries.", no_args_is_help=True)


@app.command("check")
def check(
    hpo: Annotated[bool, typer.Option("--hpo/--no-hpo", help="check HPO ids against the hpo3 ontology")] = True,
) -> None:
    """Report every fault at once: schema, references, sources, ranges, contract ids, seed coverage."""
    kb, faults = read_knowledge_base(DATA_DIR)
    if kb is not None:
        from twitchcheck.nlp import lexicon_faults

        faults += integrity_faults(kb, hpo=hpo) + lexicon_faults(kb) + guide_faults(kb)
    console = Console(stderr=bool(faults))
    if kb is not None:
        console.print(
            f"{len(kb.conditions)} conditions, {len(kb.findings)} findings, {len(kb.movements)} movements, "
            f"{len(kb.red_flags)} red-flag rules, {len(kb.tests)} tests, {len(kb.advice)} advice, "
            f"{len(kb.sources)} sources"
        )
    if faults:
        for fault in faults:
            sys.stderr.write(f"FAULT {fault}\n")
        sys.stderr.write(f"twitchcheck: error: {len(faults)} knowledge-base fault(s)\n")
        raise typer.Exit(1)
    console.print("[green]knowledge base OK[/green]")


def find_entry(kb: KnowledgeBase, entry_id: str) -> tuple[str, dict[str, Any]] | None:
    """Look an id up in every catalogue; return (kind, entry as a dict)."""
    catalogues: dict[str, Mapping[str, BaseModel]] = {
        "condition": kb.conditions,
        "finding": kb.findings,
        "movement": kb.movements,
        "test": kb.tests,
        "advice": kb.advice,
        "source": kb.sources,
        "red_flag": {r.id: r for r in kb.red_flags},
    }
    for kind, catalogue in catalogues.items():
        if entry_id in catalogue:
            return kind, catalogue[entry_id].model_dump(exclude_none=True)
    return None


@app.command("show")
def show(
    entry_id: Annotated[str, typer.Argument(help="id of a condition, finding, movement, test, advice, source or rule")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one knowledge-base entry with its sources."""
    kb, faults = read_knowledge_base(DATA_DIR)
    if kb is None:
        fail("kb_invalid", f"the knowledge base cannot be read ({len(faults)} faults)", as_json=as_json)
    found = find_entry(kb, entry_id)
    if found is None:
        fail("not_found", f"no knowledge-base entry with id {entry_id!r}", as_json=as_json, exit_code=1)
    kind, entry = found
    cited = sorted({s for s in _walk_sources(entry) if s in kb.sources})
    if as_json:
        sys.stdout.write(json.dumps({"kind": kind, "entry": entry, "sources": cited}) + "\n")
        return
    console = Console()
    console.print(f"[bold]{kind}[/bold] {entry_id}")
    console.print(yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=100))
    for s in cited:
        src = kb.sources[s]
        console.print(f"[{src.grade}] {s}: {src.title} — {src.url or src.seed}")


def _walk_sources(node: object) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, list):
                out += [v for v in value if isinstance(v, str)]
            else:
                out += _walk_sources(value)
    elif isinstance(node, list):
        for value in node:
            out += _walk_sources(value)
    return out
