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
        "fct_validation_scorecard": pd.DataFrame(
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
                "driver_group": ["email", "recency_loyalty", "release", "weekend"],
                "probability_change": [0.002, 0.03, 0.02, 0.004],
            }  # fmt: skip
        ),
        "fct_purchase_model_coefficients": pd.DataFrame(
            {
                "feature": ["emails_7d", "days_since_purchase", "release_today"],
                "driver_group": ["email", "recency_loyalty", "release"],
                "standardized_effect": [0.05, -0.6, 0.4],
            }  # fmt: skip
        ),
        "fct_purchase_model_calibration": pd.DataFrame(
            {
                "decile": deciles,
                "mean_predicted_probability": deciles / 100,
                "observed_purchase_rate": deciles / 100 + rng.normal(0, 0.002, 10),
            }  # fmt: skip
        ),
        "fct_email_lift": pd.DataFrame(
            {
                "dataset": ["synthetic", "hillstrom", "hillstrom"],
                "segment": ["all", "mens_email", "womens_email"],
                "metric": ["purchase_rate", "conversion", "conversion"],
                "lift": [0.02, 0.0068, 0.0031],
                "ci_lower": [0.01, 0.0049, 0.0014],
                "ci_upper": [0.03, 0.0087, 0.0048],
            }  # fmt: skip
        ),
        "fct_uplift_qini_curves": pd.DataFrame(
            {
                "dataset": "artea",
                "learner": np.repeat(["t_learner", "s_learner"], 11),
                "targeted_share": np.tile(shares, 2),
                "incremental_gain": np.concatenate([np.sqrt(shares) * 40, shares * 35]),
            }  # fmt: skip
        ),
        "fct_uplift_by_decile": pd.DataFrame(
            {
                "dataset": "artea",
                "learner": "t_learner",
                "decile": deciles,
                "uplift": np.linspace(0.08, -0.02, 10),
                "ci_lower": np.linspace(0.05, -0.05, 10),
                "ci_upper": np.linspace(0.11, 0.01, 10),
            }  # fmt: skip
        ),
        "fct_voucher_targeting_profit": pd.DataFrame(
            {
                "dataset": "synthetic",
                "targeted_share": shares,
                "expected_profit": 1000 * shares - 900 * shares**2,
            }  # fmt: skip
        ),
        "fct_segment_model_selection": pd.DataFrame(
            {
                "dataset": "synthetic",
                "algorithm": np.repeat(["kmeans", "gmm"], 7),
                "k": np.tile(np.arange(2, 9), 2),
                "silhouette": rng.uniform(0.2, 0.6, 14),
                "davies_bouldin": rng.uniform(0.5, 1.5, 14),
                "calinski_harabasz": rng.uniform(100, 900, 14),
                "stability_ari": rng.uniform(0.6, 1.0, 14),
            }  # fmt: skip
        ),
        "fct_segment_profiles": pd.DataFrame(
            {
                "dataset": "synthetic",
                "segment_id": [0, 1, 2],
                "segment_label": ["loyal big spenders", "occasional", "at risk"],
                "customer_count": [120, 500, 180],
                "avg_total_spend": [2400.0, 600.0, 150.0],
            }  # fmt: skip
        ),
        "fct_crm_contact_policy": pd.DataFrame(
            {
                "dataset": "kaggle_marketing_campaign",
                "segment": ["Champions", "Loyal", "At Risk"],
                "response_rate": [0.3, 0.18, 0.05],
                "lift": [2.0, 1.2, 0.35],
                "lift_ci_lower": [1.7, 1.0, 0.2],
                "lift_ci_upper": [2.3, 1.4, 0.5],
                "roi": [1.1, 0.2, -0.8],
                "decision": ["CONTACT", "CONTACT", "SKIP"],
            }  # fmt: skip
        ),
        "fct_crm_campaign_acceptance": pd.DataFrame(
            {
                "dataset": "kaggle_marketing_campaign",
                "campaign": ["AcceptedCmp1", "AcceptedCmp2", "Response"],
                "acceptance_rate": [0.0643, 0.0134, 0.1491],
            }  # fmt: skip
        ),
        "fct_mmm_coefficients": pd.DataFrame(
            {
                "dataset": "sales_campaigns",
                "model_scope": "pooled",
                "standard_error_type": ["ols"] * 3,
                "term": ["const", "campaign_flyer_spend", "sales_contact_4_spend"],
                "estimate": [100.0, 3.34, 10.95],
                "ci_lower": [50.0, 2.1, 8.0],
                "ci_upper": [150.0, 4.6, 13.9],
                "p_value": [0.001, 0.0001, 0.0001],
            }  # fmt: skip
        ),
        "fct_mmm_diagnostics": pd.DataFrame(
            {
                "dataset": "sales_campaigns",
                "model_scope": "pooled",
                "diagnostic": ["r_squared", "durbin_watson"],
                "value": [0.48, 0.624],
            }  # fmt: skip
        ),
        "fct_mmm_recommendations": pd.DataFrame(
            {
                "dataset": "sales_campaigns",
                "channel": ["flyer", "sales_contact_4"],
                "return_per_unit_spend": [3.34, 10.95],
                "recommendation": ["keep", "increase"],
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
            else "marts"
        )
        nodes[f"model.marketing_analytics.{name}"] = {
            "resource_type": "model",
            "name": name,
            "alias": name,
            "schema": schema,
            "description": f"One row per something of {name}.",
            "columns": {},
            "access": "public" if schema == "marts" else "protected",
            "config": {"enabled": True, "contract": {"enforced": schema == "marts"}},
        }
        if name in marts:
            folder = warehouse / f"{schema}.db" / name
            folder.mkdir(parents=True)
            (folder / "_SUCCESS").write_text("")
            table = pa.Table.from_pandas(marts[name], preserve_index=False)
            pq.write_table(table, folder / "part-00000.snappy.parquet")
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    return target, warehouse
