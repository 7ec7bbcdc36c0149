"""Sprint 3 of the CRM analysis: the K-Means cluster of every customer, per dataset.

Refits K-Means (shared implementation, same seed) at the k that ml_crm_clusters_selected chose,
on the features it kept, and labels every customer. One row per dataset per customer.
"""

from pyspark.sql import functions as F  # noqa: N812

from marketing_analytics.ml.clustering import fit_kmeans, standardize


def model(dbt, session):
    dbt.config(materialized="table")
    seed = int(dbt.config.get("seed"))
    selected = (
        dbt.ref("ml_crm_clusters_selected")
        .where(F.col("is_selected"))
        .select("dataset", "k", "features_used")
        .collect()
    )
    customers = dbt.ref("dim_crm_customers")
    labelled = []
    for choice in sorted(selected, key=lambda row: row["dataset"]):
        features = choice["features_used"].split(",")
        rows = customers.where(F.col("dataset") == choice["dataset"]).select(
            "dataset",
            "customer_id",
            *[F.coalesce(F.col(name).cast("double"), F.lit(0.0)).alias(name) for name in features],
        )
        scaled = standardize(rows, features)
        fitted = fit_kmeans(scaled, "features", int(choice["k"]), seed=seed)
        labelled.append(
            fitted.transform(scaled).select(
                "dataset",
                "customer_id",
                F.col("prediction").cast("int").alias("cluster_id"),
                F.lit(int(choice["k"])).alias("k"),
            )
        )
    result = labelled[0]
    for frame in labelled[1:]:
        result = result.unionByName(frame)
    return result
