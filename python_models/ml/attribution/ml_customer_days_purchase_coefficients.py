"""Purchase propensity: MLlib LogisticRegression on the customer-day grid.

Time-based split (train on the days before the last `test_days`), case-control sampling
(every purchase day, a seeded share of the other days) and King-Zeng prior correction of the
intercept. One row per model term (intercept first) with its coefficient, standard error and
95% interval, the feature's sd over the training grid, the standardized effect |coef| x sd and
the odds ratios.
"""

import numpy as np
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import functions as sf

from marketing_analytics.ml.attribution import (
    DRIVER_FEATURES,
    logistic_standard_errors,
    prior_corrected_intercept,
)
from marketing_analytics.ml.experiments import z_quantile


def training_days(features, test_days):
    last_date = features.agg(sf.max("calendar_date")).first()[0]
    split_date = sf.date_sub(sf.lit(last_date), test_days - 1)
    return features.where(sf.col("calendar_date") < split_date)


def model(dbt, session):
    dbt.config(materialized="table")
    test_days = int(dbt.config.get("test_days"))
    sample_rate = float(dbt.config.get("negative_sample_rate"))
    seed = int(dbt.config.get("random_seed"))
    confidence_z = z_quantile(float(dbt.config.get("confidence_level")))
    names = list(DRIVER_FEATURES)

    grid = dbt.ref("fct_customer_day_features").select(
        "customer_id",
        "calendar_date",
        sf.col("is_purchase_day").cast("double").alias("label"),
        *[sf.col(name).cast("double").alias(name) for name in names],
    )
    train = training_days(grid, test_days)
    moments = train.agg(
        sf.count(sf.lit(1)).alias("rows"),
        sf.avg("label").alias("event_rate"),
        *[sf.stddev_pop(name).alias(f"sd_{name}") for name in names],
    ).first()

    # Case-control sample: every purchase day and a seeded share of the other days, chosen
    # by a hash of (customer, day) so that the sample does not depend on the partitioning.
    draw = sf.pmod(sf.xxhash64("customer_id", "calendar_date", sf.lit(seed)), sf.lit(1_000_000))
    sample = train.where(
        (sf.col("label") == 1) | (draw < sf.lit(round(sample_rate * 1_000_000)))
    ).drop("customer_id")
    sample = VectorAssembler(inputCols=names, outputCol="features").transform(sample).cache()
    sample_rate_observed = sample.agg(sf.avg("label")).first()[0]
    fit = LogisticRegression(
        labelCol="label", featuresCol="features", regParam=0.0, maxIter=100, tol=1e-8
    ).fit(sample)
    slopes = [float(value) for value in fit.coefficients]

    # Fisher information X'WX on the sample (slopes' standard errors are valid there).
    linear = sf.lit(float(fit.intercept))
    for name, slope in zip(names, slopes, strict=True):
        linear = linear + sf.lit(slope) * sf.col(name)
    probability = 1 / (1 + sf.exp(-linear))
    weighted = sample.withColumn("w", probability * (1 - probability))
    terms = ["intercept", *names]
    column = {"intercept": sf.lit(1.0), **{name: sf.col(name) for name in names}}
    sums = weighted.agg(
        *[
            sf.sum(sf.col("w") * column[a] * column[b]).alias(f"{i}_{j}")
            for i, a in enumerate(terms)
            for j, b in enumerate(terms)
            if j >= i
        ]
    ).first()
    information = np.zeros((len(terms), len(terms)))
    for i in range(len(terms)):
        for j in range(i, len(terms)):
            information[i, j] = information[j, i] = sums[f"{i}_{j}"]
    errors = logistic_standard_errors(information)
    sample.unpersist()

    intercept = prior_corrected_intercept(
        float(fit.intercept), float(moments["event_rate"]), float(sample_rate_observed)
    )
    rows = [
        (
            "intercept",
            None,
            intercept,
            float(errors[0]),
            float(intercept - confidence_z * errors[0]),
            float(intercept + confidence_z * errors[0]),
            None,
            None,
            float(np.exp(intercept)),
            None,
            int(moments["rows"]),
            int(sample.count()),
            float(moments["event_rate"]),
            float(sample_rate_observed),
        )
    ]
    for index, (name, slope) in enumerate(zip(names, slopes, strict=True), start=1):
        sd = float(moments[f"sd_{name}"])
        rows.append(
            (
                name,
                DRIVER_FEATURES[name],
                slope,
                float(errors[index]),
                float(slope - confidence_z * errors[index]),
                float(slope + confidence_z * errors[index]),
                sd,
                abs(slope) * sd,
                float(np.exp(slope)),
                float(np.exp(slope * sd)),
                int(moments["rows"]),
                int(sample.count()),
                float(moments["event_rate"]),
                float(sample_rate_observed),
            )
        )
    schema = (
        "term string, driver_group string, coefficient double, std_error double, "
        "ci_lower double, ci_upper double, feature_sd double, standardized_effect double, "
        "odds_ratio double, odds_ratio_per_sd double, training_customer_days bigint, "
        "sampled_customer_days bigint, training_purchase_day_rate double, "
        "sample_purchase_day_rate double"
    )
    return session.createDataFrame(rows, schema)
