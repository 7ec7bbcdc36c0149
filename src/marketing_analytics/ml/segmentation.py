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

from marketing_analytics.ml import clustering

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


def scaled_features(df: DataFrame, id_col: str, feature_cols: Sequence[str]) -> DataFrame:
    """``id_col`` plus the standardized (MLlib StandardScaler) vector of ``feature_cols``.

    Rows with a null feature are dropped (the customer-360 mart imputes income so it has none).
    """
    missing = [name for name in [id_col, *feature_cols] if name not in df.columns]
    if missing:
        raise ValueError(f"columns not in the input: {missing}")
    complete = df.select(
        id_col, *[F.col(name).cast("double").alias(name) for name in feature_cols]
    ).dropna(subset=list(feature_cols))
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
    table = clustering.correlations_with(df, target_col, candidate_cols)
    table = table.rename(columns={"correlation": "correlation_with_target"})
    table.insert(1, "target", target_col)
    table["threshold"] = float(threshold)
    table["is_selected_by_correlation"] = table["abs_correlation"] > threshold
    table["is_clustering_feature"] = table["feature"].isin(list(clustering_cols))
    return table


def selection_table(
    points: DataFrame,
    ks: Sequence[int],
    seed: int,
    kmeans_max_iter: int,
    kmeans_tol: float,
    gmm_max_iter: int,
    gmm_tol: float,
    n_bootstrap: int,
    sample_fraction: float,
    min_stability: float,
    feature_cols: Sequence[str],
) -> pd.DataFrame:
    """K-Means and GMM model-selection tables stacked, with the chosen k and the reason.

    ``is_best_for_algorithm`` marks each algorithm's :func:`clustering.select_k` choice (its
    ``selection_reason`` is filled); ``is_chosen`` marks the K-Means choice, the model whose
    assignments are published.
    """
    tables = []
    for algorithm, grid, max_iter, tol in (
        ("kmeans", clustering.kmeans_grid, kmeans_max_iter, kmeans_tol),
        ("gmm", clustering.gmm_grid, gmm_max_iter, gmm_tol),
    ):
        table = grid(
            points,
            FEATURES_COL,
            ks,
            seed=seed,
            max_iter=max_iter,
            tol=tol,
            n_bootstrap=n_bootstrap,
            sample_fraction=sample_fraction,
        )
        best_k, reason = clustering.select_k(table, min_stability)
        table["is_best_for_algorithm"] = table["k"] == best_k
        table["is_chosen"] = (table["k"] == best_k) & (algorithm == "kmeans")
        table["selection_reason"] = [reason if k == best_k else None for k in table["k"]]
        tables.append(table)
    result = pd.concat(tables, ignore_index=True)
    result["features"] = ",".join(feature_cols)
    is_kmeans = result["algorithm"] == "kmeans"
    result["max_iter"] = [kmeans_max_iter if flag else gmm_max_iter for flag in is_kmeans]
    result["tol"] = [kmeans_tol if flag else gmm_tol for flag in is_kmeans]
    result["seed"] = seed
    return result
