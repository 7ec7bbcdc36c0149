"""Segment of every customer: K-Means at the chosen k, plus the GMM and the appendix k views.

One row per customer. The chosen k is read from ml_customers_segment_selection; the models are
refitted with the same seed, features and settings.
"""

from pyspark.ml.functions import vector_to_array
from pyspark.sql import functions as F  # noqa: N812

from marketing_analytics.ml import clustering, segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    customers = dbt.ref("dim_customers_360")
    selection = dbt.ref("ml_customers_segment_selection")
    value = segmentation.config_value
    id_column = dbt.config.get("id_column")
    features = segmentation.config_list(dbt.config.get("cluster_features"))
    seed = int(value(dbt.config.get("seed")))
    max_iter = int(value(dbt.config.get("kmeans_max_iter")))
    tol = float(value(dbt.config.get("kmeans_tol")))
    appendix_k = int(value(dbt.config.get("appendix_k")))

    chosen_k = int(selection.where(F.col("is_chosen")).select("k").first()["k"])
    points = segmentation.scaled_features(
        customers, id_column, features, dbt.config.get("feature_transform")
    ).persist()

    kmeans = clustering.fit_kmeans(points, "features", chosen_k, seed, max_iter, tol, "segment_id")
    gmm = clustering.fit_gmm(
        points,
        "features",
        chosen_k,
        seed,
        int(value(dbt.config.get("gmm_max_iter"))),
        float(value(dbt.config.get("gmm_tol"))),
        "gmm_segment_id",
        "gmm_probabilities",
    )
    appendix = clustering.fit_kmeans(
        points, "features", appendix_k, seed, max_iter, tol, "appendix_segment_id"
    )
    labelled = appendix.transform(gmm.transform(kmeans.transform(points)))
    result = labelled.select(
        F.col(id_column).alias("customer_id"),
        F.col("segment_id").cast("int").alias("segment_id"),
        F.lit(chosen_k).cast("int").alias("segment_count"),
        F.col("gmm_segment_id").cast("int").alias("gmm_segment_id"),
        F.array_max(vector_to_array(F.col("gmm_probabilities"))).alias("gmm_probability"),
        F.col("appendix_segment_id").cast("int").alias("appendix_segment_id"),
        F.lit(appendix_k).cast("int").alias("appendix_segment_count"),
    )
    return result
