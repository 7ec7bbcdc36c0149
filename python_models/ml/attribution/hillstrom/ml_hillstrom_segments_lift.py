"""Hillstrom: lift of each e-mail vs no e-mail on visit, conversion and spend per customer.

Difference in means with 95% normal intervals from the per-arm sums of
fct_hillstrom_segment_outcomes, and the SRM p-value of the three arms (expected thirds).
One row per e-mail segment and metric.
"""

from marketing_analytics.ml.experiments import lift_from_sums, sample_ratio_mismatch

CONTROL = "No E-Mail"


def model(dbt, session):
    dbt.config(materialized="table")
    confidence = float(dbt.config.get("confidence_level"))
    arms = dbt.ref("fct_hillstrom_segment_outcomes").toPandas().set_index("email_segment")
    _, p_value = sample_ratio_mismatch(arms["customers"].astype(int).tolist())
    control = arms.loc[CONTROL]
    rows = []
    for segment, arm in arms.drop(index=CONTROL).iterrows():
        for metric, total, squares in (
            ("visit_rate", "visits", "visits"),
            ("conversion_rate", "conversions", "conversions"),
            ("spend_per_customer", "spend_total", "spend_sum_of_squares"),
        ):
            result = lift_from_sums(
                int(arm["customers"]),
                float(arm[total]),
                float(arm[squares]),
                int(control["customers"]),
                float(control[total]),
                float(control[squares]),
                confidence,
            )
            rows.append(
                (
                    segment,
                    metric,
                    result.mean_treatment,
                    result.mean_control,
                    result.estimate,
                    result.std_error,
                    result.ci_lower,
                    result.ci_upper,
                    result.relative_lift,
                    p_value,
                )
            )
    return session.createDataFrame(
        rows,
        "email_segment string, metric string, treatment_mean double, control_mean double, "
        "lift double, std_error double, ci_lower double, ci_upper double, "
        "relative_lift double, srm_p_value double",
    )
