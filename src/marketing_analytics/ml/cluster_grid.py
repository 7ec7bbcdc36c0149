"""A k-grid of K-Means / Gaussian-mixture fits as one Spark job, for choosing k.

Choosing k fits dozens of models (k x starts x stability subsamples, two algorithms). As MLlib
fits each costs a handful of Spark jobs (about 1 s each whatever the rows), so the grid is run
instead as one job: every cell (problem, algorithm, k) is one task of ``mapInPandas`` over
``spark.range(n_cells)``, fitting scikit-learn on a seeded sample of the points (all of them up
to ``sample_size`` rows), shipped with the task's closure. The cells spread over a cluster's
executors; the chosen model is then refitted on every row with MLlib (:mod:`.clustering`).

Per cell (definitions as in scikit-learn, which the tests check):

* silhouette with squared Euclidean distances (MLlib ``ClusteringEvaluator``'s default), in
  O(n k d) from per-cluster sums instead of O(n^2) pairwise distances;
* Davies-Bouldin and Calinski-Harabasz (``sklearn.metrics``);
* stability: mean and sd of the adjusted Rand index, over ``n_bootstrap`` subsamples (without
  replacement, ``sample_fraction`` of the rows, seed ``seed + r``), between the full fit's labels
  and the labels a refit on the subsample gives every row;
* K-Means: within-cluster sum of squares; GMM: log-likelihood and BIC (``-2 logL + p ln n``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyspark.ml.functions import vector_to_array
from pyspark.sql import DataFrame
from pyspark.sql import functions as F  # noqa: N812

from marketing_analytics.ml.progress import log

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
"""Columns of the model-selection table (one row per algorithm and k)."""

ALGORITHMS = ("kmeans", "gmm")

_CELL_SCHEMA = (
    "problem string, algorithm string, k int, n_rows bigint, n_clusters_found int, "
    "silhouette double, davies_bouldin double, calinski_harabasz double, "
    "within_cluster_ss double, log_likelihood double, bic double, stability_ari double, "
    "stability_ari_sd double, n_bootstrap int, n_fitted bigint, fit_seconds double"
)


@dataclass(frozen=True)
class GridSettings:
    """Fit and stability settings of every cell (the vars of the selection models)."""

    seed: int = 42
    kmeans_max_iter: int = 20
    kmeans_tol: float = 1e-4
    kmeans_n_init: int = 3
    gmm_max_iter: int = 30
    gmm_tol: float = 1e-3
    n_bootstrap: int = 5
    gmm_n_bootstrap: int = 2
    sample_fraction: float = 0.8

    def reps(self, algorithm: str) -> int:
        return self.n_bootstrap if algorithm == "kmeans" else self.gmm_n_bootstrap


# --------------------------------------------------------------------------- indices (numpy)


def silhouette_sqeuclidean(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette with squared Euclidean distances, exact, in O(n k d).

    The mean squared distance of x to the points of cluster C is
    ``|x|^2 - 2 x.mean(C) + mean(|y|^2 for y in C)``, so per-cluster sums replace the n x n
    distance matrix (MLlib computes it the same way). Equals
    ``sklearn.metrics.silhouette_score(points, labels, metric="sqeuclidean")``, including its
    convention that a point alone in its cluster scores 0.
    """
    clusters, index = np.unique(labels, return_inverse=True)
    if not 2 <= len(clusters) <= len(points) - 1:
        raise ValueError(f"silhouette needs 2 to n - 1 clusters, got {len(clusters)}")
    sizes = np.bincount(index).astype(float)
    sums = np.zeros((len(clusters), points.shape[1]))
    np.add.at(sums, index, points)
    norms = (points**2).sum(axis=1)
    norm_sums = np.bincount(index, weights=norms)
    # total[i, c] = sum over y in cluster c of |x_i - y|^2
    total = sizes[None, :] * norms[:, None] - 2.0 * points @ sums.T + norm_sums[None, :]
    total = np.maximum(total, 0.0)
    own_size = sizes[index]
    rows = np.arange(len(points))
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = total[rows, index] / (own_size - 1.0)
    outside = total / sizes[None, :]
    outside[rows, index] = np.inf
    nearest = outside.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = (nearest - inside) / np.maximum(inside, nearest)
    scores = np.where(own_size > 1, np.nan_to_num(scores), 0.0)
    return float(scores.mean())


