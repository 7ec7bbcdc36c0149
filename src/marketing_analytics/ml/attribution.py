"""Estimators of the attribution analysis (seed 000): randomized lift, SRM, case-control.

Pure functions on numbers and numpy arrays, used by the dbt Python models under
``python_models/ml/attribution/`` and unit-tested in ``tests/python/test_attribution.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

# Features of the purchase-propensity model (columns of fct_customer_day_features)
# and the driver group each belongs to (the groups of the seed's question).
DRIVER_FEATURES: dict[str, str] = {
    "log_days_since_last_purchase_or_signup": "recency_loyalty",
    "loyalty_level": "recency_loyalty",
    "is_release_day": "release_calendar",
    "has_release_in_previous_7_days": "release_calendar",
    "is_weekend": "weekend_seasonality",
    "emails_received_last_3_days": "email",
}
DRIVER_GROUPS: tuple[str, ...] = (
    "recency_loyalty",
    "release_calendar",
    "weekend_seasonality",
    "email",
)


@dataclass(frozen=True)
class Lift:
    """Difference in means treated - control with a normal (Neyman / Welch) interval."""

    n_treatment: int
    n_control: int
    mean_treatment: float
    mean_control: float
    estimate: float
    std_error: float
    ci_lower: float
    ci_upper: float
    relative_lift: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def lift_from_sums(
    n_treatment: int,
    sum_treatment: float,
    sum_squares_treatment: float,
    n_control: int,
    sum_control: float,
    sum_squares_control: float,
    confidence: float = 0.95,
) -> Lift:
    """Lift from sufficient statistics (count, sum, sum of squares) of each arm.

    Uses the unbiased variance of each arm; the interval is the Neyman conservative
    interval for the sample average treatment effect (and Welch's for the population one).
    """
    if n_treatment < 2 or n_control < 2:
        raise ValueError("each arm needs at least two units")
    mean_t, mean_c = float(sum_treatment) / n_treatment, float(sum_control) / n_control
    sum_squares_treatment, sum_squares_control = (
        float(sum_squares_treatment),
        float(sum_squares_control),
    )
    var_t = max(sum_squares_treatment - n_treatment * mean_t**2, 0.0) / (n_treatment - 1)
    var_c = max(sum_squares_control - n_control * mean_c**2, 0.0) / (n_control - 1)
    std_error = math.sqrt(var_t / n_treatment + var_c / n_control)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    estimate = mean_t - mean_c
    return Lift(
        n_treatment=int(n_treatment),
        n_control=int(n_control),
        mean_treatment=mean_t,
        mean_control=mean_c,
        estimate=estimate,
        std_error=std_error,
        ci_lower=estimate - z * std_error,
        ci_upper=estimate + z * std_error,
        relative_lift=estimate / mean_c if mean_c else math.nan,  # plain floats for Spark
    )


def lift(treatment: Sequence[float], control: Sequence[float], confidence: float = 0.95) -> Lift:
    """Lift from the per-unit outcomes of each arm."""
    t = np.asarray(treatment, dtype=float)
    c = np.asarray(control, dtype=float)
    return lift_from_sums(
        t.size, t.sum(), np.square(t).sum(), c.size, c.sum(), np.square(c).sum(), confidence
    )


def srm_p_value(counts: Sequence[int], expected_shares: Sequence[float] | None = None) -> float:
    """Sample-ratio-mismatch check: chi-square goodness-of-fit p-value of the arm sizes."""
    observed = np.asarray(counts, dtype=float)
    if observed.size < 2 or observed.sum() <= 0:
        raise ValueError("need at least two arms with units")
    shares = (
        np.full(observed.size, 1.0 / observed.size)
        if expected_shares is None
        else np.asarray(expected_shares, dtype=float) / np.sum(expected_shares)
    )
    expected = shares * observed.sum()
    statistic = float(np.sum((observed - expected) ** 2 / expected))
    return float(stats.chi2.sf(statistic, df=observed.size - 1))


def prior_corrected_intercept(
    intercept: float, population_event_rate: float, sample_event_rate: float
) -> float:
    """King & Zeng (2001) prior correction of a logit intercept fitted on a case-control sample.

    beta0 - ln[((1 - tau) / tau) * (ybar / (1 - ybar))], tau the event rate of the population,
    ybar the event rate of the sample; the slopes need no correction.
    """
    tau, ybar = population_event_rate, sample_event_rate
    if not (0 < tau < 1 and 0 < ybar < 1):
        raise ValueError("event rates must lie strictly between 0 and 1")
    return intercept - math.log(((1 - tau) / tau) * (ybar / (1 - ybar)))


def logistic_standard_errors(information: np.ndarray) -> np.ndarray:
    """Standard errors from the Fisher information X'WX (intercept first) of a logit fit."""
    covariance = np.linalg.inv(np.asarray(information, dtype=float))
    return np.sqrt(np.clip(np.diag(covariance), 0.0, None))


def group_effects(
    standardized_effects: Mapping[str, float], feature_groups: Mapping[str, str] = DRIVER_FEATURES
) -> dict[str, float]:
    """Sum of the standardized effects |coefficient| x sd of the features of each group."""
    totals: dict[str, float] = {}
    for feature, effect in standardized_effects.items():
        group = feature_groups[feature]
        totals[group] = totals.get(group, 0.0) + abs(float(effect))
    return totals


def ranking(effects: Mapping[str, float]) -> list[str]:
    """Groups ordered from the largest effect to the smallest (ties by name)."""
    return sorted(effects, key=lambda group: (-effects[group], group))
