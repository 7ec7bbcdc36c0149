"""Estimators of the attribution analysis (seed 000): case-control sampling and its prior
correction, driver groups (the randomized lift and SRM: ``ml/experiments.py``).

Pure functions on numbers and numpy arrays, used by the dbt Python models under
``python_models/ml/attribution/`` and unit-tested in ``tests/python/test_attribution.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

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
