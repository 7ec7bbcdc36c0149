"""Purchase amount: MLlib LinearRegression of the day's amount on purchase days.

Trained on the purchase days before the test period. One row per model term (intercept first).
"""

from pyspark.ml.feature import VectorAssembler
from pyspark.ml.regression import LinearRegression
from pyspark.sql import functions as sf

AMOUNT_FEATURES = [
    "log_days_since_last_purchase_or_signup",
    "loyalty_level",
    "is_release_day",
    "has_release_in_previous_7_days",
    "is_weekend",
    "emails_received_last_3_days",
    "transactions_previous_90_days",
    "spend_previous_90_days",
]


def model(dbt, session):
    dbt.config(materialized="table")
    test_days = int(dbt.config.get("test_days"))
    grid = dbt.ref("fct_customer_day_features")
    last_date = grid.agg(sf.max("calendar_date")).first()[0]
    split_date = sf.date_sub(sf.lit(last_date), test_days - 1)
    train = grid.where(sf.col("is_purchase_day") & (sf.col("calendar_date") < split_date)).select(
        sf.col("amount").cast("double").alias("amount"),
        *[sf.col(name).cast("double").alias(name) for name in AMOUNT_FEATURES],
    )
    assembled = VectorAssembler(inputCols=AMOUNT_FEATURES, outputCol="features").transform(train)
    fit = LinearRegression(labelCol="amount", regParam=0.0, solver="normal").fit(assembled)
    summary = fit.summary
    rows = [
        (
            "intercept",
            float(fit.intercept),
            float(summary.coefficientStandardErrors[-1]),
            float(summary.r2),
            float(summary.rootMeanSquaredError),
            int(summary.numInstances),
        )
    ]
    for index, name in enumerate(AMOUNT_FEATURES):
        rows.append(
            (
                name,
                float(fit.coefficients[index]),
                float(summary.coefficientStandardErrors[index]),
                float(summary.r2),
                float(summary.rootMeanSquaredError),
                int(summary.numInstances),
            )
        )
    return session.createDataFrame(
        rows,
        "term string, coefficient double, std_error double, training_r2 double, "
        "training_rmse double, training_purchase_days bigint",
    )
