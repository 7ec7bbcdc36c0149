"""Timing of the segmentation's model selection at scale: the k grid and the MLlib refit.

``python -m marketing_analytics.bench.selection --rows 1000000`` writes nothing: it plants
``--segments`` Gaussian segments in ``--rows`` points (9 dimensions, as the customer-360
features), standardizes them with MLlib, runs the k grid of the demo's settings as one Spark
job on a seeded sample (:func:`cluster_grid.selection_grid`), refits the chosen k with MLlib
on every row, and prints each step's seconds, the chosen k and its ARI to the planted labels.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--segments", type=int, default=4)
    parser.add_argument("--sample-size", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F  # noqa: N812
    from sklearn.metrics import adjusted_rand_score

    from marketing_analytics.ml import cluster_grid, clustering
    from marketing_analytics.spark_env import spark_environment

    for key, value in spark_environment().items():
        os.environ.setdefault(key, value)
    spark = (
        SparkSession.builder.master("local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    dims = 9
    rng = np.random.default_rng(args.seed)
    centers = rng.normal(0, 4, (args.segments, dims))
    columns = [f"x{i}" for i in range(dims)]
    # Points generated in Spark from the row id: the planted segment is id % segments.
    segment = (F.col("id") % args.segments).cast("int")
    points = spark.range(args.rows, numPartitions=8).select(
        "id",
        segment.alias("segment"),
        *[
            (
                F.element_at(
                    F.array(*[F.lit(float(c)) for c in centers[:, i]]),
                    segment + 1,
                )
                + F.randn(args.seed + i)
            ).alias(name)
            for i, name in enumerate(columns)
        ],
    )
    started = time.perf_counter()
    scaled = clustering.standardize(points, columns).select("id", "segment", "features").cache()
    scaled.count()
    prepared = time.perf_counter() - started
    settings = cluster_grid.GridSettings(seed=args.seed)
    started = time.perf_counter()
    table = cluster_grid.selection_grid(
        scaled, "features", "id", range(2, 9), settings, args.sample_size
    )
    grid = time.perf_counter() - started
    kmeans = table[table["algorithm"] == "kmeans"].reset_index(drop=True)
    chosen, _ = clustering.select_k(kmeans, 0.8, "stable_near_best", 0.03)
    started = time.perf_counter()
    model = clustering.fit_kmeans(scaled, "features", chosen, seed=args.seed)
    labels = model.transform(scaled).select("segment", "prediction").toPandas()
    refit = time.perf_counter() - started
    ari = adjusted_rand_score(labels["segment"], labels["prediction"])
    print(
        f"rows {args.rows:,}: standardize {prepared:.1f} s; k grid (k 2-8, K-Means and GMM, "
        f"{len(table)} cells, sample {int(table['n_rows'].iat[0]):,}) {grid:.1f} s; "
        f"MLlib K-Means refit at k={chosen} on every row and labels collected {refit:.1f} s; "
        f"ARI to the planted segments {ari:.3f}; load average {os.getloadavg()[0]:.2f}"
    )
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
