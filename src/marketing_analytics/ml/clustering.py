"""Clustering on Spark: preparation, MLlib fits and the choice of k.

Preparation (:func:`standardize`) and the fits that label every row
(:func:`fit_kmeans`, :func:`fit_gmm`) are DataFrame API and MLlib only (no RDDs, no Python
UDFs), so they also run on Spark Connect. The k grid that the choice is made from runs as one
Spark job in :mod:`.cluster_grid`; :func:`select_k` reads its table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from pyspark.ml.clustering import GaussianMixture, KMeans
from pyspark.ml.feature import StandardScaler, VectorAssembler
from pyspark.sql import DataFrame

# --------------------------------------------------------------------------- preparation


def standardize(
    df: DataFrame,
    input_cols: Sequence[str],
    output_col: str = "features",
    with_mean: bool = True,
    with_std: bool = True,
) -> DataFrame:
    """Assemble ``input_cols`` into a vector and standardize it with MLlib's ``StandardScaler``.

    Returns ``df`` plus ``output_col`` (a vector of z-scores; MLlib divides by the sample standard
    deviation). The input columns must be numeric and non-null (``VectorAssembler`` raises on
    nulls: fill or filter them first). A constant column becomes all zeros.
    """
    raw_col = f"{output_col}__raw"
    assembled = VectorAssembler(
        inputCols=list(input_cols), outputCol=raw_col, handleInvalid="error"
    ).transform(df)
    scaler = StandardScaler(
        inputCol=raw_col, outputCol=output_col, withMean=with_mean, withStd=with_std
    )
    return scaler.fit(assembled).transform(assembled).drop(raw_col)


# --------------------------------------------------------------------------- models


# Starts per K-Means fit (the best of them is kept).
KMEANS_N_INIT = 3


def fit_kmeans(
    df: DataFrame,
    features_col: str,
    k: int,
    seed: int = 42,
    max_iter: int = 20,
    tol: float = 1e-4,
    prediction_col: str = "prediction",
    n_init: int = KMEANS_N_INIT,
) -> Any:
    """Fit MLlib K-Means (k-means|| initialisation) ``n_init`` times, from seeds ``seed``,
    ``seed + 1``, ...; returns the ``KMeansModel`` with the lowest within-cluster sum of squares.

    One start can settle in a local optimum that merges two true clusters and splits another
    (seen at k = 4 on the synthetic company); restarts are the usual remedy (scikit-learn's
    ``n_init``).
    """
    models = [
        KMeans(
            featuresCol=features_col,
            predictionCol=prediction_col,
            k=k,
            seed=seed + start,
            maxIter=max_iter,
            tol=tol,
        ).fit(df)
        for start in range(n_init)
    ]
    return min(models, key=lambda model: model.summary.trainingCost)


def fit_gmm(
    df: DataFrame,
    features_col: str,
    k: int,
    seed: int = 42,
    max_iter: int = 20,
    tol: float = 1e-3,
    prediction_col: str = "prediction",
    probability_col: str = "probability",
) -> Any:
    """Fit an MLlib GaussianMixture (full covariances, fixed seed); returns the model."""
    return GaussianMixture(
        featuresCol=features_col,
        predictionCol=prediction_col,
        probabilityCol=probability_col,
        k=k,
        seed=seed,
        maxIter=max_iter,
        tol=tol,
    ).fit(df)


# --------------------------------------------------------------------------- selection


def select_k(
    table: pd.DataFrame,
    min_stability: float = 0.8,
    rule: str = "votes",
    silhouette_tolerance: float = 0.02,
) -> tuple[int, str]:
    """Choose k from one algorithm's selection table; returns ``(k, reason)``.

    Both rules first keep the k whose bootstrap stability (mean ARI) is at least ``min_stability``
    (all k if none is).

    * ``rule="votes"`` (default): each index votes for its best k: silhouette (max),
      Davies-Bouldin (min), Calinski-Harabasz (max) and, when present, BIC (min). Most votes wins;
      ties go to the higher silhouette.
    * ``rule="stable_near_best"``: among the k whose silhouette is within
      ``silhouette_tolerance`` of the best silhouette (indistinguishable by silhouette), the most
      stable k wins; ties go to the smaller k. Guards against a larger k that edges the
      silhouette by a hair while splitting a real cluster unstably.

    The reason names the rule, the evidence and the stability.
    """
    if rule not in ("votes", "stable_near_best"):
        raise ValueError(f"unknown rule {rule!r}: use 'votes' or 'stable_near_best'")
    if table.empty:
        raise ValueError("empty selection table")
    usable = table.dropna(subset=["silhouette"])
    if usable.empty:
        raise ValueError("no k in the selection table produced two or more clusters")
    stable = usable[usable["stability_ari"].fillna(1.0) >= min_stability]
    pool = stable if not stable.empty else usable
    stability_note = (
        f"stability >= {min_stability} kept {len(pool)} of {len(usable)} k"
        if pool is stable
        else f"no k reached stability {min_stability}; chose among all k"
    )
    if rule == "stable_near_best":
        best_silhouette = float(pool["silhouette"].max())
        near = pool[pool["silhouette"] >= best_silhouette - silhouette_tolerance]
        ranked = near.assign(_stability=near["stability_ari"].fillna(-1.0)).sort_values(
            ["_stability", "k"], ascending=[False, True], kind="stable"
        )
        row = ranked.iloc[0]
        chosen = int(row["k"])
        near_ks = ", ".join(str(int(k)) for k in sorted(near["k"]))
        reason = (
            f"k={chosen}: most stable (ARI {row['stability_ari']:.3f}) of the k with silhouette "
            f"within {silhouette_tolerance} of the best {best_silhouette:.3f} (k in {near_ks}); "
            f"{stability_note}; silhouette {row['silhouette']:.3f}, Davies-Bouldin "
            f"{row['davies_bouldin']:.3f}, Calinski-Harabasz {row['calinski_harabasz']:.1f}"
        )
        return chosen, reason
    criteria = [("silhouette", "max"), ("davies_bouldin", "min"), ("calinski_harabasz", "max")]
    if pool["bic"].notna().any():
        criteria.append(("bic", "min"))
    votes: dict[int, list[str]] = {int(k): [] for k in pool["k"]}
    for column, direction in criteria:
        values = pool[column]
        if values.notna().any():
            best = pool.loc[values.idxmax() if direction == "max" else values.idxmin(), "k"]
            votes[int(best)].append(column)
    ranked_votes = sorted(
        votes,
        key=lambda k: (
            -len(votes[k]),
            -float(pool.loc[pool["k"] == k, "silhouette"].iloc[0]),
        ),
    )
    chosen = ranked_votes[0]
    row = pool.loc[pool["k"] == chosen].iloc[0]
    voters = ", ".join(votes[chosen]) if votes[chosen] else "no index (silhouette tie-break)"
    reason = (
        f"k={chosen}: best by {voters} ({len(votes[chosen])} of {len(criteria)} indices) "
        f"among {len(pool)} candidate k; {stability_note}; stability ARI "
        f"{row['stability_ari']:.3f}; silhouette {row['silhouette']:.3f}, "
        f"Davies-Bouldin {row['davies_bouldin']:.3f}, Calinski-Harabasz "
        f"{row['calinski_harabasz']:.1f}"
    )
    return chosen, reason
