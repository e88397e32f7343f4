"""Numbered source markers for a page: each fact points to its sources as [1], [2] ...

A page (a guide page, an Ask answer) creates one ``Citations``, asks it to ``cite`` the source ids
of each fact as it lays the facts out, and ends with ``sources()``, the numbered list the markers
link to. Numbers follow the order in which facts first cite a source, each source gets one number
however often it is cited, and the same page always gets the same numbers. Weak sources (seed
articles, lay pages, AI summaries) are never shown as a fact's support: ``kb check`` makes sure
every fact a page shows has a stronger one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from twitchcheck.kb.base import KnowledgeBase


class Citations:
    """The numbered sources of one page, in order of first citation, without repeats."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._numbers: dict[str, int] = {}

    def strong(self, ids: Iterable[str]) -> list[str]:
        """The known, non-weak source ids among ``ids``, in order and without repeats."""
        sources = self._kb.sources
        return [s for s in dict.fromkeys(ids) if s in sources and not sources[s].weak]

    def cite(self, ids: Iterable[str], limit: int | None = None) -> list[dict[str, Any]]:
        """Markers for one fact: ``{"n", "id", "anchor"}``; ``anchor`` is set where a source is first cited."""
        refs = []
        for sid in self.strong(ids)[:limit]:
            first = sid not in self._numbers
            n = self._numbers.setdefault(sid, len(self._numbers) + 1)
            refs.append({"n": n, "id": sid, "anchor": f"cite-{n}" if first else None})
        return refs

    def sources(self) -> list[dict[str, Any]]:
        """The numbered source list: n, id, title, link, grade and kind, with the marker it links back to."""
        out = []
        for sid, n in self._numbers.items():
            s = self._kb.sources[sid]
            out.append(
                {
                    "n": n,
                    "id": sid,
                    "title": s.title,
                    "url": s.url,
                    "grade": s.grade,
                    "kind": s.kind,
                    "back": f"cite-{n}",
                }
            )
        return out
