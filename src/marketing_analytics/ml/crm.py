"""Helpers of the CRM analysis (seed 003): correlation pruning before K-Means.

The clustering itself (k grid, indices, stability, selection) is shared with the segmentation
analysis in :mod:`marketing_analytics.ml.clustering`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F  # noqa: N812


def correlation_matrix(df: DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Pearson correlations of ``columns`` (a square pandas frame), in one Spark aggregation.

    A constant column gets NaN correlations (and 1 on the diagonal).
    """
    names = list(columns)
    pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    row = df.agg(
        *[
            F.corr(F.col(names[i]).cast("double"), F.col(names[j]).cast("double")).alias(
                f"c_{i}_{j}"
            )
            for i, j in pairs
        ]
    ).first()
    matrix = np.eye(len(names))
    for i, j in pairs:
        value = row[f"c_{i}_{j}"] if row is not None else None
        matrix[i, j] = matrix[j, i] = np.nan if value is None else float(value)
    return pd.DataFrame(matrix, index=names, columns=names)


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
