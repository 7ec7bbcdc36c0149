"""Randomized e-mail lift of every holdout campaign, beside the propensity model's estimate.

For each campaign of type holdout_test: difference in means treated - control of the
purchase-day rate (purchase days / window days) and of spend per customer in the campaign
window, with 95% intervals, and the sample-ratio-mismatch p-value of the arm sizes (expected
50/50). The model-based row applies the fitted e-mail coefficient to the control arm's days:
the mean change in purchase probability had they received the treatment arm's extra e-mails.
One row per campaign and metric.
"""

from pyspark.sql import functions as sf

from marketing_analytics.ml.attribution import DRIVER_FEATURES
from marketing_analytics.ml.experiments import lift_from_sums, sample_ratio_mismatch


def model(dbt, session):
    dbt.config(materialized="table")
    confidence = float(dbt.config.get("confidence_level"))
    # Sufficient statistics per campaign and arm in Spark; only these rows reach Python.
    outcomes = ("purchase_day_rate", "spend")
    arms = (
        dbt.ref("int_email_holdout_customers_summarized")
        .groupBy("campaign_id", "arm")
        .agg(
            sf.count(sf.lit(1)).alias("n"),
            *[sf.sum(sf.col(c).cast("double")).alias(f"sum_{c}") for c in outcomes],
            *[sf.sum(sf.col(c).cast("double") ** 2).alias(f"squares_{c}") for c in outcomes],
        )
        .collect()
    )
    by_campaign: dict[int, dict] = {}
    for row in arms:
        by_campaign.setdefault(int(row["campaign_id"]), {})[row["arm"]] = row
    rows = []
    for campaign_id, arm in sorted(by_campaign.items()):
        treated, control = arm.get("treatment"), arm.get("control")
        if treated is None or control is None or min(treated["n"], control["n"]) < 2:
            continue
        _, p_value = sample_ratio_mismatch([treated["n"], control["n"]])
        for metric, column in (
            ("purchase_day_rate", "purchase_day_rate"),
            ("spend_per_customer", "spend"),
        ):
            result = lift_from_sums(
                treated["n"],
                treated[f"sum_{column}"],
                treated[f"squares_{column}"],
                control["n"],
                control[f"sum_{column}"],
                control[f"squares_{column}"],
                confidence,
            )
            rows.append(
                (campaign_id, metric, "randomized_difference_in_means", *_values(result), p_value)
            )

    # Model-based estimate on the purchase-day rate.
    coefficients = {
        row["term"]: float(row["coefficient"])
        for row in dbt.ref("ml_customer_days_purchase_coefficients").collect()
    }
    days = dbt.ref("int_email_holdout_customer_days")
    linear = sf.lit(coefficients["intercept"])
    for name in DRIVER_FEATURES:
        linear = linear + sf.lit(coefficients[name]) * sf.col(name).cast("double")
    email = coefficients["emails_received_last_3_days"]
    extra = sf.col("treatment_extra_emails_last_3_days").cast("double")
    control_days = days.where("arm = 'control'")
    model_rows = (
        control_days.select(
            "campaign_id",
            (1 / (1 + sf.exp(-(linear + sf.lit(email) * extra))) - 1 / (1 + sf.exp(-linear))).alias(
                "difference"
            ),
        )
        .groupBy("campaign_id")
        .agg(sf.avg("difference").alias("estimate"), sf.count(sf.lit(1)).alias("days"))
        .collect()
    )
    for row in model_rows:
        rows.append(
            (
                int(row["campaign_id"]),
                "purchase_day_rate",
                "propensity_model_email_coefficient",
                None,
                None,
                None,
                None,
                float(row["estimate"]),
                None,
                None,
                None,
                None,
                None,
            )
        )
    schema = (
        "campaign_id bigint, metric string, method string, treatment_customers bigint, "
        "control_customers bigint, treatment_mean double, control_mean double, lift double, "
        "std_error double, ci_lower double, ci_upper double, relative_lift double, "
        "srm_p_value double"
    )
    return session.createDataFrame(rows, schema)


def _values(result):
    return (
        result.n_treatment,
        result.n_control,
        result.mean_treatment,
        result.mean_control,
        result.estimate,
        result.std_error,
        result.ci_lower,
        result.ci_upper,
        result.relative_lift,
    )
