"""Where a ConText modifier reaches, adjusted for how people write.

medspacy's ConText decides negation, uncertainty, family and history; these functions correct its scope
for patterns of lay writing: a negated verb belongs to its object ("don't drink coffee"), "can't" before a
body part denies the action, not the place, a statement that something is fine is not flipped by an
earlier negation, and a relative's finding carries on along its clause.
"""

from __future__ import annotations

from twitchcheck.nlp.lexicon import Lexicon
from twitchcheck.nlp.pipeline import Reading, Target


def verb_objects(reading: Reading, fillers: frozenset[str], verbs: frozenset[str]) -> None:
    """In "don't drink coffee" the negated verb ("don't drink": no alcohol) belongs to its object.

    ``verbs`` are the lexicon's ``grammar.verbs_with_object``.
    """
    keep: list[Target] = []
    targets = reading.targets
    for k, target in enumerate(targets):
        last = reading.doc[target.match.end - 1].norm_
        nxt = targets[k + 1] if k + 1 < len(targets) else None
        if (
            nxt is not None
            and last in verbs
            and nxt.match.kind in ("SUBSTANCE", "MEDICINE", "TRIGGER")
            and {d.id for d in nxt.match.defs}.isdisjoint(d.id for d in target.match.defs)
            and all(reading.doc[i].norm_ in fillers for i in range(target.match.end, nxt.match.start))
            and (any(d.absent for d in target.match.defs) or target.match.kind in ("SUBSTANCE", "TRIGGER"))
        ):
            if any(d.absent for d in target.match.defs):
                nxt.modifiers.append(("NEGATED_EXISTENCE", target.text.lower(), (target.match.start, target.match.end)))
            continue
        keep.append(target)
    reading.targets[:] = keep


def statement_negations(reading: Reading, breaks: frozenset[str]) -> None:
    """A statement that something is fine keeps its meaning: "No swelling in my legs, walking is fine".

    A phrase that says a finding is absent ("walking is fine") is flipped by a negation only within its
    own part of the sentence ("I'm not sleeping well"), not by one before a comma or "and" (``breaks``: the
    lexicon's ``grammar.clause_breaks``).
    """
    doc = reading.doc
    for target in reading.targets:
        if not any(d.absent for d in target.match.defs):
            continue
        target.modifiers = [
            m
            for m in target.modifiers
            if not (
                m[0] == "NEGATED_EXISTENCE"
                and m[2][1] <= target.match.start
                and any(doc[i].norm_ in breaks for i in range(m[2][1], target.match.start))
            )
        ]


def modal_negations(reading: Reading, abilities: frozenset[str], modals: frozenset[str]) -> None:
    """Can't bend my arms, couldn't move my legs: the body part is there; what it cannot do is the news.

    A "not" right after can/could negates the action, not the place, so it is dropped from body parts; and
    for findings that are an inability ("couldn't swallow", "can't breathe properly") it is what they say.
    """
    doc = reading.doc
    for target in reading.targets:
        if target.match.kind != "LOCATION" and not any(d.id in abilities for d in target.match.defs):
            continue
        target.modifiers = [
            m
            for m in target.modifiers
            if not (m[0] == "NEGATED_EXISTENCE" and m[2][0] > 0 and doc[m[2][0] - 1].norm_ in modals)
        ]


def family_clauses(reading: Reading, cats: list[set[str]], family_ids: frozenset[str], lex: Lexicon) -> None:
    """A relative's finding carries on along its clause: "my dad's hands shake when he holds a cup"."""
    clause_ends = set(lex.grammar.clause_breaks) - {",", "or", "and"}  # a list goes on past these
    writer = set(lex.grammar.first_person) - {"mine"}  # "my dad's ... and my hands": the writer's own
    for k in range(1, len(reading.targets)):
        prev, here = reading.targets[k - 1], reading.targets[k]
        family_prev = "FAMILY" in cats[k - 1] or any(d.id in family_ids for d in prev.match.defs)
        mapped = any(d.id in lex.family_findings or d.family for d in here.match.defs)
        if not family_prev or not mapped or prev.sent != here.sent:
            continue
        gap = [reading.doc[i].norm_ for i in range(prev.match.end, here.match.start)]
        if not set(gap) & clause_ends and not set(gap) & writer:
            cats[k].add("FAMILY")
            if "NEGATED_EXISTENCE" in cats[k - 1]:
                cats[k].add("NEGATED_EXISTENCE")
