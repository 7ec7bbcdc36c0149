"""marketing_analytics.ml.clustering agrees with scikit-learn on small samples.

The Spark tests use their own tiny in-memory SparkSession (``local[1]``, no Hive catalog, so no
Derby metastore and no clash with a running build); the selection rule is tested without Spark.
"""

import math
from collections.abc import Iterator

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

from marketing_analytics.ml import clustering

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    import os

    from pyspark.sql import SparkSession

    from marketing_analytics.spark_env import spark_environment

    for key, value in spark_environment().items():
        os.environ.setdefault(key, value)
    warehouse = tmp_path_factory.mktemp("clustering_warehouse")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("test_clustering")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield session
    session.stop()


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
        assert clustering.gmm_parameter_count(k, points.shape[1]) == model._n_parameters()


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


# --------------------------------------------------------------------------- Spark vs sklearn

spark_tests = pytest.mark.slow


@spark_tests
@pytest.mark.parametrize("seed", [0, 3])
def test_indices_match_sklearn(spark, seed: int) -> None:
    points, truth = blobs(90, 3, seed=seed, spread=1.5)
    rng = np.random.default_rng(seed)
    noisy = np.where(rng.random(len(truth)) < 0.2, rng.integers(0, 4, len(truth)), truth)
    df = to_spark(spark, points, truth=truth.astype(int), noisy=noisy.astype(int))
    for column, labels in (("truth", truth), ("noisy", noisy)):
        assert clustering.silhouette(df, "features", column) == pytest.approx(
            silhouette_score(points, labels, metric="sqeuclidean"), abs=TOLERANCE
        )
        assert clustering.davies_bouldin(df, "features", column) == pytest.approx(
            davies_bouldin_score(points, labels), abs=TOLERANCE
        )
        assert clustering.calinski_harabasz(df, "features", column) == pytest.approx(
            calinski_harabasz_score(points, labels), rel=TOLERANCE
        )
    assert clustering.adjusted_rand_index(df, "truth", "noisy") == pytest.approx(
        adjusted_rand_score(truth, noisy), abs=TOLERANCE
    )


@spark_tests
def test_adjusted_rand_index_edge_cases(spark) -> None:
    labels_a = np.array(["x", "x", "y", "y", "z", "z", "z", "x"])
    labels_b = np.array([1, 1, 1, 2, 2, 3, 3, 3])
    points = np.zeros((len(labels_a), 2))
    df = to_spark(
        spark,
        points,
        a=labels_a,
        b=labels_b,
        same=np.zeros(len(labels_a), dtype=int),
        unique=np.arange(len(labels_a)),
    )
    assert clustering.adjusted_rand_index(df, "a", "b") == pytest.approx(
        adjusted_rand_score(labels_a, labels_b), abs=TOLERANCE
    )
    assert clustering.adjusted_rand_index(df, "a", "a") == pytest.approx(1.0)
    assert clustering.adjusted_rand_index(df, "same", "same") == 1.0
    assert clustering.adjusted_rand_index(df, "unique", "unique") == 1.0
    assert clustering.adjusted_rand_index(df, "same", "a") == pytest.approx(
        adjusted_rand_score(np.zeros(len(labels_a)), labels_a), abs=TOLERANCE
    )


@spark_tests
def test_standardize_and_correlations(spark) -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"spend": rng.gamma(2.0, 50.0, 40)})
    frame["visits"] = frame["spend"] * 0.1 + rng.normal(0, 3, 40)
    frame["noise"] = rng.normal(0, 1, 40)
    df = spark.createDataFrame(frame)
    scaled = clustering.standardize(df, ["spend", "visits", "noise"], "features")
    matrix = np.array([row["features"].toArray() for row in scaled.collect()])
    expected = (frame.to_numpy() - frame.mean().to_numpy()) / frame.std(ddof=1).to_numpy()
    np.testing.assert_allclose(matrix, expected, atol=TOLERANCE)
    table = clustering.correlations_with(df, "spend", ["spend", "visits", "noise"])
    np.testing.assert_allclose(
        table["correlation"], frame.corr()["spend"].to_numpy(), atol=TOLERANCE
    )


@spark_tests
def test_kmeans_grid_prefers_planted_k_and_is_stable(spark) -> None:
    points, truth = blobs(160, 4, seed=11, spread=0.8)
    df = to_spark(spark, points, truth=truth.astype(int))
    table = clustering.kmeans_grid(
        df, "features", [2, 3, 4, 5], seed=3, max_iter=20, tol=1e-4, n_bootstrap=2
    )
    assert list(table.columns) == clustering.SELECTION_COLUMNS
    assert table["k"].tolist() == [2, 3, 4, 5]
    assert (table["n_rows"] == len(points)).all()
    row4 = table.set_index("k").loc[4]
    assert row4["stability_ari"] > 0.95
    assert row4["n_bootstrap"] == 2
    # Within-cluster SS decreases with k and the table's indices are the module's on the refit.
    assert table["within_cluster_ss"].is_monotonic_decreasing
    k, reason = clustering.select_k(table)
    assert k == 4, reason
    model = clustering.fit_kmeans(df, "features", 4, seed=3, max_iter=20, tol=1e-4)
    labelled = model.transform(df)
    assert clustering.adjusted_rand_index(labelled, "truth", "prediction") > 0.95
    assert clustering.silhouette(labelled, "features", "prediction") == pytest.approx(
        row4["silhouette"], abs=TOLERANCE
    )


@spark_tests
def test_gmm_grid_log_likelihood_and_bic(spark) -> None:
    points, truth = blobs(120, 3, seed=4, spread=0.7)
    df = to_spark(spark, points, truth=truth.astype(int))
    table = clustering.gmm_grid(df, "features", [2, 3, 4], seed=1, max_iter=30, n_bootstrap=1)
    assert list(table.columns) == clustering.SELECTION_COLUMNS
    assert table["log_likelihood"].notna().all()
    expected_bic = -2 * table["log_likelihood"] + [
        clustering.gmm_parameter_count(k, 3) * math.log(len(points)) for k in table["k"]
    ]
    np.testing.assert_allclose(table["bic"], expected_bic, rtol=1e-12)
    assert int(table.loc[table["bic"].idxmin(), "k"]) == 3
    assert clustering.select_k(table)[0] == 3
