"""Model selection for the customer segments: K-Means and Gaussian mixtures over a k grid.

One row per algorithm per k: silhouette, Davies-Bouldin, Calinski-Harabasz, within-cluster sum of
squares (K-Means), log-likelihood and BIC (GMM), bootstrap stability (mean ARI), the chosen k and
the reason. Settings from YAML config (vars); the features are standardized with MLlib's
StandardScaler. The whole grid is one Spark job (marketing_analytics.ml.cluster_grid).
"""

from marketing_analytics.ml import cluster_grid, segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    customers = dbt.ref("dim_customers_360")
    value = segmentation.config_value
    features = segmentation.config_list(dbt.config.get("cluster_features"))
    transform = dbt.config.get("feature_transform")
    k_grid = segmentation.config_list(dbt.config.get("k_grid"))
    id_column = dbt.config.get("id_column")
    points = segmentation.scaled_features(customers, id_column, features, transform)
    settings = cluster_grid.GridSettings(
        seed=int(value(dbt.config.get("seed"))),
        kmeans_max_iter=int(value(dbt.config.get("kmeans_max_iter"))),
        kmeans_tol=float(value(dbt.config.get("kmeans_tol"))),
        gmm_max_iter=int(value(dbt.config.get("gmm_max_iter"))),
        gmm_tol=float(value(dbt.config.get("gmm_tol"))),
        n_bootstrap=int(value(dbt.config.get("bootstrap_reps"))),
        gmm_n_bootstrap=int(value(dbt.config.get("gmm_bootstrap_reps"))),
        sample_fraction=float(value(dbt.config.get("bootstrap_fraction"))),
    )
    table = segmentation.selection_table(
        points,
        id_column,
        ks=[int(k) for k in k_grid],
        settings=settings,
        sample_size=int(value(dbt.config.get("sample_size"))),
        min_stability=float(value(dbt.config.get("min_stability"))),
        feature_cols=features,
        feature_transform=transform,
        rule=dbt.config.get("selection_rule"),
        silhouette_tolerance=float(value(dbt.config.get("silhouette_tolerance"))),
    )
    return session.createDataFrame(table)