def gmm_parameter_count(k: int, dim: int) -> int:
    """Free parameters of a full-covariance Gaussian mixture: weights, means, covariances."""
    return (k - 1) + k * dim + k * dim * (dim + 1) // 2


# --------------------------------------------------------------------------- one cell


def _fit(algorithm: str, k: int, points: np.ndarray, seed: int, settings: GridSettings):
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture

    if algorithm == "kmeans":
        model = KMeans(
            n_clusters=k,
            n_init=settings.kmeans_n_init,
            max_iter=settings.kmeans_max_iter,
            tol=settings.kmeans_tol,
            random_state=seed,
        )
    else:
        model = GaussianMixture(
            n_components=k,
            covariance_type="full",
            max_iter=settings.gmm_max_iter,
            tol=settings.gmm_tol,
            random_state=seed,
        )
    return model.fit(points)


def fit_cell(algorithm: str, k: int, points: np.ndarray, settings: GridSettings) -> dict:
    """One row of the selection table: fit, indices and stability of one (algorithm, k).

    Also returns ``n_fitted`` (models fitted) and ``fit_seconds`` for the progress log.
    """
    from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score

    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {ALGORITHMS}, got {algorithm!r}")
    started = time.perf_counter()
    n, dim = points.shape
    model = _fit(algorithm, k, points, settings.seed, settings)
    labels = model.predict(points)
    found = len(np.unique(labels))
    nan = float("nan")
    row = {
        "algorithm": algorithm,
        "k": int(k),
        "n_rows": int(n),
        "n_clusters_found": int(found),
        "silhouette": nan,
        "davies_bouldin": nan,
        "calinski_harabasz": nan,
        "within_cluster_ss": float(model.inertia_) if algorithm == "kmeans" else nan,
        "log_likelihood": nan,
        "bic": nan,
    }
    if found >= 2:
        row["silhouette"] = silhouette_sqeuclidean(points, labels)
        row["davies_bouldin"] = float(davies_bouldin_score(points, labels))
        row["calinski_harabasz"] = float(calinski_harabasz_score(points, labels))
    if algorithm == "gmm":
        log_likelihood = float(model.score(points)) * n
        row["log_likelihood"] = log_likelihood
        row["bic"] = -2.0 * log_likelihood + gmm_parameter_count(k, dim) * np.log(float(n))
    scores = []
    size = int(round(settings.sample_fraction * n))
    for replicate in range(1, settings.reps(algorithm) + 1):
        rng = np.random.default_rng(settings.seed + replicate)
        subsample = points[rng.choice(n, size=size, replace=False)]
        refit = _fit(algorithm, k, subsample, settings.seed + replicate, settings)
        scores.append(float(adjusted_rand_score(labels, refit.predict(points))))
    row["stability_ari"] = float(np.mean(scores)) if scores else nan
    row["stability_ari_sd"] = float(np.std(scores, ddof=1)) if len(scores) > 1 else nan
    row["n_bootstrap"] = len(scores)
    row["n_fitted"] = 1 + len(scores)
    row["fit_seconds"] = time.perf_counter() - started
    return row


# --------------------------------------------------------------------------- the grid on Spark


