"""Clustering on Spark: K-Means / Gaussian-mixture k grids with validation indices and stability.

Pure functions over Spark DataFrames that hold a vector column (``pyspark.ml.linalg.Vector``,
e.g. the output of :func:`standardize`). Everything that touches every row runs in Spark
(DataFrame API and MLlib only: no RDDs, no Python UDFs, so it also works on Spark Connect);
only per-cluster aggregates (k rows) come back to the driver.

Index definitions (they match scikit-learn's, which the unit tests check to 1e-6):

* silhouette: MLlib's ``ClusteringEvaluator`` with its default ``squaredEuclidean`` distance,
  i.e. scikit-learn's ``silhouette_score(X, labels, metric="sqeuclidean")``;
* Davies-Bouldin: mean over clusters of ``max_j (s_i + s_j) / d(c_i, c_j)`` with ``s_i`` the mean
  Euclidean distance of cluster i's points to its centroid (lower is better);
* Calinski-Harabasz: ``[B / (k - 1)] / [W / (n - k)]``, between- over within-cluster dispersion
  (higher is better);
* adjusted Rand index (ARI) from the contingency counts of two labelings (1 = identical partitions,
  about 0 = chance agreement);
* stability: mean ARI, over ``n_bootstrap`` random subsamples (without replacement, a fraction
  ``sample_fraction`` of the rows), between the full-data model's labels and the labels that a
  model refitted on the subsample gives to every row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pyspark.ml.clustering import GaussianMixture, KMeans
from pyspark.ml.evaluation import ClusteringEvaluator
from pyspark.ml.feature import StandardScaler, VectorAssembler
from pyspark.ml.functions import vector_to_array
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812

SELECTION_COLUMNS: list[str] = [
    "algorithm",
    "k",
    "n_rows",
    "n_clusters_found",
    "silhouette",
    "davies_bouldin",
    "calinski_harabasz",
    "within_cluster_ss",
    "log_likelihood",
    "bic",
    "stability_ari",
    "stability_ari_sd",
    "n_bootstrap",
]
"""Columns of the model-selection table returned by :func:`kmeans_grid` / :func:`gmm_grid`."""

_POINT = "_clustering_point"
_LABEL = "_clustering_label"
_CENTROID = "_clustering_centroid"


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


def correlations_with(df: DataFrame, target_col: str, feature_cols: Sequence[str]) -> pd.DataFrame:
    """Pearson correlation of each feature with ``target_col``, in one Spark aggregation.

    Returns a pandas frame with columns ``feature``, ``correlation`` and ``abs_correlation``
    (one row per feature, in the given order). A constant feature gets ``NaN``.
    Standardizing does not change a correlation, so raw or scaled columns give the same table.
    """
    row = df.agg(
        *[
            F.corr(F.col(name).cast("double"), F.col(target_col).cast("double")).alias(f"c{i}")
            for i, name in enumerate(feature_cols)
        ]
    ).first()
    values = [float("nan") if row[i] is None else float(row[i]) for i in range(len(feature_cols))]
    table = pd.DataFrame({"feature": list(feature_cols), "correlation": values})
    table["abs_correlation"] = table["correlation"].abs()
    return table


# --------------------------------------------------------------------------- internals


def vector_size(df: DataFrame, features_col: str) -> int:
    """Dimension of the vectors in ``features_col`` (read from one row)."""
    row = df.select(F.size(vector_to_array(F.col(features_col))).alias("d")).first()
    if row is None:
        raise ValueError("cannot cluster an empty DataFrame")
    return int(row["d"])


def _points(df: DataFrame, features_col: str, prediction_col: str) -> DataFrame:
    return df.select(
        F.col(prediction_col).alias(_LABEL),
        vector_to_array(F.col(features_col)).alias(_POINT),
    ).where(F.col(_LABEL).isNotNull())


def _squared_distance(left: Column, right: Column) -> Column:
    """Squared Euclidean distance of two equal-length double arrays (SQL higher-order functions)."""
    return F.aggregate(
        F.zip_with(left, right, lambda a, b: (a - b) * (a - b)),
        F.lit(0.0),
        lambda acc, value: acc + value,
    )


def _cluster_summaries(points: DataFrame, dim: int) -> tuple[DataFrame, pd.DataFrame]:
    """Per cluster: size and centroid, as a small Spark frame and its pandas copy (k rows)."""
    centroids = points.groupBy(_LABEL).agg(
        F.count(F.lit(1)).alias("n"),
        F.array(*[F.avg(F.col(_POINT)[i]) for i in range(dim)]).alias(_CENTROID),
    )
    local = centroids.toPandas().sort_values(_LABEL, kind="stable").reset_index(drop=True)
    return centroids, local


def _with_centroid(points: DataFrame, centroids: DataFrame) -> DataFrame:
    return points.join(F.broadcast(centroids.select(_LABEL, _CENTROID)), on=_LABEL, how="inner")


# --------------------------------------------------------------------------- indices


def silhouette(df: DataFrame, features_col: str, prediction_col: str) -> float:
    """Mean silhouette by MLlib's ``ClusteringEvaluator`` (squared Euclidean distance).

    Equals ``sklearn.metrics.silhouette_score(X, labels, metric="sqeuclidean")``; higher is better,
    in [-1, 1]. ``prediction_col`` must be numeric; at least two clusters are needed.
    """
    evaluator = ClusteringEvaluator(
        featuresCol=features_col,
        predictionCol=prediction_col,
        metricName="silhouette",
        distanceMeasure="squaredEuclidean",
    )
    labelled = df.select(
        F.col(features_col), F.col(prediction_col).cast("double").alias(prediction_col)
    ).where(F.col(prediction_col).isNotNull())
    return float(evaluator.evaluate(labelled))


def _centroid_indices(
    df: DataFrame, features_col: str, prediction_col: str, dim: int | None = None
) -> tuple[float, float]:
    """Davies-Bouldin and Calinski-Harabasz from one centroid pass and one distance pass."""
    dim = vector_size(df, features_col) if dim is None else dim
    points = _points(df, features_col, prediction_col)
    centroids, local = _cluster_summaries(points, dim)
    k = len(local)
    if k < 2:
        raise ValueError(f"the indices need at least 2 clusters, got {k}")
    squared = _squared_distance(F.col(_POINT), F.col(_CENTROID))
    distances = (
        _with_centroid(points, centroids)
        .groupBy(_LABEL)
        .agg(F.avg(F.sqrt(squared)).alias("scatter"), F.sum(squared).alias("within"))
        .toPandas()
    )
    local = local.merge(distances, on=_LABEL, how="left")
    centers = np.array(local[_CENTROID].tolist(), dtype=float)
    sizes = local["n"].to_numpy(dtype=float)
    return _davies_bouldin_from(centers, local["scatter"].to_numpy(dtype=float)), (
        _calinski_harabasz_from(centers, sizes, float(local["within"].sum()))
    )


def _davies_bouldin_from(centers: np.ndarray, intra: np.ndarray) -> float:
    between = np.sqrt(((centers[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2))
    if np.allclose(intra, 0) or np.allclose(between, 0):
        return 0.0
    between[between == 0] = np.inf
    ratios = (intra[:, None] + intra[None, :]) / between
    return float(np.mean(np.max(ratios, axis=1)))


def _calinski_harabasz_from(centers: np.ndarray, sizes: np.ndarray, within: float) -> float:
    k = len(sizes)
    n = float(sizes.sum())
    grand_mean = (sizes[:, None] * centers).sum(axis=0) / n
    between = float((sizes * ((centers - grand_mean) ** 2).sum(axis=1)).sum())
    if within == 0.0:
        return 1.0
    return between * (n - k) / (within * (k - 1.0))


def davies_bouldin(df: DataFrame, features_col: str, prediction_col: str) -> float:
    """Davies-Bouldin index (lower is better), computed in Spark.

    Same definition and edge cases as ``sklearn.metrics.davies_bouldin_score``: returns 0.0 when all
    within-cluster scatters or all centroid distances are zero. Rows with a null label are ignored.
    Raises ``ValueError`` with fewer than two clusters.
    """
    return _centroid_indices(df, features_col, prediction_col)[0]


def calinski_harabasz(df: DataFrame, features_col: str, prediction_col: str) -> float:
    """Calinski-Harabasz index (variance ratio; higher is better), computed in Spark.

    Same definition as ``sklearn.metrics.calinski_harabasz_score`` (1.0 when the within-cluster
    dispersion is zero). Rows with a null label are ignored. Raises ``ValueError`` with fewer than
    two clusters.
    """
    return _centroid_indices(df, features_col, prediction_col)[1]


def adjusted_rand_index(df: DataFrame, col_a: str, col_b: str) -> float:
    """Adjusted Rand index of two labelings of the same rows, from contingency counts in Spark.

    Equals ``sklearn.metrics.adjusted_rand_score(df[col_a], df[col_b])``. Rows where either label is
    null are ignored. Labels may be of any type (they are only grouped on).
    """
    pairs = df.select(F.col(col_a).alias("a"), F.col(col_b).alias("b")).where(
        F.col("a").isNotNull() & F.col("b").isNotNull()
    )
    contingency = pairs.groupBy("a", "b").agg(F.count(F.lit(1)).cast("double").alias("n"))

    def comb2(column: Column) -> Column:
        return column * (column - F.lit(1.0)) / F.lit(2.0)

    cells = contingency.agg(
        F.sum(comb2(F.col("n"))).alias("index"),
        F.sum("n").alias("n"),
        F.count(F.lit(1)).alias("cells"),
    )
    rows = (
        contingency.groupBy("a")
        .agg(F.sum("n").alias("m"))
        .agg(F.sum(comb2(F.col("m"))).alias("sum_a"), F.count(F.lit(1)).alias("classes_a"))
    )
    cols = (
        contingency.groupBy("b")
        .agg(F.sum("n").alias("m"))
        .agg(F.sum(comb2(F.col("m"))).alias("sum_b"), F.count(F.lit(1)).alias("classes_b"))
    )
    totals = cells.crossJoin(rows).crossJoin(cols).first()
    n = float(totals["n"] or 0.0)
    classes_a = int(totals["classes_a"] or 0)
    classes_b = int(totals["classes_b"] or 0)
    # scikit-learn's special cases: no rows, one class each, or every row its own class.
    if n == 0 or (classes_a == classes_b == 1) or (classes_a == classes_b == n):
        return 1.0
    index = float(totals["index"])
    sum_a = float(totals["sum_a"])
    sum_b = float(totals["sum_b"])
    expected = sum_a * sum_b / (n * (n - 1.0) / 2.0)
    maximum = (sum_a + sum_b) / 2.0
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def evaluate_partition(
    df: DataFrame, features_col: str, prediction_col: str
) -> dict[str, float | int]:
    """Silhouette, Davies-Bouldin and Calinski-Harabasz of one labelling (NaN if < 2 clusters)."""
    found = df.select(prediction_col).where(F.col(prediction_col).isNotNull()).distinct().count()
    if found < 2:
        nan = float("nan")
        return {
            "n_clusters_found": found,
            "silhouette": nan,
            "davies_bouldin": nan,
            "calinski_harabasz": nan,
        }
    db_index, ch_index = _centroid_indices(df, features_col, prediction_col)
    return {
        "n_clusters_found": found,
        "silhouette": silhouette(df, features_col, prediction_col),
        "davies_bouldin": db_index,
        "calinski_harabasz": ch_index,
    }


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


def gmm_parameter_count(k: int, dim: int) -> int:
    """Free parameters of a full-covariance Gaussian mixture: weights, means, covariances."""
    return (k - 1) + k * dim + k * dim * (dim + 1) // 2


def bootstrap_stability(
    df: DataFrame,
    features_col: str,
    reference_col: str,
    fit: Callable[[DataFrame, int], Any],
    n_bootstrap: int = 5,
    sample_fraction: float = 0.8,
    seed: int = 42,
) -> list[float]:
    """ARI between ``reference_col`` and the labels of models refitted on random subsamples.

    ``fit(sample, seed)`` returns a fitted MLlib clustering model; each refit labels every row of
    ``df`` and is compared with ``reference_col`` by :func:`adjusted_rand_index`. Subsample ``r``
    draws ``sample_fraction`` of the rows without replacement with seed ``seed + r``.
    """
    scores: list[float] = []
    for replicate in range(n_bootstrap):
        sample = df.sample(withReplacement=False, fraction=sample_fraction, seed=seed + replicate)
        model = fit(sample, seed + replicate)
        model.setPredictionCol("_bootstrap_prediction")
        if hasattr(model, "setProbabilityCol"):
            model.setProbabilityCol("_bootstrap_probability")
        relabelled = model.transform(df.select(features_col, reference_col))
        scores.append(adjusted_rand_index(relabelled, reference_col, "_bootstrap_prediction"))
    return scores


def _stability_columns(scores: list[float]) -> dict[str, float | int]:
    if not scores:
        return {"stability_ari": float("nan"), "stability_ari_sd": float("nan"), "n_bootstrap": 0}
    spread = float(np.std(scores, ddof=1)) if len(scores) > 1 else float("nan")
    return {
        "stability_ari": float(np.mean(scores)),
        "stability_ari_sd": spread,
        "n_bootstrap": len(scores),
    }


def kmeans_grid(
    df: DataFrame,
    features_col: str,
    ks: Sequence[int],
    seed: int = 42,
    max_iter: int = 20,
    tol: float = 1e-4,
    n_bootstrap: int = 5,
    sample_fraction: float = 0.8,
) -> pd.DataFrame:
    """K-Means over a grid of k: the model-selection table (one row per k).

    Per k: silhouette, Davies-Bouldin, Calinski-Harabasz, the within-cluster sum of squares
    (MLlib's training cost) and the bootstrap stability (mean and sd of the ARI). The GMM-only
    columns (``log_likelihood``, ``bic``) are NaN. Choose k with :func:`select_k`, then refit with
    :func:`fit_kmeans` to get the assignments.
    """
    points = df.select(features_col).persist()
    try:
        n_rows = points.count()
        rows = []
        for k in ks:
            model = fit_kmeans(points, features_col, k, seed, max_iter, tol, "_grid_prediction")
            labelled = model.transform(points).persist()
            scores = bootstrap_stability(
                labelled,
                features_col,
                "_grid_prediction",
                lambda sample, s, k=k: fit_kmeans(sample, features_col, k, s, max_iter, tol),
                n_bootstrap,
                sample_fraction,
                seed,
            )
            rows.append(
                {
                    "algorithm": "kmeans",
                    "k": int(k),
                    "n_rows": n_rows,
                    **evaluate_partition(labelled, features_col, "_grid_prediction"),
                    "within_cluster_ss": float(model.summary.trainingCost),
                    "log_likelihood": float("nan"),
                    "bic": float("nan"),
                    **_stability_columns(scores),
                }
            )
            labelled.unpersist()
        return pd.DataFrame(rows, columns=SELECTION_COLUMNS)
    finally:
        points.unpersist()


def gmm_grid(
    df: DataFrame,
    features_col: str,
    ks: Sequence[int],
    seed: int = 42,
    max_iter: int = 20,
    tol: float = 1e-3,
    n_bootstrap: int = 5,
    sample_fraction: float = 0.8,
) -> pd.DataFrame:
    """Gaussian mixtures over a grid of k: the model-selection table (:data:`SELECTION_COLUMNS`).

    Per k: the three indices on the hard assignments, the log-likelihood, the BIC
    (``-2 logL + p ln n`` with p from :func:`gmm_parameter_count`; lower is better) and the
    bootstrap stability. ``within_cluster_ss`` is NaN.
    """
    points = df.select(features_col).persist()
    try:
        n_rows = points.count()
        dim = vector_size(points, features_col)
        rows = []
        for k in ks:
            model = fit_gmm(
                points, features_col, k, seed, max_iter, tol, "_grid_prediction", "_grid_proba"
            )
            labelled = model.transform(points).drop("_grid_proba").persist()
            log_likelihood = float(model.summary.logLikelihood)
            scores = bootstrap_stability(
                labelled,
                features_col,
                "_grid_prediction",
                lambda sample, s, k=k: fit_gmm(sample, features_col, k, s, max_iter, tol),
                n_bootstrap,
                sample_fraction,
                seed,
            )
            rows.append(
                {
                    "algorithm": "gmm",
                    "k": int(k),
                    "n_rows": n_rows,
                    **evaluate_partition(labelled, features_col, "_grid_prediction"),
                    "within_cluster_ss": float("nan"),
                    "log_likelihood": log_likelihood,
                    "bic": -2.0 * log_likelihood
                    + gmm_parameter_count(k, dim) * math.log(float(n_rows)),
                    **_stability_columns(scores),
                }
            )
            labelled.unpersist()
        return pd.DataFrame(rows, columns=SELECTION_COLUMNS)
    finally:
        points.unpersist()


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
