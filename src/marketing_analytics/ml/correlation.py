"""Pearson correlations on Spark, and the pruning of correlated features.

Every correlation of the project comes from :func:`pearson`: one Spark aggregation
(``corr`` per pair of columns) however many pairs, so a matrix costs one job, not one per pair.
A pair with a constant column has no correlation: NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F  # noqa: N812


def pearson(df: DataFrame, pairs: Sequence[tuple[str, str]]) -> list[float]:
    """The correlation of each pair of columns of ``df``, in the order given (NaN if undefined)."""
    if not pairs:
        return []
    row = df.agg(
        *[
            F.corr(F.col(left).cast("double"), F.col(right).cast("double")).alias(f"c{i}")
            for i, (left, right) in enumerate(pairs)
        ]
    ).first()
    return [
        float("nan") if row is None or row[i] is None else float(row[i]) for i in range(len(pairs))
    ]


def correlation_matrix(df: DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Correlations of ``columns`` as a square pandas frame (1 on the diagonal)."""
    names = list(columns)
    pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    values = pearson(df, [(names[i], names[j]) for i, j in pairs])
    matrix = np.eye(len(names))
    for (i, j), value in zip(pairs, values, strict=True):
        matrix[i, j] = matrix[j, i] = value
    return pd.DataFrame(matrix, index=names, columns=names)


def correlations_with(df: DataFrame, target_col: str, feature_cols: Sequence[str]) -> pd.DataFrame:
    """Correlation of each feature with ``target_col``: columns ``feature``, ``correlation`` and
    ``abs_correlation``, one row per feature in the given order.

    Standardizing does not change a correlation, so raw or scaled columns give the same table.
    """
    values = pearson(df, [(name, target_col) for name in feature_cols])
    table = pd.DataFrame({"feature": list(feature_cols), "correlation": values})
    table["abs_correlation"] = table["correlation"].abs()
    return table


def prune_correlated(correlations: pd.DataFrame, threshold: float) -> list[str]:
    """Greedy correlation pruning: keep features in order, dropping any whose absolute
    correlation with an already kept feature exceeds ``threshold``.

    The order of ``correlations``' columns is the priority (put the features to keep first).
    NaN correlations (constant columns) do not cause a drop.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    kept: list[str] = []
    for name in correlations.columns:
        values = correlations.loc[name, kept].abs() if kept else pd.Series(dtype=float)
        if not (values > threshold).any():
            kept.append(name)
    return kept
