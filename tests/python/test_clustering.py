"""The clustering modules (preparation, k grid, selection) agree with scikit-learn on small samples.

The Spark tests use the in-memory ``spark`` session of conftest.py; the indices and the selection
rule are tested without Spark.
"""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from marketing_analytics.ml import cluster_grid, clustering

TOLERANCE = 1e-6


def blobs(n: int, centers: int, seed: int, spread: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    points, labels = make_blobs(
        n_samples=n, centers=centers, n_features=3, cluster_std=spread, random_state=seed
    )
    return points, labels


def to_spark(spark, points: np.ndarray, **label_columns: np.ndarray):
    from pyspark.ml.linalg import Vectors

    rows = [
        (i, Vectors.dense(point.tolist()), *[col[i].item() for col in label_columns.values()])
        for i, point in enumerate(points)
    ]
    columns = ["row_id", "features", *label_columns.keys()]
    return spark.createDataFrame(rows, columns)


# --------------------------------------------------------------------------- pure Python


def test_gmm_parameter_count_matches_sklearn() -> None:
    points, _ = blobs(60, 3, seed=1)
    for k in (2, 4):
        model = SkGaussianMixture(n_components=k, covariance_type="full", random_state=0)
        model.fit(points)
        assert cluster_grid.gmm_parameter_count(k, points.shape[1]) == model._n_parameters()


def selection_table(**overrides: list) -> pd.DataFrame:
    base = {
        "algorithm": ["kmeans"] * 4,
        "k": [2, 3, 4, 5],
        "silhouette": [0.50, 0.55, 0.70, 0.60],
        "davies_bouldin": [0.90, 0.80, 0.50, 0.70],
        "calinski_harabasz": [900.0, 1000.0, 1500.0, 1400.0],
        "bic": [math.nan] * 4,
        "stability_ari": [0.99, 0.95, 0.97, 0.60],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_select_k_majority_of_indices() -> None:
    k, reason = clustering.select_k(selection_table())
    assert k == 4
    assert "3 of 3" in reason


def test_select_k_skips_unstable_k() -> None:
    # k=5 is best on every index but unstable: k=4 wins among the stable ones.
    table = selection_table(
        silhouette=[0.5, 0.55, 0.7, 0.9],
        davies_bouldin=[0.9, 0.8, 0.5, 0.3],
        calinski_harabasz=[900.0, 1000.0, 1500.0, 2000.0],
    )
    assert clustering.select_k(table, min_stability=0.8)[0] == 4
    assert clustering.select_k(table, min_stability=0.5)[0] == 5


def test_select_k_uses_bic_and_breaks_ties_by_silhouette() -> None:
    table = selection_table(
        silhouette=[0.5, 0.8, 0.7, 0.6],
        davies_bouldin=[0.9, 0.8, 0.5, 0.7],
        calinski_harabasz=[900.0, 1600.0, 1500.0, 1400.0],
        bic=[500.0, 400.0, 300.0, 350.0],
    )
    # k=3 (silhouette, CH) and k=4 (DB, BIC) tie 2-2: the higher silhouette wins.
    k, reason = clustering.select_k(table)
    assert k == 3
    assert "2 of 4" in reason


def test_select_k_stable_near_best() -> None:
    # k=6 edges the silhouette but splits unstably; k=4 is within the tolerance and most stable.
    table = pd.DataFrame(
        {
            "algorithm": ["kmeans"] * 5,
            "k": [2, 3, 4, 5, 6],
            "silhouette": [0.66, 0.60, 0.798, 0.793, 0.809],
            "davies_bouldin": [0.92, 0.84, 0.59, 0.578, 0.574],
            "calinski_harabasz": [855.0, 763.0, 1529.0, 1379.0, 1363.0],
            "bic": [math.nan] * 5,
            "stability_ari": [0.87, 0.49, 0.94, 0.86, 0.80],
        }
    )
    assert clustering.select_k(table, 0.8, "votes")[0] == 6
    k, reason = clustering.select_k(table, 0.8, "stable_near_best", 0.02)
    assert k == 4
    assert "k in 4, 5, 6" in reason
    # A tolerance of zero keeps only the best silhouette.
    assert clustering.select_k(table, 0.8, "stable_near_best", 0.0)[0] == 6
    with pytest.raises(ValueError, match="unknown rule"):
        clustering.select_k(table, rule="best")


# --------------------------------------------------------------------------- grid cells vs sklearn


@pytest.mark.parametrize("seed", [0, 3])
def test_silhouette_matches_sklearn(seed: int) -> None:
    points, truth = blobs(90, 3, seed=seed, spread=1.5)
    rng = np.random.default_rng(seed)
    noisy = np.where(rng.random(len(truth)) < 0.2, rng.integers(0, 4, len(truth)), truth)
    singleton = truth.copy()
    singleton[0] = 9  # a cluster of one point scores 0 (scikit-learn's convention)
    for labels in (truth, noisy, singleton):
        assert cluster_grid.silhouette_sqeuclidean(points, labels) == pytest.approx(
            silhouette_score(points, labels, metric="sqeuclidean"), abs=TOLERANCE
        )
    with pytest.raises(ValueError, match="2 to n - 1 clusters"):
        cluster_grid.silhouette_sqeuclidean(points, np.zeros(len(points)))


@pytest.mark.parametrize("algorithm", ["kmeans", "gmm"])
def test_cell_indices_and_stability_match_sklearn(algorithm: str) -> None:
    points, truth = blobs(150, 3, seed=2, spread=0.8)
    settings = cluster_grid.GridSettings(seed=5, n_bootstrap=3, gmm_n_bootstrap=3)
    row = cluster_grid.fit_cell(algorithm, 3, points, settings)
    # The cell's own fit, refitted here with the same settings, gives the same labels.
    labels = cluster_grid._fit(algorithm, 3, points, settings.seed, settings).predict(points)
    assert adjusted_rand_score(truth, labels) > 0.95
    assert row["n_rows"] == len(points) and row["n_clusters_found"] == 3
    assert row["silhouette"] == pytest.approx(
        silhouette_score(points, labels, metric="sqeuclidean"), abs=TOLERANCE
    )
    assert row["davies_bouldin"] == pytest.approx(davies_bouldin_score(points, labels), abs=1e-9)
    assert row["calinski_harabasz"] == pytest.approx(
        calinski_harabasz_score(points, labels), rel=1e-9
    )
    # Stability by hand: subsample r (seed + r, 80% without replacement) refitted, all relabelled.
    scores = []
    for replicate in (1, 2, 3):
        rng = np.random.default_rng(settings.seed + replicate)
        sample = points[rng.choice(len(points), size=120, replace=False)]
        refit = cluster_grid._fit(algorithm, 3, sample, settings.seed + replicate, settings)
        scores.append(adjusted_rand_score(labels, refit.predict(points)))
    assert row["stability_ari"] == pytest.approx(np.mean(scores), abs=1e-12)
    assert row["stability_ari_sd"] == pytest.approx(np.std(scores, ddof=1), abs=1e-12)
    assert row["n_bootstrap"] == 3 and row["n_fitted"] == 4
    if algorithm == "gmm":
        model = SkGaussianMixture(
            n_components=3, covariance_type="full", max_iter=30, tol=1e-3, random_state=5
        ).fit(points)
        assert row["log_likelihood"] == pytest.approx(model.score(points) * len(points))
        assert row["bic"] == pytest.approx(model.bic(points))
        assert math.isnan(row["within_cluster_ss"])
    else:
        assert math.isnan(row["bic"])
        assert row["within_cluster_ss"] > 0


def test_unknown_algorithm_is_rejected() -> None:
    points, _ = blobs(30, 2, seed=0)
    with pytest.raises(ValueError, match="algorithm must be one of"):
        cluster_grid.fit_cell("dbscan", 2, points, cluster_grid.GridSettings())


# --------------------------------------------------------------------------- on Spark

spark_tests = pytest.mark.slow


@spark_tests
def test_standardize_gives_z_scores_with_the_sample_deviation(spark) -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"spend": rng.gamma(2.0, 50.0, 40)})
    frame["visits"] = frame["spend"] * 0.1 + rng.normal(0, 3, 40)
    frame["noise"] = rng.normal(0, 1, 40)
    df = spark.createDataFrame(frame)
    scaled = clustering.standardize(df, ["spend", "visits", "noise"], "features")
    matrix = np.array([row["features"].toArray() for row in scaled.collect()])
    expected = (frame.to_numpy() - frame.mean().to_numpy()) / frame.std(ddof=1).to_numpy()
    np.testing.assert_allclose(matrix, expected, atol=TOLERANCE)


