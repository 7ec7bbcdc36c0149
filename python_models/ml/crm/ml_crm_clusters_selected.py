"""Sprint 3 of the CRM analysis: K-Means over a grid of k with stability, per dataset.

One row per dataset per k: silhouette, Davies-Bouldin, Calinski-Harabasz, within-cluster sum of
squares, mean and sd of the ARI over subsamples, whether k was selected (and why), and the
features kept after correlation pruning. The grid of every dataset is one Spark job
(``marketing_analytics.ml.cluster_grid``, shared with the segmentation); ml_crm_customers_clusters
refits the selected k with MLlib on every customer.
"""

from pyspark.sql import functions as F  # noqa: N812

from marketing_analytics.ml.cluster_grid import GridSettings, run_grid, sample_points
from marketing_analytics.ml.clustering import select_k, standardize
from marketing_analytics.ml.correlation import correlation_matrix, prune_correlated

# Candidate features, in priority order for the correlation pruning.
CANDIDATE_FEATURES = [
    "total_spend_capped",
    "total_purchases",
    "average_order_value",
    "recency_days",
    "income_capped",
    "tenure_months",
    "num_web_visits_month",
    "web_purchase_share",
    "catalog_purchase_share",
    "store_purchase_share",
    "deals_purchase_share",
    "wines_share",
    "meat_share",
    "kids_at_home",
    "teens_at_home",
    "clv_proxy",
]


def feature_frame(customers, columns):
    """The candidate features as non-null doubles (no purchases: shares and AOV are 0)."""
    return customers.select(
        "dataset",
        "customer_id",
        *[F.coalesce(F.col(name).cast("double"), F.lit(0.0)).alias(name) for name in columns],
    )


def model(dbt, session):
    dbt.config(materialized="table")
    k_min = int(dbt.config.get("k_min"))
    k_max = int(dbt.config.get("k_max"))
    seed = int(dbt.config.get("seed"))
    n_bootstrap = int(dbt.config.get("n_bootstrap"))
    sample_fraction = float(dbt.config.get("sample_fraction"))
    min_stability = float(dbt.config.get("min_stability"))
    threshold = float(dbt.config.get("correlation_threshold"))
    sample_size = int(dbt.config.get("sample_size"))

    customers = feature_frame(dbt.ref("dim_crm_customers"), CANDIDATE_FEATURES)
    datasets = sorted(row["dataset"] for row in customers.select("dataset").distinct().collect())
    problems, kept_features = {}, {}
    for dataset in datasets:
        rows = customers.where(F.col("dataset") == dataset).persist()
        kept = prune_correlated(correlation_matrix(rows, CANDIDATE_FEATURES), threshold)
        problems[dataset], _ = sample_points(
            standardize(rows, kept), "features", "customer_id", sample_size, seed
        )
        kept_features[dataset] = kept
        rows.unpersist()
    settings = GridSettings(seed=seed, n_bootstrap=n_bootstrap, sample_fraction=sample_fraction)
    grid = run_grid(session, problems, range(k_min, k_max + 1), settings, algorithms=["kmeans"])
    tables = []
    for dataset in datasets:
        table = grid[grid["problem"] == dataset].reset_index(drop=True)
        chosen, reason = select_k(table, min_stability)
        table["dataset"] = dataset
        table["is_selected"] = table["k"] == chosen
        table["selection_reason"] = reason
        table["features_used"] = ",".join(kept_features[dataset])
        tables.append(table)

    columns = [
        ("dataset", "string"),
        ("k", "int"),
        ("n_rows", "bigint"),
        ("silhouette", "double"),
        ("davies_bouldin", "double"),
        ("calinski_harabasz", "double"),
        ("within_cluster_ss", "double"),
        ("stability_ari", "double"),
        ("stability_ari_sd", "double"),
        ("n_bootstrap", "int"),
        ("is_selected", "boolean"),
        ("selection_reason", "string"),
        ("features_used", "string"),
    ]
    records = [
        tuple(
            None if value != value else value  # NaN -> null
            for value in (
                str(row["dataset"]),
                int(row["k"]),
                int(row["n_rows"]),
                float(row["silhouette"]),
                float(row["davies_bouldin"]),
                float(row["calinski_harabasz"]),
                float(row["within_cluster_ss"]),
                float(row["stability_ari"]),
                float(row["stability_ari_sd"]),
                int(row["n_bootstrap"]),
                bool(row["is_selected"]),
                str(row["selection_reason"]),
                str(row["features_used"]),
            )
        )
        for table in tables
        for row in table.to_dict("records")
    ]
    schema = ", ".join(f"{name} {data_type}" for name, data_type in columns)
    return session.createDataFrame(records, schema)
