"""Customer segmentation glue for the dbt Python models (seed 002).

The models stay thin: they read their settings from YAML ``config:`` (filled from vars), call
these functions and return one tidy table. Another customer table (e.g. the Kaggle marketing
campaign customers) is segmented by a model that passes its own id and feature columns; nothing
here depends on the synthetic company.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F  # noqa: N812

from marketing_analytics.ml import cluster_grid, clustering, correlation

FEATURES_COL = "features"


def config_value(value: Any) -> Any:
    """A YAML ``config:`` value that may arrive as the string of a rendered var (``"[2, 3]"``)."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "[{":
            try:
                return json.loads(text)
            except ValueError:
                return ast.literal_eval(text)
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return value
    return value


def config_list(value: Any) -> list:
    """A list-valued config entry (a list, or its string form)."""
    parsed = config_value(value)
    if isinstance(parsed, str):
        return [item.strip() for item in parsed.split(",") if item.strip()]
    return list(parsed)


TRANSFORMS = ("none", "sqrt", "log1p")
"""Per-feature transforms applied before standardization (see :func:`scaled_features`)."""


def _transformed(name: str, transform: str):
    column = F.col(name).cast("double")
    if transform == "sqrt":
        return F.sqrt(column).alias(name)
    if transform == "log1p":
        return F.log1p(column).alias(name)
    return column.alias(name)


def scaled_features(
    df: DataFrame, id_col: str, feature_cols: Sequence[str], transform: str = "none"
) -> DataFrame:
    """``id_col`` plus the standardized (MLlib StandardScaler) vector of ``feature_cols``.

    ``transform`` is applied to every feature first: ``none``, ``sqrt`` (variance-stabilising for
    counts and right-skewed totals) or ``log1p``. Both need non-negative features: a negative value
    raises ``ValueError``. Rows with a null feature are dropped (the customer-360 mart imputes
    income so it has none).
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {TRANSFORMS}, got {transform!r}")
    missing = [name for name in [id_col, *feature_cols] if name not in df.columns]
    if missing:
        raise ValueError(f"columns not in the input: {missing}")
    if transform != "none":
        row = df.agg(*[F.min(F.col(name)).alias(name) for name in feature_cols]).first()
        negative = [name for name in feature_cols if row[name] is not None and row[name] < 0]
        if negative:
            raise ValueError(f"{transform} needs non-negative features; negative: {negative}")
    complete = df.select(id_col, *[_transformed(name, transform) for name in feature_cols]).dropna(
        subset=list(feature_cols)
    )
    return clustering.standardize(complete, feature_cols, FEATURES_COL).select(id_col, FEATURES_COL)


def correlation_table(
    df: DataFrame,
    target_col: str,
    candidate_cols: Sequence[str],
    threshold: float,
    clustering_cols: Sequence[str],
) -> pd.DataFrame:
    """The seed's feature selection: |corr(feature, target)| > threshold, beside the features used.

    One row per candidate feature with its Pearson correlation with ``target_col`` (the same on
    standardized columns), ``is_selected_by_correlation`` and ``is_clustering_feature``.
    """
    table = correlation.correlations_with(df, target_col, candidate_cols)
    table = table.rename(columns={"correlation": "correlation_with_target"})
    table.insert(1, "target", target_col)
    table["threshold"] = float(threshold)
    table["is_selected_by_correlation"] = table["abs_correlation"] > threshold
    table["is_clustering_feature"] = table["feature"].isin(list(clustering_cols))
    return table


def selection_table(
    points: DataFrame,
    id_col: str,
    ks: Sequence[int],
    settings: cluster_grid.GridSettings,
    sample_size: int,
    min_stability: float,
    feature_cols: Sequence[str],
    feature_transform: str = "none",
    rule: str = "votes",
    silhouette_tolerance: float = 0.02,
) -> pd.DataFrame:
    """K-Means and GMM model-selection tables stacked, with the chosen k and the reason.

    ``points`` is the output of :func:`scaled_features` (``id_col`` and the feature vector). Both
    grids run as one Spark job (:func:`cluster_grid.selection_grid`).
    ``is_best_for_algorithm`` marks each algorithm's :func:`clustering.select_k` choice under
    ``rule`` and ``silhouette_tolerance`` (its ``selection_reason`` is filled); ``is_chosen``
    marks the K-Means choice, the model whose assignments are published.
    """
    grid = cluster_grid.selection_grid(points, FEATURES_COL, id_col, ks, settings, sample_size)
    tables = []
    for algorithm in cluster_grid.ALGORITHMS:
        table = grid[grid["algorithm"] == algorithm].reset_index(drop=True)
        best_k, reason = clustering.select_k(table, min_stability, rule, silhouette_tolerance)
        table["is_best_for_algorithm"] = table["k"] == best_k
        table["is_chosen"] = (table["k"] == best_k) & (algorithm == "kmeans")
        table["selection_reason"] = [reason if k == best_k else None for k in table["k"]]
        tables.append(table)
    result = pd.concat(tables, ignore_index=True)
    result["features"] = ",".join(feature_cols)
    result["feature_transform"] = feature_transform
    is_kmeans = result["algorithm"] == "kmeans"
    result["max_iter"] = [
        settings.kmeans_max_iter if flag else settings.gmm_max_iter for flag in is_kmeans
    ]
    result["tol"] = [settings.kmeans_tol if flag else settings.gmm_tol for flag in is_kmeans]
    result["seed"] = settings.seed
    return result