@spark_tests
def test_grid_prefers_planted_k_and_mllib_refit_gives_the_same_partition(spark) -> None:
    points, truth = blobs(160, 4, seed=11, spread=0.8)
    df = to_spark(spark, points, truth=truth.astype(int))
    settings = cluster_grid.GridSettings(seed=3, n_bootstrap=2, gmm_n_bootstrap=1)
    table = cluster_grid.selection_grid(
        df, "features", "row_id", [2, 3, 4, 5], settings, sample_size=1000
    )
    assert list(table.columns) == cluster_grid.SELECTION_COLUMNS
    assert table["algorithm"].tolist() == ["kmeans"] * 4 + ["gmm"] * 4
    assert table["k"].tolist() == [2, 3, 4, 5] * 2
    assert (table["n_rows"] == len(points)).all()
    # Each row is the cell computed alone (the job neither drops nor mixes cells).
    for row in table.to_dict("records"):
        alone = cluster_grid.fit_cell(row["algorithm"], row["k"], points, settings)
        for column in ("silhouette", "davies_bouldin", "stability_ari", "bic"):
            np.testing.assert_allclose(row[column], alone[column], rtol=1e-9)
    kmeans = table[table["algorithm"] == "kmeans"].set_index("k")
    assert kmeans.loc[4, "stability_ari"] > 0.95
    assert kmeans.loc[4, "n_bootstrap"] == 2
    assert kmeans["within_cluster_ss"].is_monotonic_decreasing
    k, reason = clustering.select_k(kmeans.reset_index())
    assert k == 4, reason
    gmm = table[table["algorithm"] == "gmm"].reset_index(drop=True)
    expected_bic = -2 * gmm["log_likelihood"] + [
        cluster_grid.gmm_parameter_count(k, 3) * math.log(len(points)) for k in gmm["k"]
    ]
    np.testing.assert_allclose(gmm["bic"], expected_bic, rtol=1e-12)
    assert int(gmm.loc[gmm["bic"].idxmin(), "k"]) == 4
    # The published labels come from MLlib on every row: the grid's partition at the chosen k.
    labelled = clustering.fit_kmeans(df, "features", 4, seed=3).transform(df).toPandas()
    mllib = labelled.sort_values("row_id")["prediction"].to_numpy()
    assert adjusted_rand_score(truth, mllib) > 0.95
    assert cluster_grid.silhouette_sqeuclidean(points, mllib) == pytest.approx(
        kmeans.loc[4, "silhouette"], abs=TOLERANCE
    )


