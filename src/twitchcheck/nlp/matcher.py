"""Phrase matching: every lay phrase of the knowledge base and the lexicon, found in normalised tokens.

Words are normalised the same way in the phrases and in the text (lower case, contractions expanded,
misspellings corrected, plural "s" dropped). A phrase may skip filler words in the text ("base of thumb"
matches "base of my thumb"). Where matches overlap the longest wins; ConText modifier phrases and stop
phrases take part, so "worried about" (a fear) beats "worried" (stress) and "protein shake" is no shaking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.nlp.lexicon import Kind, Lexicon, Substance

MAX_SKIPPED = 3
CACHE_LIMIT = 50_000


@dataclass(frozen=True)
class TargetDef:
    """What a matched phrase means: a finding (or disease, group, ...) of some kind."""

    kind: Kind | str
    id: str
    value: str | None = None
    absent: bool = False
    name: str | None = None
    substance: Substance | None = None
    family: str | None = None
    ids: tuple[str, ...] = ()


@dataclass
class Match:
    """A span of tokens [start, end) and everything it means."""

    start: int
    end: int
    defs: list[TargetDef]

    @property
    def kind(self) -> str:
        """The kind of the first meaning (all meanings of a phrase nearly always share a kind)."""
        return str(self.defs[0].kind)


def singular(word: str) -> str:
    """A crude singular, applied alike to phrases and text ("twitches" -> "twitch", "calves" -> "calve")."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is", "'s")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    return word[:-1]


@dataclass
class Normaliser:
    """Turns spaCy tokens into the words phrases are matched on."""

    spelling: dict[str, str]
    cache: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def words(self, norm: str) -> tuple[str, ...]:
        """The normalised word(s) for one token's spaCy NORM (a misspelling may stand for two words)."""
        hit = self.cache.get(norm)
        if hit is None:
            fixed = self.spelling.get(norm, norm)
            hit = tuple(singular(w) for w in fixed.split()) or (norm,)
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            self.cache[norm] = hit
        return hit

    def phrase(self, tokenizer: Callable[[str], Any], phrase: str) -> list[str]:
        """The normalised words of a phrase; hyphens are dropped (they may be skipped in the text)."""
        out: list[str] = []
        for token in tokenizer(phrase.lower()):
            if token.is_space or token.text == "-":
                continue
            out.extend(self.words(token.norm_))
        return out


class PhraseTrie:
    """Phrases as a word trie; ``find`` walks it from every word of the text."""

    def __init__(self, fillers: Iterable[str]) -> None:
        self.root: dict[str, Any] = {}
        self.fillers = frozenset(fillers)

    def add(self, words: list[str], target: TargetDef) -> None:
        """Add a phrase (already normalised) with one of its meanings."""
        if not words:
            return
        node = self.root
        for word in words:
            node = node.setdefault(word, {})
        bucket = node.setdefault("", [])
        if target not in bucket:
            bucket.append(target)

    def find(self, words: list[str], owners: list[int]) -> list[Match]:
        """All phrase matches; ``owners[i]`` is the token index of word i. Spans are in tokens."""
        found: list[Match] = []
        for i, first in enumerate(words):
            start = self.root.get(first)
            stack = [(start, i)] if start is not None else []
            while stack:
                node, j = stack.pop()
                if "" in node:
                    found.append(Match(owners[i], owners[j] + 1, node[""]))
                for k in range(j + 1, min(len(words), j + 2 + MAX_SKIPPED)):
                    nxt = node.get(words[k])
                    if nxt is not None:
                        stack.append((nxt, k))
                    if words[k] not in self.fillers:
                        break
        return found


def resolve(matches: list[Match]) -> list[Match]:
    """Keep the longest of overlapping matches; on equal length a target beats a modifier or stop phrase."""

    def rank(m: Match) -> tuple[int, int, int]:
        blocker = all(d.kind in ("MODIFIER", "STOP") for d in m.defs)
        return (-(m.end - m.start), int(blocker), m.start)

    taken: list[Match] = []
    used: set[int] = set()
    for m in sorted(matches, key=rank):
        span = set(range(m.start, m.end))
        if span & used:
            continue
        used |= span
        taken.append(m)
    return sorted((m for m in taken if m.kind not in ("MODIFIER", "STOP")), key=lambda m: m.start)


def _kind(kb: KnowledgeBase, fid: str) -> Kind:
    """The target kind of a yes/no finding: its body part, trigger or medicine group, else a symptom."""
    if fid == "multiple_sites":
        return "SYMPTOM"
    if fid == "new_medicine":
        return "TRIGGER"
    group = kb.findings[fid].group
    if group == "location":
        return "LOCATION"
    if group == "trigger":
        return "TRIGGER"
    if group == "medicine":
        return "MEDICINE"
    return "SYMPTOM"


def _finding_phrases(kb: KnowledgeBase, lex: Lexicon) -> Iterator[tuple[str, TargetDef]]:
    """The yes/no findings' phrases: synonyms in findings.yaml and the lexicon, and absent phrases."""
    substance_phrases = {(p, s.finding) for s in lex.substances for p in s.phrases}
    for fid, finding in kb.findings.items():
        if finding.type != "boolean":
            continue
        ignored = set(lex.ignore_synonyms.get(fid, []))
        kind = _kind(kb, fid)
        for phrase in [*finding.synonyms, *lex.findings.get(fid, [])]:
            if phrase not in ignored and (phrase, fid) not in substance_phrases:
                yield phrase, TargetDef(kind, fid, name=phrase if kind == "MEDICINE" else None)
    for fid, phrases in lex.absent_phrases.items():
        yield from ((phrase, TargetDef(_kind(kb, fid), fid, absent=True)) for phrase in phrases)


def _other_phrases(lex: Lexicon) -> Iterator[tuple[str, TargetDef]]:
    """Choices, medicine names, substances, diseases, groups, stop phrases and ConText modifier phrases."""
    for fid, options in lex.choices.items():
        for option, phrases in options.items():
            yield from ((phrase, TargetDef("CHOICE", fid, value=option)) for phrase in phrases)
    # "Getting worse" without a pace: the parser reads the pace from the duration.
    yield from ((phrase, TargetDef("CHOICE", "course")) for phrase in lex.worsening.phrases)
    yield from ((name, TargetDef("MEDICINE", cls, name=name)) for name, cls in lex.medicines.items())
    for sub in lex.substances:
        yield from ((p, TargetDef("SUBSTANCE", sub.finding, name=sub.name, substance=sub)) for p in sub.phrases)
    for disease in lex.diseases:
        yield from (
            (p, TargetDef("DISEASE", disease.name, value=disease.condition, family=disease.family))
            for p in disease.phrases
        )
    yield from ((p, TargetDef("GROUP", p, ids=tuple(ids))) for p, ids in lex.negated_groups.items())
    yield from ((p, TargetDef("STOP", p)) for p in lex.stop_phrases)
    yield from ((rule.phrase, TargetDef("MODIFIER", rule.phrase)) for rule in lex.context_rules)


def build_trie(kb: KnowledgeBase, lex: Lexicon, tokenizer: Callable[[str], Any], norm: Normaliser) -> PhraseTrie:
    """Every phrase the parser knows, from findings.yaml and the lexicon."""
    trie = PhraseTrie(norm.phrase(tokenizer, " ".join(w for w in lex.filler_words if w != "-")))
    trie.fillers = trie.fillers | {"-"}
    for phrase, target in [*_finding_phrases(kb, lex), *_other_phrases(lex)]:
        trie.add(norm.phrase(tokenizer, phrase), target)
    return trie
