"""Checks of every uplift experiment, from per-arm aggregates (no unit-level data leaves Spark).

Per dataset: arm sizes; sample-ratio mismatch (chi-square against the planned split, flagged
when p < uplift_srm_alpha); pre-period covariate balance (standardized mean differences,
flagged when |SMD| > uplift_balance_smd_threshold); per outcome the mean of each arm and the
average treatment effect (difference in means) with a 95% Welch interval. One row per dataset
and metric.
"""

import json

import numpy as np

from marketing_analytics.ml.experiments import (
    sample_ratio_mismatch,
    standardized_mean_difference,
    welch_difference,
)

SCHEMA = (
    "dataset string, check_name string, metric string, value double, ci_lower double, "
    "ci_upper double, p_value double, is_flagged boolean, method string"
)


def check_rows(arms, expected_shares, srm_alpha, smd_threshold):
    """Rows of the checks table from the per-arm aggregates (a pandas frame) and the planned
    share of treated units per dataset (0.5 when not given)."""
    rows = []
    for dataset, frame in arms.groupby("dataset"):
        wide = frame.pivot_table(
            index=["variable_role", "variable"],
            columns="arm",
            values=["units", "mean_value", "variance_value"],
            aggfunc="first",
        )
        first = wide.iloc[0]
        treated, control = int(first[("units", "treatment")]), int(first[("units", "control")])
        share = float(expected_shares.get(dataset, 0.5))
        chi_square, p_value = sample_ratio_mismatch([treated, control], [share, 1.0 - share])
        rows += [
            (dataset, "arm_size", "treated_units", float(treated), None, None, None, None, "count"),
            (dataset, "arm_size", "control_units", float(control), None, None, None, None, "count"),
            (dataset, "arm_size", "expected_treated_share", share, None, None, None, None, "plan"),
            (
                dataset,
                "sample_ratio_mismatch",
                "srm_chi_square",
                chi_square,
                None,
                None,
                p_value,
                p_value < srm_alpha,
                f"chi-square 1 df against the planned split, flag p < {srm_alpha}",
            ),
        ]
        for (role, variable), values in wide.iterrows():
            mean_t, mean_c = values[("mean_value", "treatment")], values[("mean_value", "control")]
            var_t = float(values[("variance_value", "treatment")] or 0.0)
            var_c = float(values[("variance_value", "control")] or 0.0)
            if role == "covariate":
                smd = standardized_mean_difference(mean_t, var_t, mean_c, var_c)
                rows.append(
                    (
                        dataset,
                        "covariate_balance",
                        f"smd_{variable}",
                        smd,
                        None,
                        None,
                        None,
                        abs(smd) > smd_threshold,
                        f"standardized mean difference, flag |SMD| > {smd_threshold}",
                    )
                )
                continue
            welch = welch_difference(mean_t, var_t, treated, mean_c, var_c, control)
            rows += [
                (
                    dataset,
                    "outcome_mean",
                    f"treated_mean_{variable}",
                    float(mean_t),
                    None,
                    None,
                    None,
                    None,
                    "mean of the treated arm",
                ),
                (
                    dataset,
                    "outcome_mean",
                    f"control_mean_{variable}",
                    float(mean_c),
                    None,
                    None,
                    None,
                    None,
                    "mean of the control arm",
                ),
                (
                    dataset,
                    "average_treatment_effect",
                    f"ate_{variable}",
                    welch["difference"],
                    welch["ci_lower"],
                    welch["ci_upper"],
                    welch["p_value"],
                    None,
                    "difference in means, 95% Welch interval",
                ),
            ]
    return rows


def plain(value):
    """numpy scalars -> Python float / bool (Spark's schema check wants built-in types)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return float(value)


def model(dbt, session):
    dbt.config(materialized="table")
    arms = dbt.ref("int_uplift_experiment_arms_aggregated").toPandas()
    rows = check_rows(
        arms,
        json.loads(dbt.config.get("expected_treated_share")),
        float(dbt.config.get("srm_alpha")),
        float(dbt.config.get("smd_threshold")),
    )
    return session.createDataFrame([tuple(plain(v) for v in row) for row in rows], SCHEMA)