def sample_points(
    df: DataFrame, features_col: str, id_col: str, sample_size: int, seed: int
) -> tuple[np.ndarray, int]:
    """The rows the grid fits on, as a numpy matrix ordered by ``id_col``, and the number of
    rows of ``df``.

    All rows up to ``sample_size``, else about ``sample_size`` of them chosen by a seeded hash
    of the id. Neither the choice nor the order depends on how ``df`` is partitioned, so the
    grid's fits are the same on a laptop and on a cluster (scikit-learn's initialisations
    depend on the row order).
    """
    if sample_size < 2:
        raise ValueError(f"sample_size must be at least 2, got {sample_size}")
    n_rows = df.count()
    if n_rows == 0:
        raise ValueError("cannot cluster an empty DataFrame")
    rows = df.select(F.col(id_col), vector_to_array(F.col(features_col)).alias("x"))
    if n_rows > sample_size:
        buckets = 1_000_000
        bucket = F.pmod(F.xxhash64(F.col(id_col), F.lit(seed)), F.lit(buckets))
        rows = rows.where(bucket < F.lit(int(buckets * sample_size / n_rows)))
    local = rows.orderBy(id_col).toPandas()
    return np.array(local["x"].tolist(), dtype=float), n_rows


def run_grid(
    spark,
    problems: Mapping[str, np.ndarray],
    ks: Sequence[int],
    settings: GridSettings,
    algorithms: Sequence[str] = ALGORITHMS,
) -> pd.DataFrame:
    """Every (problem, algorithm, k) cell as one task of one Spark job.

    ``problems`` maps a name (e.g. a dataset) to its points. Returns the selection table with a
    ``problem`` column, sorted by problem name, then algorithm (in ``algorithms``' order), then
    k. Logs the grid's size and time.
    """
    cells = [(name, algorithm, int(k)) for name in problems for algorithm in algorithms for k in ks]
    # The costliest cells first, so that two cores (or executors) finish together.
    order = sorted(range(len(cells)), key=lambda i: (cells[i][1] != "gmm", -cells[i][2]))

    def fit_partition(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from threadpoolctl import threadpool_limits

        # One core per task: the tasks themselves are the parallelism.
        with threadpool_limits(limits=1):
            for batch in batches:
                for cell_id in batch["id"]:
                    name, algorithm, k = cells[order[int(cell_id)]]
                    row = fit_cell(algorithm, k, problems[name], settings)
                    yield pd.DataFrame([{"problem": name, **row}])

    fits = sum(1 + settings.reps(algorithm) for _, algorithm, _ in cells)
    sizes = ", ".join(f"{name}: {len(points):,} rows" for name, points in problems.items())
    log(f"k grid: {len(cells)} cells, {fits} fits ({sizes}) in one Spark job")
    started = time.perf_counter()
    table = (
        spark.range(0, len(cells), 1, numPartitions=len(cells))
        .mapInPandas(fit_partition, _CELL_SCHEMA)
        .toPandas()
    )
    log(
        f"k grid: done in {time.perf_counter() - started:.1f} s "
        f"({table['fit_seconds'].sum():.1f} s of fitting in the tasks)"
    )
    table["algorithm"] = pd.Categorical(table["algorithm"], list(algorithms))
    table = table.sort_values(["problem", "algorithm", "k"], kind="stable")
    table["algorithm"] = table["algorithm"].astype(str)
    return table.drop(columns=["n_fitted", "fit_seconds"]).reset_index(drop=True)


def selection_grid(
    df: DataFrame,
    features_col: str,
    id_col: str,
    ks: Sequence[int],
    settings: GridSettings,
    sample_size: int,
    algorithms: Sequence[str] = ALGORITHMS,
) -> pd.DataFrame:
    """The selection table (:data:`SELECTION_COLUMNS`) of one set of points.

    The cells fit on :func:`sample_points` (``n_rows`` counts the rows fitted; with more rows
    than ``sample_size`` the log says how many were sampled from how many).
    """
    points, n_rows = sample_points(df, features_col, id_col, sample_size, settings.seed)
    if len(points) < n_rows:
        log(f"k grid: a seeded sample of {len(points):,} of {n_rows:,} rows")
    table = run_grid(df.sparkSession, {"points": points}, ks, settings, algorithms)
    return table[SELECTION_COLUMNS]
