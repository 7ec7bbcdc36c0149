"""The seed's feature selection: correlation of each candidate feature with total spend.

One row per candidate feature. Settings from YAML config (vars): ``candidate_features``,
``target``, ``correlation_threshold``, ``cluster_features``.
"""

from marketing_analytics.ml import segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    customers = dbt.ref("dim_customers_360")
    candidates = segmentation.config_list(dbt.config.get("candidate_features"))
    cluster_features = segmentation.config_list(dbt.config.get("cluster_features"))
    target = dbt.config.get("target")
    threshold = float(segmentation.config_value(dbt.config.get("correlation_threshold")))
    table = segmentation.correlation_table(
        customers, target, candidates, threshold, cluster_features
    )
    return session.createDataFrame(table)
