"""Uplift scores of Hillstrom's e-mail experiment: treatment = any e-mail (men's or women's),
outcomes = visit and conversion in the two weeks after. The same learners as the voucher test,
fitted per outcome on the train split. One row per outcome, learner and customer.
"""

from pyspark.sql import functions as sf

from marketing_analytics.ml.uplift import LearnerSettings, fit_and_score_learners, holdout_split

FEATURES = (
    "recency_months",
    "past_year_spend",
    "bought_mens",
    "bought_womens",
    "is_newbie",
    "is_urban",
    "is_rural",
    "is_web_channel",
    "is_multichannel",
)


def model(dbt, session):
    dbt.config(materialized="table")
    seed = int(dbt.config.get("seed"))
    holdout_percent = int(dbt.config.get("holdout_percent"))
    settings = LearnerSettings(
        features=FEATURES,
        max_iter=int(dbt.config.get("max_iter")),
        num_trees=int(dbt.config.get("num_trees")),
        partitions=int(dbt.config.get("fit_partitions")),
        seed=seed,
    )
    customers = (
        dbt.ref("int_hillstrom_customers_identified")
        .select(
            "customer_id",
            sf.lit("experiment").alias("population"),
            holdout_split(sf.col("customer_id"), seed, holdout_percent).alias("split"),
            "is_treated",
            "visit",
            "conversion",
            sf.col("spend").alias("revenue_value"),
            *FEATURES,
        )
        .cache()
    )
    scored = None
    for outcome in ("visit", "conversion"):
        population = customers.withColumn("outcome_value", sf.col(outcome)).withColumn(
            "label", sf.col(outcome)
        )
        result = fit_and_score_learners(population, settings, "hillstrom", outcome)
        scored = result if scored is None else scored.unionByName(result)
    return scored
