"""Statistics of randomized experiments, the one home of each (attribution and uplift use them).

Pure functions on numbers and numpy arrays (per-arm aggregates, not unit-level data), called by
the dbt Python models and unit-tested in ``tests/python/test_experiments.py``:

* ``z_quantile``: the two-sided normal quantile of a confidence level (the SQL models get the
  same number from the macro ``z_quantile``, checked against this function);
* ``sample_ratio_mismatch``: chi-square test of the arm sizes against the planned split;
* ``lift_from_sums`` / ``lift``: difference in means with a normal (Neyman / Welch) interval,
  from sufficient statistics or unit outcomes;
* ``welch_difference``: difference in means with Welch's t interval and p-value;
* ``standardized_mean_difference``: covariate balance of two arms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats


def z_quantile(confidence: float) -> float:
    """The z with P(|Z| <= z) = ``confidence`` for a standard normal Z (1.96 at 0.95)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), not {confidence}")
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def sample_ratio_mismatch(
    counts: Sequence[int], expected_shares: Sequence[float] | None = None
) -> tuple[float, float]:
    """Chi-square goodness-of-fit statistic and p-value of the arm sizes ``counts`` against the
    planned shares (equal shares when not given; normalized to sum to 1)."""
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
    return statistic, float(stats.chi2.sf(statistic, df=observed.size - 1))


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
    z = z_quantile(confidence)
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


def welch_difference(
    mean_treated: float,
    variance_treated: float,
    units_treated: int,
    mean_control: float,
    variance_control: float,
    units_control: int,
    confidence: float = 0.95,
) -> dict[str, float]:
    """Difference in means with Welch's t interval and two-sided p-value (Welch-Satterthwaite
    degrees of freedom); for a 0/1 outcome this is the usual unpooled interval of a rate
    difference."""
    se_t = variance_treated / units_treated
    se_c = variance_control / units_control
    std_error = math.sqrt(se_t + se_c)
    difference = mean_treated - mean_control
    dof = (se_t + se_c) ** 2 / (
        se_t**2 / max(units_treated - 1, 1) + se_c**2 / max(units_control - 1, 1)
    )
    quantile = float(stats.t.ppf(0.5 + confidence / 2.0, dof))
    t_stat = difference / std_error
    return {
        "difference": difference,
        "std_error": std_error,
        "ci_lower": difference - quantile * std_error,
        "ci_upper": difference + quantile * std_error,
        "degrees_of_freedom": dof,
        "p_value": float(2.0 * stats.t.sf(abs(t_stat), dof)),
    }


def standardized_mean_difference(
    mean_treated: float, variance_treated: float, mean_control: float, variance_control: float
) -> float:
    """(mean_t - mean_c) / sqrt((var_t + var_c) / 2); 0 when both variances are 0."""
    pooled = math.sqrt((variance_treated + variance_control) / 2.0)
    return 0.0 if pooled == 0 else (mean_treated - mean_control) / pooled
