"""Properties that must hold for any evidence on the shipped knowledge base (Hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from twitchcheck.engine import Engine
from twitchcheck.engine.evidence import parse_case
from twitchcheck.kb.schema import TRIAGE_ORDER
from twitchcheck.service import default_engine

ENGINE = default_engine()
FINDINGS = sorted(ENGINE.kb.findings.values(), key=lambda f: f.id)
WARNINGS = [f.id for f in FINDINGS if f.group == "warning"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def answer(draw: st.DrawFn) -> dict[str, Any]:
    f = draw(st.sampled_from(FINDINGS))
    state = draw(st.sampled_from(["present", "absent", "unknown"]))
    item: dict[str, Any] = {"id": f.id, "state": state}
    if f.type == "choice" and state != "unknown":
        item["value"] = draw(st.sampled_from(f.values))
    elif f.type == "number" and state != "unknown":
        item["value"] = draw(st.integers(min_value=0, max_value=2000))
    return item


cases = st.fixed_dictionaries(
    {
        "age": st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
        "sex": st.sampled_from([None, "female", "male"]),
        "evidence": st.lists(answer(), max_size=12),
    }
)


def level(result: dict[str, Any]) -> int:
    return TRIAGE_ORDER.index(result["triage"]["level"])


@SETTINGS
@given(cases)
def test_probabilities_sum_to_one(raw: dict[str, Any]) -> None:
    """Causes and movement types each form a probability distribution, sorted highest first."""
    result = ENGINE.assess(raw).to_json_dict()
    for key in ("conditions", "movement"):
        values = [entry["probability"] for entry in result[key]]
        assert sum(values) == pytest.approx(1.0, abs=1e-9)
        assert values == sorted(values, reverse=True)
        assert all(0 <= v <= 1 for v in values)


@SETTINGS
@given(cases, st.sampled_from(WARNINGS))
def test_a_present_red_flag_never_lowers_triage(raw: dict[str, Any], flag: str) -> None:
    """Saying a warning sign is present never gives a less urgent triage than absent or unknown.

    Exact while the reported warning signs and unexplained findings fit the cautious readings (4).
    """
    others = [e for e in raw["evidence"] if e["id"] != flag]
    case = parse_case({"evidence": others}, ENGINE.kb.findings)
    keys = {(i.id, i.state if i.value is None else str(i.value), False) for i in case.evidence}
    assume(len(keys & ENGINE.model.cautious_keys) < ENGINE.kb.policy.cautious_readings)
    present = ENGINE.assess({**raw, "evidence": [*others, {"id": flag, "state": "present"}]}).to_json_dict()
    for state in ("absent", "unknown"):
        other = ENGINE.assess({**raw, "evidence": [*others, {"id": flag, "state": state}]}).to_json_dict()
        assert level(present) >= level(other)


@SETTINGS
@given(cases, st.lists(st.sampled_from(FINDINGS), max_size=6))
def test_unknown_evidence_changes_nothing(raw: dict[str, Any], extra: list) -> None:
    """Adding 'unknown' answers about new findings leaves causes, movement and triage unchanged."""
    known = {e["id"] for e in raw["evidence"]}
    unknowns = [{"id": f.id, "state": "unknown"} for f in extra if f.id not in known]
    before = ENGINE.assess(raw).to_json_dict()
    after = ENGINE.assess({**raw, "evidence": [*raw["evidence"], *unknowns]}).to_json_dict()
    for key in ("conditions", "movement", "triage"):
        assert before[key] == after[key]


def test_engine_is_shared(engine: Engine) -> None:
    """The service hands out one compiled engine per process."""
    assert engine is ENGINE
