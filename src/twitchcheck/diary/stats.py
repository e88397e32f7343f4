"""Small statistics for a personal diary: rate ratios with confidence intervals and a count trend.

Daily episode counts are over-dispersed counts (some days many, most days few), so comparisons use
a quasi-Poisson model: for two groups of days (with and without a factor, before and after a
change) the rate ratio is the ratio of the mean counts, and its 95 % confidence interval comes from
the Poisson standard error inflated by the Pearson dispersion (never below 1). This is exactly the
log-link GLM with one binary predictor and ``scale="X2"`` (statsmodels), in closed form, so it is
fast enough for ten years of days. The trend is the same model with time as the predictor, fitted
by iteratively reweighted least squares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Z95 = 1.959963984540054


@dataclass(frozen=True)
class RateRatio:
    """Episodes per day in one group of days relative to another, with its 95 % CI and p-value."""

    mean_a: float
    mean_b: float
    ratio: float
    low: float
    high: float
    p_value: float
    dispersion: float

    @property
    def clear(self) -> bool:
        """Whether the interval excludes 1 (no difference)."""
        return self.low > 1 or self.high < 1


def _p_two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def rate_ratio(a: NDArray[np.float64], b: NDArray[np.float64]) -> RateRatio:
    """Rate ratio of mean counts a/b (quasi-Poisson CI); 0.5 is added to a zero total."""
    n_a, n_b = len(a), len(b)
    s_a, s_b = float(a.sum()), float(b.sum())
    mean_a, mean_b = s_a / n_a, s_b / n_b
    if s_a == 0 or s_b == 0:
        s_a, s_b = s_a + 0.5, s_b + 0.5
    chi2 = 0.0
    for values, mean in ((a, mean_a), (b, mean_b)):
        if mean > 0:
            chi2 += float(((values - mean) ** 2).sum() / mean)
    dof = max(n_a + n_b - 2, 1)
    dispersion = max(1.0, chi2 / dof)
    log_ratio = math.log((s_a / n_a) / (s_b / n_b))
    se = math.sqrt(dispersion * (1 / s_a + 1 / s_b))
    return RateRatio(
        mean_a=mean_a,
        mean_b=mean_b,
        ratio=math.exp(log_ratio),
        low=math.exp(log_ratio - Z95 * se),
        high=math.exp(log_ratio + Z95 * se),
        p_value=_p_two_sided(log_ratio / se),
        dispersion=dispersion,
    )


@dataclass(frozen=True)
class Trend:
    """How the daily count changes over time: the rate ratio per ``per_days`` days, with its 95 % CI."""

    per_days: int
    ratio: float
    low: float
    high: float
    p_value: float

    @property
    def direction(self) -> str:
        """'rising', 'falling' or 'stable' (when the interval includes no change)."""
        if self.low > 1:
            return "rising"
        if self.high < 1:
            return "falling"
        return "stable"


def poisson_trend(counts: NDArray[np.float64], per_days: int = 30) -> Trend | None:
    """Quasi-Poisson regression of daily counts on time; None with too few days or no episodes."""
    n = len(counts)
    if n < 7 or counts.sum() == 0:
        return None
    t = np.arange(n, dtype=float) / per_days
    t -= t.mean()
    design = np.column_stack([np.ones(n), t])
    beta = np.array([math.log(counts.mean()), 0.0])
    for _ in range(50):
        mu = np.exp(np.clip(design @ beta, -30, 30))
        z = design @ beta + (counts - mu) / mu
        weighted = design * mu[:, None]
        step = np.linalg.solve(design.T @ weighted, weighted.T @ z)
        if np.max(np.abs(step - beta)) < 1e-10:
            beta = step
            break
        beta = step
    mu = np.exp(np.clip(design @ beta, -30, 30))
    dispersion = max(1.0, float(((counts - mu) ** 2 / mu).sum()) / max(n - 2, 1))
    cov = np.linalg.inv(design.T @ (design * mu[:, None])) * dispersion
    slope, se = float(beta[1]), math.sqrt(float(cov[1, 1]))
    return Trend(
        per_days=per_days,
        ratio=math.exp(slope),
        low=math.exp(slope - Z95 * se),
        high=math.exp(slope + Z95 * se),
        p_value=_p_two_sided(slope / se) if se > 0 else 1.0,
    )
