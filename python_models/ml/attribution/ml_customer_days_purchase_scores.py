"""Purchase probability of every test-period customer-day and of each customer's latest day.

Scores the grid with the prior-corrected coefficients of
ml_customer_days_purchase_coefficients (no refit). One row per customer per scored day.
"""

from pyspark.sql import functions as sf

from marketing_analytics.ml.attribution import DRIVER_FEATURES


def model(dbt, session):
    dbt.config(materialized="table")
    test_days = int(dbt.config.get("test_days"))
    coefficients = {
        row["term"]: float(row["coefficient"])
        for row in dbt.ref("ml_customer_days_purchase_coefficients").collect()
    }
    grid = dbt.ref("fct_customer_day_features")
    last_date = grid.agg(sf.max("calendar_date")).first()[0]
    split_date = sf.date_sub(sf.lit(last_date), test_days - 1)
    latest = grid.groupBy("customer_id").agg(sf.max("calendar_date").alias("latest_date"))
    scored = grid.join(latest, "customer_id").where(
        (sf.col("calendar_date") >= split_date) | (sf.col("calendar_date") == sf.col("latest_date"))
    )
    linear = sf.lit(coefficients["intercept"])
    for name in DRIVER_FEATURES:
        linear = linear + sf.lit(coefficients[name]) * sf.col(name).cast("double")
    return scored.select(
        "customer_id",
        "calendar_date",
        (sf.col("calendar_date") >= split_date).alias("is_test_day"),
        (sf.col("calendar_date") == sf.col("latest_date")).alias("is_latest_day"),
        "is_purchase_day",
        (1 / (1 + sf.exp(-linear))).alias("purchase_probability"),
    )
