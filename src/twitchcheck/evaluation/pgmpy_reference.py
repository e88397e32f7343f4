"""The same Bayesian network in pgmpy, as an independent reference for the engine's differential.

Condition -> Movement -> each movement-level finding; Condition -> each condition-level finding.
Exact inference by variable elimination must give the engine's P(condition | evidence). pgmpy is
a development dependency (tests and benchmarks only).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from twitchcheck.engine.evidence import Case
from twitchcheck.engine.model import Model, outcome_of
from twitchcheck.kb.schema import age_band


def build_network(model: Model, case: Case) -> Any:
    """A pgmpy DiscreteBayesianNetwork of the model, with the prior adjusted for this case's age and sex."""
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    conditions = list(model.condition_ids)
    movements = list(model.movement_ids)
    prior = model.log_prior.copy()
    if case.age is not None:
        prior += model.log_age[age_band(case.age)]
    if case.sex is not None:
        prior += model.log_sex[case.sex]
    prior = np.exp(prior - prior.max())
    prior /= prior.sum()

    edges = [("C", "M")]
    cpds = [
        TabularCPD("C", len(conditions), prior.reshape(-1, 1), state_names={"C": conditions}),
        TabularCPD(
            "M",
            len(movements),
            model.movement_given_condition.T,
            evidence=["C"],
            evidence_card=[len(conditions)],
            state_names={"M": movements, "C": conditions},
        ),
    ]
    for finding in model.kb.findings.values():
        outcomes = finding.values
        if finding.level == "condition":
            table = np.array([np.exp(model.condition_rows[(finding.id, o)]) for o in outcomes])
            parent, parent_states = "C", conditions
        else:
            table = np.array([np.exp(model.movement_rows[(finding.id, o)]) for o in outcomes])
            parent, parent_states = "M", movements
        edges.append((parent, finding.id))
        cpds.append(
            TabularCPD(
                finding.id,
                len(outcomes),
                table / table.sum(axis=0, keepdims=True),
                evidence=[parent],
                evidence_card=[len(parent_states)],
                state_names={finding.id: outcomes, parent: parent_states},
            )
        )
    network = DiscreteBayesianNetwork(edges)
    network.add_cpds(*cpds)
    return network


def pgmpy_evidence(model: Model, case: Case) -> dict[str, str]:
    """The case's answers as pgmpy evidence (negated choice answers are not expressible and are skipped)."""
    out = {}
    for item in case.evidence:
        selected = outcome_of(item, model.kb.findings[item.id])
        if selected is not None and not selected[1]:
            out[item.id] = selected[0]
    return out


def reference_differential(model: Model, case: Case, network: Any | None = None) -> dict[str, float]:
    """P(condition | evidence) computed by pgmpy's VariableElimination."""
    from pgmpy.inference import VariableElimination

    network = network if network is not None else build_network(model, case)
    factor = VariableElimination(network).query(["C"], evidence=pgmpy_evidence(model, case), show_progress=False)
    return dict(zip(factor.state_names["C"], (float(v) for v in factor.values), strict=True))