@spark_tests
def test_grid_samples_large_inputs_and_keeps_problems_apart(spark) -> None:
    points, _ = blobs(400, 3, seed=4, spread=0.7)
    df = to_spark(spark, points)
    sample, n_rows = cluster_grid.sample_points(df, "features", "row_id", 100, seed=1)
    assert n_rows == 400 and 50 <= len(sample) <= 150
    # The same rows in the same order however the input is partitioned.
    again, _ = cluster_grid.sample_points(df.repartition(3), "features", "row_id", 100, seed=1)
    np.testing.assert_array_equal(sample, again)
    everything, _ = cluster_grid.sample_points(df.repartition(3), "features", "row_id", 400, 1)
    np.testing.assert_array_equal(everything, points)
    small, _ = blobs(80, 2, seed=9, spread=0.5)
    settings = cluster_grid.GridSettings(seed=1, n_bootstrap=1)
    table = cluster_grid.run_grid(spark, {"a": sample, "b": small}, [2, 3], settings, ["kmeans"])
    assert table[["problem", "k"]].values.tolist() == [["a", 2], ["a", 3], ["b", 2], ["b", 3]]
    assert table.groupby("problem")["n_rows"].first().to_dict() == {"a": len(sample), "b": 80}
    assert int(table.loc[table["problem"] == "b"].sort_values("silhouette")["k"].iat[-1]) == 2
