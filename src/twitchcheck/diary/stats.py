"""Small statistics for a personal diary: rate ratios with confidence intervals and a count trend.

Daily episode counts are over-dispersed counts (some days many, most days few), so comparisons use
a quasi-Poisson model: for two groups of days (with and without a factor, before and after a
change) the rate ratio is the ratio of the mean counts, and its 95 % confidence interval comes from
the Poisson standard error inflated by the Pearson dispersion (never below 1). This is exactly the
log-link GLM with one binary predictor and ``scale="X2"`` (statsmodels), in closed form, so it is
fast enough for ten years of days. The trend is the same model with time as the predictor, fitted
by iteratively reweighted least squares.

A personal diary is often thin or uneven (a week of nothing, then a burst; a factor whose days had
no episodes at all). Such data cannot support an estimate, and a number printed anyway would
mislead (a "rate ratio of 191,680"). So an estimate is given only when the fit converged and the
result is *sane*: finite, between ``1/MAX_RATIO`` and ``MAX_RATIO``, with a 95 % interval no wider
than a factor of ``MAX_CI_SPAN``; otherwise the callers say there is not enough data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Z95 = 1.959963984540054
MAX_RATIO = 1000.0  # a rate ratio beyond 1000 (or below 1/1000) says more about thin data than about twitching
MAX_CI_SPAN = 1000.0  # an interval whose ends differ by more than this factor carries no usable information
MIN_TREND_DAYS = 14  # days tracked before a trend is estimated
MIN_TREND_EPISODES = 10  # episodes, ...
MIN_TREND_ACTIVE_DAYS = 5  # ... on at least this many different days (one burst is not a trend)


def is_sane(ratio: float, low: float, high: float) -> bool:
    """Whether an estimate with its 95 % CI is finite, within bounds and informative enough to show."""
    values = (ratio, low, high)
    if not all(math.isfinite(v) for v in values) or not 0 < low <= ratio <= high:
        return False
    return 1 / MAX_RATIO <= ratio <= MAX_RATIO and high / low <= MAX_CI_SPAN


def _exp(value: float) -> float:
    """exp() that gives infinity instead of raising (the caller then finds the estimate not sane)."""
    return math.exp(value) if value < 700 else math.inf


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

    @property
    def sane(self) -> bool:
        """Whether the estimate is worth showing (see the module docstring)."""
        return is_sane(self.ratio, self.low, self.high)


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
        ratio=_exp(log_ratio),
        low=_exp(log_ratio - Z95 * se),
        high=_exp(log_ratio + Z95 * se),
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
    """Quasi-Poisson regression of daily counts on time; None when the data cannot support a trend.

    That is: fewer than ``MIN_TREND_DAYS`` days, fewer than ``MIN_TREND_EPISODES`` episodes or
    episodes on fewer than ``MIN_TREND_ACTIVE_DAYS`` days, a fit that does not converge (all
    episodes at one end), or an estimate that is not sane.
    """
    n = len(counts)
    if n < MIN_TREND_DAYS or counts.sum() < MIN_TREND_EPISODES or int((counts > 0).sum()) < MIN_TREND_ACTIVE_DAYS:
        return None
    t = np.arange(n, dtype=float) / per_days
    t -= t.mean()
    design = np.column_stack([np.ones(n), t])
    beta = np.array([math.log(counts.mean()), 0.0])
    converged = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(50):
            eta = design @ beta
            if np.max(np.abs(eta)) > 30:  # the fitted rate runs off to 0 or infinity: separation, no estimate
                return None
            mu = np.exp(eta)
            z = eta + (counts - mu) / mu
            weighted = design * mu[:, None]
            try:
                step = np.linalg.solve(design.T @ weighted, weighted.T @ z)
            except np.linalg.LinAlgError:
                return None
            if not np.all(np.isfinite(step)):
                return None
            done = np.max(np.abs(step - beta)) < 1e-10
            beta = step
            if done:
                converged = True
                break
        if not converged:
            return None
        mu = np.exp(design @ beta)
        dispersion = max(1.0, float(((counts - mu) ** 2 / mu).sum()) / max(n - 2, 1))
        try:
            cov = np.linalg.inv(design.T @ (design * mu[:, None])) * dispersion
        except np.linalg.LinAlgError:
            return None
    slope, variance = float(beta[1]), float(cov[1, 1])
    if not (math.isfinite(slope) and math.isfinite(variance) and variance > 0):
        return None
    se = math.sqrt(variance)
    trend = Trend(
        per_days=per_days,
        ratio=_exp(slope),
        low=_exp(slope - Z95 * se),
        high=_exp(slope + Z95 * se),
        p_value=_p_two_sided(slope / se),
    )
    return trend if is_sane(trend.ratio, trend.low, trend.high) else None
