"""A fake warehouse for the report's unit tests: a manifest and Parquet folders written
with pyarrow, shaped like the marts the analyses publish (``EXPECTED_MARTS``)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from marketing_analytics.report import EXPECTED_MARTS


def sample_marts(seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    deciles = np.arange(1, 11)
    shares = np.linspace(0, 1, 11)
    return {
        "rpt_validation_scorecard": pd.DataFrame(
            {
                "analysis": ["foundation", "attribution", "uplift", "mmm"],
                "dataset": ["synthetic", "synthetic", "artea", "sales_campaigns"],
                "metric": ["raw_rows_customers", "email_lift", "ate_transactions", "r_squared"],
                "value": [800.0, 0.021, 0.026, 0.48],
                "ci_lower": [None, 0.01, 0.011, None],
                "ci_upper": [None, 0.03, 0.041, None],
                "reference_value": [800.0, 0.02, 0.0262, 0.48],
                "reference_source": ["manifest", "truth", "published", "seed"],
                "consistency_rule": [
                    "equal",
                    "ci_covers_reference",
                    "ci_covers_reference",
                    "abs_diff <= 0.001",
                ],
                "is_consistent": [True, True, True, False],
            }
        ),
        "stg_synthetic__transactions": pd.DataFrame(
            {
                "transaction_at": pd.to_datetime("2025-01-01")
                + pd.to_timedelta(rng.integers(0, 90 * 24, 500), unit="h"),
                "amount": rng.gamma(2.0, 30.0, 500).round(2),
            }
        ),
        "int_raw_tables_reconciled": pd.DataFrame(
            {
                "table_name": ["customers"],
                "raw_rows": [800],
                "staged_rows": [800],
                "rejected_rows": [0],
            }  # fmt: skip
        ),
        "fct_purchase_driver_groups": pd.DataFrame(
            {
                "driver_group": [
                    "email",
                    "recency_loyalty",
                    "release_calendar",
                    "weekend_seasonality",
                ],
                "standardized_effect": [0.1, 1.2, 0.8, 0.2],
                "purchase_probability_change_per_sd": [0.002, 0.03, 0.02, 0.004],
                "planted_standardized_effect": [0.12, 1.1, 0.85, 0.25],
            }  # fmt: skip
        ),
        "ml_customer_days_purchase_coefficients": pd.DataFrame(
            {
                "term": ["intercept", "emails_7d", "days_since_purchase", "release_today"],
                "driver_group": [None, "email", "recency_loyalty", "release_calendar"],
                "coefficient": [-4.0, 0.05, -0.02, 0.4],
                "ci_lower": [-4.1, 0.01, -0.025, 0.3],
                "ci_upper": [-3.9, 0.09, -0.015, 0.5],
                "feature_sd": [None, 1.0, 30.0, 0.2],
            }  # fmt: skip
        ),
        "fct_purchase_propensity_calibration": pd.DataFrame(
            {
                "probability_decile": deciles,
                "mean_predicted_probability": deciles / 100,
                "observed_purchase_day_rate": deciles / 100 + rng.normal(0, 0.002, 10),
            }  # fmt: skip
        ),
        "fct_email_holdout_lift": pd.DataFrame(
            {
                "campaign_name": ["spring holdout"] * 4,
                "metric": [
                    "purchase_day_rate",
                    "purchase_day_rate",
                    "spend_per_customer",
                    "spend_per_customer",
                ],
                "method": ["randomized_difference_in_means", "propensity_model_email_coefficient"]
                * 2,
                "lift": [0.002, 0.0018, 0.4, 0.35],
                "ci_lower": [0.001, 0.0012, 0.1, 0.2],
                "ci_upper": [0.003, 0.0024, 0.7, 0.5],
            }  # fmt: skip
        ),
        "ml_hillstrom_segments_lift": pd.DataFrame(
            {
                "email_segment": ["Mens E-Mail", "Womens E-Mail"],
                "metric": ["conversion_rate", "conversion_rate"],
                "lift": [0.0068, 0.0031],
                "ci_lower": [0.0049, 0.0014],
                "ci_upper": [0.0087, 0.0048],
            }  # fmt: skip
        ),
        "fct_hillstrom_segment_outcomes": pd.DataFrame(
            {
                "email_segment": ["Mens E-Mail", "Womens E-Mail", "No E-Mail"],
                "customers": [21307, 21387, 21306],
                "visit_rate": [0.1828, 0.1514, 0.1062],
                "conversion_rate": [0.0125, 0.0088, 0.0057],
                "spend_per_customer": [1.42, 1.08, 0.65],
            }  # fmt: skip
        ),
        "fct_uplift_curves": pd.DataFrame(
            {
                "dataset": "synthetic",
                "outcome": "converted",
                "learner": np.repeat(["t_learner", "s_learner"], 11),
                "depth": np.tile(shares, 2),
                "qini": np.concatenate([np.sqrt(shares) * 0.03, shares * 0.025]),
                "random_qini": np.tile(shares * 0.02, 2),
            }  # fmt: skip
        ),
        "fct_uplift_deciles": pd.DataFrame(
            {
                "dataset": "synthetic",
                "outcome": "converted",
                "learner": "t_learner",
                "score_decile": deciles,
                "observed_uplift": np.linspace(0.08, -0.01, 10),
                "observed_uplift_ci_lower": np.linspace(0.05, -0.04, 10),
                "observed_uplift_ci_upper": np.linspace(0.11, 0.02, 10),
            }  # fmt: skip
        ),
        "fct_uplift_targeting_depth_profit": pd.DataFrame(
            {
                "dataset": "synthetic",
                "depth_percentile": np.arange(1, 101),
                "customers_targeted": np.arange(1, 101) * 10,
                "expected_profit": 100 * np.sin(np.linspace(0, np.pi, 100)),
                "is_best_depth": np.arange(1, 101) == 50,
            }  # fmt: skip
        ),
        "fct_uplift_learner_evaluation": pd.DataFrame(
            {
                "dataset": "synthetic",
                "outcome": "converted",
                "learner": ["t_learner", "s_learner", "t_learner"],
                "metric": ["qini_coefficient", "qini_coefficient", "auuc"],
                "value": [0.012, 0.008, 0.02],
                "ci_lower": [0.006, 0.001, 0.01],
                "ci_upper": [0.018, 0.015, 0.03],
            }  # fmt: skip
        ),
        "fct_uplift_experiment_checks": pd.DataFrame(
            {
                "dataset": "synthetic",
                "check_name": ["arm_size", "sample_ratio_mismatch", "average_treatment_effect"],
                "metric": ["treated_units", "srm_chi_square", "ate_converted"],
                "value": [400.0, 0.2, 0.026],
                "ci_lower": [None, None, 0.011],
                "ci_upper": [None, None, 0.041],
                "p_value": [None, 0.65, 0.001],
                "is_flagged": [False, False, False],
            }  # fmt: skip
        ),
        "ml_customers_segment_selection": pd.DataFrame(
            {
                "algorithm": np.repeat(["kmeans", "gmm"], 4),
                "k": np.tile([2, 3, 4, 5], 2),
                "silhouette": rng.uniform(0.2, 0.5, 8),
                "davies_bouldin": rng.uniform(0.8, 1.5, 8),
                "stability_ari": rng.uniform(0.6, 0.95, 8),
                "is_chosen": [False, False, True, False] + [False] * 4,
                "selection_reason": [None, None, "silhouette and stability", None] + [None] * 4,
            }  # fmt: skip
        ),
        "dim_customer_segments": pd.DataFrame(
            {
                "segment_id": [0, 1, 2],
                "segment_label": ["Premium loyal (0)", "Dormant / at risk (1)", "Engaged (2)"],
                "customers": [200, 350, 250],
                "customer_share": [0.25, 0.4375, 0.3125],
                "average_total_spend": [900.0, 120.0, 400.0],
                "spend_index": [2.1, 0.3, 0.95],
                "engagement_index": [1.4, 0.5, 1.3],
                "browsing_index": [1.2, 0.6, 1.3],
                "frequency_index": [1.9, 0.4, 1.0],
            }  # fmt: skip
        ),
        "fct_crm_contact_policy": pd.DataFrame(
            {
                "dataset": "synthetic",
                "segment_type": "rfm_label",
                "segment": ["Champions", "At Risk", "Hibernating"],
                "decision": ["CONTACT", "CONTACT", "SKIP"],
                "lift": [2.1, 1.3, 0.4],
                "lift_ci_lower": [1.6, 1.0, 0.2],
                "lift_ci_upper": [2.6, 1.7, 0.7],
                "roi": [1.5, 0.4, -0.6],
                "policy_total_contacts": 500,
                "policy_total_expected_profit": 1800.0,
                "contact_all_contacts": 800,
                "contact_all_profit": 1200.0,
            }  # fmt: skip
        ),
        "fct_crm_segment_uplift_roi": pd.DataFrame(
            {
                "dataset": "synthetic",
                "segment_type": ["all", "cluster", "cluster"],
                "segment": ["all", "cluster 0", "cluster 1"],
                "response_rate": [0.15, 0.25, 0.08],
                "response_rate_ci_lower": [0.13, 0.2, 0.05],
                "response_rate_ci_upper": [0.17, 0.3, 0.11],
                "roi": [0.2, 1.1, -0.4],
            }  # fmt: skip
        ),
        "fct_crm_campaign_by_cluster": pd.DataFrame(
            {
                "dataset": "synthetic",
                "segment_type": "all",
                "segment": "all",
                "campaign": ["AcceptedCmp1", "AcceptedCmp2", "Response"],
                "acceptance_rate": [0.064, 0.013, 0.149],
                "acceptance_rate_ci_lower": [0.054, 0.009, 0.135],
                "acceptance_rate_ci_upper": [0.075, 0.019, 0.164],
            }  # fmt: skip
        ),
        "fct_channel_coefficients": pd.DataFrame(
            {
                "panel_name": "synthetic_sales",
                "model_scope": ["pooled"] * 4 + ["group"],
                "group_name": ["all"] * 4 + ["retail"],
                "term": ["const", "tv", "radio", "radio", "tv"],
                "term_role": ["intercept", "channel", "channel", "channel", "channel"],
                "error_type": ["hac", "hac", "hac", "naive", "naive"],
                "estimate": [5.0, 0.05, 0.19, 0.19, 0.04],
                "ci_lower": [4.0, 0.04, 0.17, 0.18, 0.02],
                "ci_upper": [6.0, 0.06, 0.21, 0.20, 0.06],
                "p_value": [0.0, 1e-5, 1e-9, 1e-10, 0.01],
                "is_recommended_error_type": [True, True, True, False, True],
            }  # fmt: skip
        ),
        "fct_panel_diagnostics": pd.DataFrame(
            {
                "panel_name": ["synthetic_sales", "advertising"],
                "model_scope": "pooled",
                "group_name": "all",
                "n_observations": [365, 200],
                "r_squared": [0.62, 0.897],
                "adjusted_r_squared": [0.61, 0.896],
                "durbin_watson": [1.2, 2.08],
                "jarque_bera_p_value": [0.3, 0.0],
                "breusch_pagan_p_value": [0.2, 0.01],
                "condition_number": [40.0, 450.0],
                "recommended_error_type": ["hac", "naive"],
            }  # fmt: skip
        ),
        "fct_channel_recommendations": pd.DataFrame(
            {
                "panel_name": "synthetic_sales",
                "model_scope": "pooled",
                "channel": ["tv", "radio"],
                "error_type": "hac",
                "return_per_unit_spend": [0.9, 2.4],
                "break_even_return": 1.0,
                "recommendation": ["keep", "increase"],
            }  # fmt: skip
        ),
        "fct_channel_contributions": pd.DataFrame(
            {
                "panel_name": "synthetic_sales",
                "model_scope": "pooled",
                "channel": ["tv", "radio"],
                "contribution_share": [0.3, 0.7],
            }  # fmt: skip
        ),
    }


def write_fake_warehouse(root: Path, marts: dict[str, pd.DataFrame]) -> tuple[Path, Path]:
    """(target_dir, warehouse_dir) holding ``marts`` as dbt + Spark would lay them out.

    Every mart of EXPECTED_MARTS is in the manifest; only those in ``marts`` have a table.
    """
    target, warehouse = root / "target", root / "warehouse"
    target.mkdir(parents=True)
    nodes = {}
    for name in EXPECTED_MARTS:
        schema = (
            "staging"
            if name.startswith("stg_")
            else "intermediate"
            if name.startswith("int_")
            else "ml"
            if name.startswith("ml_")
            else "reports"
            if name.startswith("rpt_")
            else "marts"
        )
        public = schema in ("marts", "reports")
        nodes[f"model.marketing_analytics.{name}"] = {
            "resource_type": "model",
            "name": name,
            "alias": name,
            "schema": schema,
            "description": f"One row per something of {name}.",
            "columns": {},
            "access": "public" if public else "protected",
            "config": {"enabled": True, "contract": {"enforced": public}},
        }
        if name in marts:
            folder = warehouse / f"{schema}.db" / name
            folder.mkdir(parents=True)
            (folder / "_SUCCESS").write_text("")
            table = pa.Table.from_pandas(marts[name], preserve_index=False)
            pq.write_table(table, folder / "part-00000.snappy.parquet")
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    return target, warehouse
