"""Test-period metrics of the purchase models (days after the time-based split).

Propensity: ROC-AUC and PR-AUC (MLlib BinaryClassificationEvaluator), log loss, Brier score,
mean predicted probability and observed purchase-day rate. Amount: R2 and RMSE of the linear
regression on the test period's purchase days. One row per model and metric.
"""

from pyspark.ml.evaluation import BinaryClassificationEvaluator
from pyspark.sql import functions as sf

EPSILON = 1e-15


def model(dbt, session):
    dbt.config(materialized="table")
    test_days = int(dbt.config.get("test_days"))
    scores = (
        dbt.ref("ml_customer_days_purchase_scores")
        .where("is_test_day")
        .select(
            sf.col("is_purchase_day").cast("double").alias("label"),
            sf.col("purchase_probability").alias("probability"),
        )
        .cache()
    )
    rows = []
    for metric in ("areaUnderROC", "areaUnderPR"):
        # numBins=0: the exact curves. Down-sampling groups sorted rows into bins whose edges
        # depend on how the scores are partitioned, which changed the AUCs from run to run.
        evaluator = BinaryClassificationEvaluator(
            rawPredictionCol="probability", labelCol="label", metricName=metric, numBins=0
        )
        name = {"areaUnderROC": "roc_auc", "areaUnderPR": "pr_auc"}[metric]
        rows.append(("purchase_propensity", name, float(evaluator.evaluate(scores))))
    clipped = sf.least(sf.greatest(sf.col("probability"), sf.lit(EPSILON)), sf.lit(1 - EPSILON))
    summary = scores.agg(
        sf.avg(
            -(sf.col("label") * sf.log(clipped) + (1 - sf.col("label")) * sf.log(1 - clipped))
        ).alias("log_loss"),
        sf.avg((sf.col("probability") - sf.col("label")) ** 2).alias("brier_score"),
        sf.avg("probability").alias("mean_predicted_probability"),
        sf.avg("label").alias("observed_purchase_day_rate"),
        sf.count(sf.lit(1)).cast("double").alias("test_customer_days"),
    ).first()
    rows += [("purchase_propensity", key, float(summary[key])) for key in summary.asDict()]
    scores.unpersist()

    # Amount model on the test period's purchase days.
    terms = {
        row["term"]: float(row["coefficient"])
        for row in dbt.ref("ml_purchase_days_amount_coefficients").collect()
    }
    grid = dbt.ref("fct_customer_day_features")
    last_date = grid.agg(sf.max("calendar_date")).first()[0]
    test = grid.where(
        sf.col("is_purchase_day")
        & (sf.col("calendar_date") >= sf.date_sub(sf.lit(last_date), test_days - 1))
    )
    predicted = sf.lit(terms.pop("intercept"))
    for name, coefficient in terms.items():
        predicted = predicted + sf.lit(coefficient) * sf.col(name).cast("double")
    amount = sf.col("amount").cast("double")
    fit = (
        test.select(amount.alias("amount"), predicted.alias("predicted"))
        .agg(
            sf.sum((sf.col("amount") - sf.col("predicted")) ** 2).alias("sse"),
            sf.variance("amount").alias("variance"),
            sf.count(sf.lit(1)).alias("rows"),
        )
        .first()
    )
    if fit["rows"] and fit["rows"] > 1:
        mse = fit["sse"] / fit["rows"]
        variance_pop = fit["variance"] * (fit["rows"] - 1) / fit["rows"]
        rows += [
            ("purchase_amount", "r2", float(1 - mse / variance_pop)),
            ("purchase_amount", "rmse", float(mse**0.5)),
            ("purchase_amount", "test_purchase_days", float(fit["rows"])),
        ]
    # Sums over partitions differ in the last bits from run to run: keep 12 decimals so that a
    # rerun gives the same table.
    rows = [(model_name, metric, round(value, 12)) for model_name, metric, value in rows]
    return session.createDataFrame(rows, "model_name string, metric string, value double")
