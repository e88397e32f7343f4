"""The reading pipeline: spaCy tokens, the phrase matcher and medspacy's ConText, built once per KB.

spaCy and medspacy are imported only when the first text is read, so importing twitchcheck stays fast.
ConText's scopes are narrowed by one general rule for lay run-on sentences: a modifier reaches past a
comma or "and" only along a list ("no weakness, numbness or tingling"), never into a new clause
("no weakness and my calf twitches").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twitchcheck.kb.cache import cached
from twitchcheck.kb.loader import KnowledgeBase
from twitchcheck.nlp import lexicon, matcher
from twitchcheck.nlp.imports import import_reader_libraries
from twitchcheck.nlp.lexicon import LEXICON_PATH, ContextRule, Lexicon
from twitchcheck.nlp.matcher import Match, Normaliser, PhraseTrie, TargetDef, build_trie, resolve


@dataclass
class Target:
    """A matched phrase with the ConText modifiers that reach it."""

    match: Match
    start_char: int
    end_char: int
    text: str
    sent: int
    modifiers: list[tuple[str, str, tuple[int, int]]] = field(default_factory=list)
    doc: Any = None

    def categories(self, ignore_family: frozenset[str] = frozenset()) -> set[str]:
        """The modifier categories, leaving out family words that name the patient."""
        return {cat for cat, words, _ in self.modifiers if not (cat == "FAMILY" and words in ignore_family)}


@dataclass
class Reading:
    """One text, tokenised, with its targets in order."""

    doc: Any
    words: list[str]
    targets: list[Target]


class Reader:
    """Reads text into targets with their ConText modifiers; build it once, then call ``read``."""

    def __init__(self, kb: KnowledgeBase, lex: Lexicon) -> None:
        spacy, ConText, ConTextRule = import_reader_libraries()

        self.kb, self.lex = kb, lex
        self.nlp = spacy.blank("en")
        words = lex.grammar
        self.sentencizer = self.nlp.add_pipe("sentencizer", config={"punct_chars": list(words.sentence_ends)})
        self.first_person, self.list_glue = frozenset(words.first_person), frozenset(words.list_glue)
        self.prepositions, self.max_lead = frozenset(words.prepositions), words.list_lead_max
        self.norm = Normaliser(dict(lex.spelling))
        self.trie = self._phrases(kb, lex, spacy)
        self.glue = frozenset(self.norm.phrase(self.nlp.tokenizer, " ".join(lex.glue_words))) | {",", "-", "/", "&"}
        self.soft = frozenset(lex.soft_breaks) | {"and", "or", "nor"}
        self.hard = frozenset(lex.hard_breaks)
        self.context = ConText(
            self.nlp, rules=None, phrase_matcher_attr="NORM", prune_on_target_overlap=True, span_attrs=None
        )
        self.context.add([self._rule(rule, ConTextRule) for rule in lex.context_rules])

    def _phrases(self, kb: KnowledgeBase, lex: Lexicon, spacy: Any) -> PhraseTrie:
        """The phrase trie, kept compiled in the cache (``kb.cache``) while its sources and spaCy stay the same.

        Tokenising every phrase of the knowledge base and the lexicon (about 5,000) is most of the time
        it takes to build the reader.
        """
        sources = [LEXICON_PATH, kb.root / "findings.yaml"]
        code = [Path(matcher.__file__), Path(lexicon.__file__), Path(spacy.__file__).parent / "about.py"]
        return cached("phrases", sources, code, lambda: build_trie(kb, lex, self.nlp.tokenizer, self.norm))

    def _rule(self, rule: ContextRule, rule_class: Callable[..., Any]) -> Any:
        words = self.norm.phrase(self.nlp.tokenizer, rule.phrase)
        scoped = rule.direction in ("FORWARD", "BACKWARD", "BIDIRECTIONAL")
        return rule_class(
            literal=rule.phrase,
            category=rule.category,
            direction=rule.direction,
            pattern=[{"NORM": w} for w in words],
            allowed_types=set(rule.kinds) if rule.kinds else None,
            max_scope=rule.max_scope,
            on_modifies=self._scope_check(rule.category) if scoped else None,
        )

    def _scope_check(self, category: str) -> Callable[[Any, Any, Any], bool]:
        """ConText's on_modifies: cross a comma or "and" only along a list of findings."""

        def check(target: Any, modifier: Any, _between: Any) -> bool:
            doc = target.doc
            forward = target.start >= modifier.end
            gap = range(modifier.end, target.start) if forward else range(target.end, modifier.start)
            segments: list[list[str | None]] = [[]]
            breaks: list[str] = []
            for i in gap:
                token = doc[i]
                if token.ent_iob_ != "O":
                    segments[-1].append(None)
                    continue
                word = token.norm_
                if word in self.hard:
                    return False
                if word in self.soft:
                    segments.append([])
                    breaks.append(word)
                    continue
                if category == "FAMILY" and word in self.first_person:
                    return False
                segments[-1].append(word)
            lead = segments[0] if forward else segments[-1]
            near_break = breaks[0] if forward and breaks else breaks[-1] if breaks else None
            if near_break == "," and None not in lead:
                # A comma list is crossed only from a finding ("no weakness, numbness or tingling"); after
                # anything else ("didn't answer me, bit his tongue") the modifier stays in its clause.
                return False
            tails = segments[1:] if forward else segments[:-1]
            for seg in tails:
                for j, w in enumerate(seg):
                    if (
                        w is None
                        or w in self.glue
                        or (w in self.first_person and j and seg[j - 1] in self.prepositions)
                    ):
                        continue
                    return False
            return len(lead) <= self.max_lead

        return check

    def _list_locations(self, doc: Any, matches: list[Match]) -> list[Match]:
        """Add words that are body parts only in a list of body parts ("arms, legs and back")."""
        covered = {i for m in matches for i in range(m.start, m.end)}
        extra = []
        for m in matches:
            if not any(d.kind == "LOCATION" for d in m.defs):
                continue
            i = m.end
            while i < len(doc) and i - m.end < 2 and doc[i].norm_ in self.list_glue:
                i += 1
            if i > m.end and i < len(doc) and i not in covered and doc[i].norm_ in self.lex.list_locations:
                extra.append(Match(i, i + 1, [TargetDef("LOCATION", self.lex.list_locations[doc[i].norm_])]))
                covered.add(i)
        return sorted(matches + extra, key=lambda m: m.start) if extra else matches

    def read(self, text: str) -> Reading:
        """Tokenise, match phrases, run ConText; return the targets with their modifiers."""
        from spacy.tokens import Span

        doc = self.nlp.make_doc(text)
        self.sentencizer(doc)
        words: list[str] = []
        owners: list[int] = []
        for token in doc:
            if token.is_space:
                continue
            normal = self.norm.words(token.norm_)
            token.norm_ = normal[0]
            words.extend(normal)
            owners.extend([token.i] * len(normal))
        matches = self._list_locations(doc, resolve(self.trie.find(words, owners)))
        doc.ents = [Span(doc, m.start, m.end, label=m.kind) for m in matches]
        self.context(doc)
        sent_of = {}
        for number, sent in enumerate(doc.sents):
            sent_of.update(dict.fromkeys(range(sent.start, sent.end), number))
        targets = []
        for m, ent in zip(matches, doc.ents, strict=True):
            mods = [
                (mod.category, " ".join(doc[i].norm_ for i in range(*mod.modifier_span)), mod.modifier_span)
                for mod in ent._.modifiers
            ]
            targets.append(Target(m, ent.start_char, ent.end_char, ent.text, sent_of.get(m.start, 0), mods, doc))
        return Reading(doc, words, targets)
