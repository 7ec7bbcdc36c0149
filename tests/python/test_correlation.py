"""Correlations on Spark agree with pandas; the pruning keeps the priority order."""

import numpy as np
import pandas as pd
import pytest

from marketing_analytics.ml.correlation import (
    correlation_matrix,
    correlations_with,
    prune_correlated,
)

TOLERANCE = 1e-9


def correlated_frame() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"spend": rng.gamma(2.0, 50.0, 40)})
    frame["visits"] = frame["spend"] * 0.1 + rng.normal(0, 3, 40)
    frame["returns"] = -frame["spend"] * 0.02 + rng.normal(0, 0.5, 40)
    frame["noise"] = rng.normal(0, 1, 40)
    frame["constant"] = 7.0
    return frame


@pytest.mark.slow
def test_spark_correlations_equal_pandas_and_constant_columns_are_nan(spark) -> None:
    frame = correlated_frame()
    df = spark.createDataFrame(frame)
    columns = ["spend", "visits", "returns", "noise", "constant"]
    matrix = correlation_matrix(df, columns)
    expected = frame[columns].corr().to_numpy()
    np.fill_diagonal(expected, 1.0)  # pandas leaves the constant's own NaN
    assert list(matrix.index) == list(matrix.columns) == columns
    np.testing.assert_allclose(matrix.to_numpy(), expected, atol=TOLERANCE)
    assert np.isnan(matrix.loc["spend", "constant"])
    table = correlations_with(df, "spend", columns[1:])
    assert table["feature"].tolist() == columns[1:]
    np.testing.assert_allclose(
        table["correlation"], frame[columns].corr()["spend"].to_numpy()[1:], atol=TOLERANCE
    )
    np.testing.assert_allclose(table["abs_correlation"], table["correlation"].abs())
    assert table.loc[table["feature"] == "returns", "correlation"].item() < -0.5
    # the pruning of the CRM model on that matrix: visits and returns follow spend
    assert prune_correlated(matrix, 0.5) == ["spend", "noise", "constant"]


def test_prune_correlated_keeps_priority_order_and_drops_redundant() -> None:
    corr = pd.DataFrame(
        [[1.0, 0.95, 0.1], [0.95, 1.0, 0.2], [0.1, 0.2, 1.0]],
        index=["a", "b", "c"],
        columns=["a", "b", "c"],
    )
    assert prune_correlated(corr, 0.9) == ["a", "c"]
    assert prune_correlated(corr, 0.96) == ["a", "b", "c"]
    # negative correlations count by their absolute value
    assert prune_correlated(-corr + 2 * np.eye(3), 0.9) == ["a", "c"]


def test_prune_correlated_ignores_constant_columns_and_checks_threshold() -> None:
    corr = pd.DataFrame(
        [[1.0, np.nan], [np.nan, 1.0]], index=["a", "const"], columns=["a", "const"]
    )
    assert prune_correlated(corr, 0.5) == ["a", "const"]
    with pytest.raises(ValueError, match="threshold"):
        prune_correlated(corr, 0.0)
