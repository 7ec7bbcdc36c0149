"""Uplift scores of the voucher A/B test customers and of the next campaign's customers.

Fits a T-learner (one random-forest classifier per arm, the seed's approach) and an
S-learner (one logistic regression with treatment interactions) on the train split of the test,
and scores the whole test (train and holdout: evaluation uses the holdout only) and the customers
of the next campaign (features as of the day after the data ends). The seed's rule (control model
predicts no order, treated model predicts an order) is a third "learner" whose score is 0/1.
One row per population, customer and learner.
"""

from pyspark.sql import functions as sf

from marketing_analytics.ml.uplift import LearnerSettings, fit_and_score_learners

# Recency, frequency, monetary value, engagement, loyalty, income and tenure, as of the snapshot.
FEATURES = (
    "log_recency_months",
    "log_recency_months_squared",
    "log_purchase_days_per_30_days",
    "log_revenue_per_30_days",
    "average_order_value",
    "log_sessions_per_30_days",
    "email_open_rate",
    "loyalty_level",
    "is_platinum",
    "income_10k",
    "tenure_days",
)


def with_model_features(df):
    """Log-scaled recency (in months, and its square), frequency, revenue and sessions,
    the Platinum flag and the income in tens of thousands."""
    recency = sf.log(sf.greatest(sf.col("days_since_last_purchase"), sf.lit(1)) / 30.0)
    return (
        df.withColumn("log_recency_months", recency)
        .withColumn("log_recency_months_squared", recency * recency)
        .withColumn("log_purchase_days_per_30_days", sf.log1p("purchase_days_per_30_days"))
        .withColumn("log_revenue_per_30_days", sf.log1p("revenue_per_30_days"))
        .withColumn("log_sessions_per_30_days", sf.log1p("sessions_per_30_days"))
        .withColumn("is_platinum", (sf.col("loyalty_level") == 3).cast("double"))
        .withColumn("income_10k", sf.col("income") / 10000.0)
    )


def model(dbt, session):
    dbt.config(materialized="table")
    max_iter = int(dbt.config.get("max_iter"))
    num_trees = int(dbt.config.get("num_trees"))
    seed = int(dbt.config.get("seed"))

    labeled = with_model_features(dbt.ref("int_voucher_test_customers_labeled"))
    next_campaign = with_model_features(
        dbt.ref("int_customers_featured_at_snapshots").where(
            sf.col("snapshot_name") == "next_campaign"
        )
    )
    experiment = labeled.select(
        "customer_id",
        sf.lit("experiment").alias("population"),
        "split",
        "is_treated",
        sf.col("is_converted").cast("double").alias("outcome_value"),
        sf.col("test_revenue").alias("revenue_value"),
        *FEATURES,
    )
    campaign = next_campaign.select(
        "customer_id",
        sf.lit("next_campaign").alias("population"),
        sf.lit(None).cast("string").alias("split"),
        sf.lit(None).cast("boolean").alias("is_treated"),
        sf.lit(None).cast("double").alias("outcome_value"),
        sf.lit(None).cast("double").alias("revenue_value"),
        *FEATURES,
    )
    population = experiment.unionByName(campaign).withColumn("label", sf.col("outcome_value"))
    settings = LearnerSettings(
        features=FEATURES,
        max_iter=max_iter,
        num_trees=num_trees,
        seed=seed,
        partitions=int(dbt.config.get("fit_partitions")),
    )
    return fit_and_score_learners(population, settings, "synthetic", "converted")
