"""The statistics of randomized experiments (ml/experiments.py) against scipy and by hand."""

import math
import re

import numpy as np
import pytest
from dbt_runner import PROJECT_ROOT
from scipy import stats

from marketing_analytics.ml.experiments import (
    lift,
    lift_from_sums,
    sample_ratio_mismatch,
    standardized_mean_difference,
    welch_difference,
    z_quantile,
)


def test_z_quantile_is_the_two_sided_normal_quantile() -> None:
    assert z_quantile(0.95) == pytest.approx(1.959963984540054)
    assert z_quantile(0.9) == pytest.approx(stats.norm.ppf(0.95))
    with pytest.raises(ValueError, match="confidence"):
        z_quantile(95)


def test_sql_z_quantile_macro_agrees_with_python() -> None:
    """The SQL models take z from the macro's table of levels: each entry is z_quantile's."""
    macro = (PROJECT_ROOT / "macros" / "z_quantile.sql").read_text()
    table = dict(re.findall(r"'(0\.\d+)': ([\d.]+)", macro))
    assert {"0.8", "0.9", "0.95", "0.99"} <= set(table)
    for level, z in table.items():
        assert float(z) == pytest.approx(z_quantile(float(level)), abs=1e-12), level


def test_lift_matches_welch_by_hand() -> None:
    rng = np.random.default_rng(1)
    treated, control = rng.normal(1.2, 2.0, 400), rng.normal(1.0, 1.0, 300)
    result = lift(treated, control)
    se = math.sqrt(treated.var(ddof=1) / 400 + control.var(ddof=1) / 300)
    assert result.estimate == pytest.approx(treated.mean() - control.mean())
    assert result.std_error == pytest.approx(se)
    assert result.ci_upper - result.estimate == pytest.approx(stats.norm.ppf(0.975) * se)
    same = lift_from_sums(
        400, treated.sum(), (treated**2).sum(), 300, control.sum(), (control**2).sum()
    )
    assert same.ci_lower == pytest.approx(result.ci_lower)


def test_sample_ratio_mismatch_matches_scipy_chisquare() -> None:
    chi_square, p_value = sample_ratio_mismatch([5100, 4900])
    expected = stats.chisquare([5100, 4900])
    assert chi_square == pytest.approx(expected.statistic)
    assert p_value == pytest.approx(expected.pvalue)
    assert sample_ratio_mismatch([300, 200, 100])[1] < 1e-10
    assert sample_ratio_mismatch([30, 70], [0.3, 0.7])[1] == pytest.approx(1.0)
    # Hillstrom's plan: two arms of three are treated.
    assert sample_ratio_mismatch([200, 100], [2 / 3, 1 / 3])[0] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="two arms"):
        sample_ratio_mismatch([10])


def test_welch_difference_and_balance_match_scipy() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.gamma(2.0, 3.0, 400), rng.gamma(2.0, 2.5, 700)
    welch = welch_difference(a.mean(), a.var(ddof=1), a.size, b.mean(), b.var(ddof=1), b.size)
    reference = stats.ttest_ind(a, b, equal_var=False)
    assert welch["difference"] == pytest.approx(a.mean() - b.mean())
    assert welch["p_value"] == pytest.approx(reference.pvalue)
    interval = reference.confidence_interval(0.95)
    assert welch["ci_lower"] == pytest.approx(interval.low)
    assert welch["ci_upper"] == pytest.approx(interval.high)
    assert standardized_mean_difference(1.0, 4.0, 0.0, 4.0) == pytest.approx(0.5)
