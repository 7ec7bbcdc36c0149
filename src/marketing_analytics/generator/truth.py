"""Planted truth: per-customer CSV rows and the truth.json document."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pyarrow as pa

from . import config as c
from .customers import CustomerChunk
from .daily import GRID_FEATURES, ChunkResult
from .schedule import HOLDOUT_ID, OFFER_IDS, VOUCHER_ID, Schedule
from .tables import labels

# Which grid feature each purchase coefficient multiplies.
_COEF_FEATURE = {
    "b_recency": "f_recency",
    "b_loyalty": "loyalty",
    "b_release_today": "release_today",
    "b_release_7d": "release_7d",
    "b_weekend": "weekend",
    "b_email": "email_3d",
}


def _prob(x: np.ndarray) -> pa.Array:
    mask = np.isnan(x)
    return pa.array(np.round(np.nan_to_num(x), 4), mask=mask).cast(pa.decimal128(6, 4))


def customers_truth_table(cust: CustomerChunk, res: ChunkResult) -> pa.Table:
    v = res.voucher
    return pa.table(
        {
            "customer_id": pa.array(cust.ids),
            "segment": labels(cust.segment, c.SEGMENTS),
            "uplift_type": labels(
                np.maximum(v.uplift_type, 0), c.UPLIFT_TYPES, mask=v.uplift_type < 0
            ),
            "voucher_p_control": _prob(v.p_control),
            "voucher_p_treatment": _prob(v.p_treatment),
        }
    )


class TruthAccumulator:
    """Chunk-by-chunk sums (fixed order, so the floats are reproducible)."""

    def __init__(self) -> None:
        self.grid = dict.fromkeys(
            ["n", "purchases"]
            + [f"s_{f}" for f in GRID_FEATURES]
            + [f"ss_{f}" for f in GRID_FEATURES],
            0.0,
        )
        self.segment_counts = np.zeros(len(c.SEGMENTS), np.int64)
        self.holdout = {
            "n_treatment": 0,
            "n_control": 0,
            "sum_days_t": 0.0,
            "sum_days_c": 0.0,
            "sum_spend_t": 0.0,
            "sum_spend_c": 0.0,
        }
        self.voucher = {
            "n_treatment": 0,
            "n_control": 0,
            "sum_pt": 0.0,
            "sum_pc": 0.0,
            "sum_order_t": 0,
            "sum_order_c": 0,
        }
        self.type_counts = np.zeros(len(c.UPLIFT_TYPES), np.int64)

    def add(
        self,
        cust: CustomerChunk,
        res: ChunkResult,
        holdout_assigned: np.ndarray,
        holdout_treat: np.ndarray,
        voucher_eligible: np.ndarray,
        voucher_treat: np.ndarray,
    ) -> None:
        for key, val in res.grid.items():
            self.grid[key] += val
        self.segment_counts += np.bincount(cust.segment, minlength=len(c.SEGMENTS))
        a = holdout_assigned
        h = self.holdout
        h["n_treatment"] += int(holdout_treat.sum())
        h["n_control"] += int((a & ~holdout_treat).sum())
        h["sum_days_t"] += float(res.holdout[0][a].sum())
        h["sum_spend_t"] += float(res.holdout[1][a].sum())
        h["sum_days_c"] += float(res.holdout[2][a].sum())
        h["sum_spend_c"] += float(res.holdout[3][a].sum())
        v, e = self.voucher, voucher_eligible
        v["n_treatment"] += int(voucher_treat.sum())
        v["n_control"] += int((e & ~voucher_treat).sum())
        v["sum_pt"] += float(res.voucher.p_treatment[e].sum())
        v["sum_pc"] += float(res.voucher.p_control[e].sum())
        v["sum_order_t"] += int(res.voucher.order_treatment.sum())
        v["sum_order_c"] += int(res.voucher.order_control.sum())
        self.type_counts += np.bincount(res.voucher.uplift_type[e], minlength=len(c.UPLIFT_TYPES))

    def purchase_model(self, email_effect: float) -> dict[str, Any]:
        g = self.grid
        n = max(g["n"], 1.0)
        sd = {}
        for f in GRID_FEATURES:
            mean = g[f"s_{f}"] / n
            sd[f] = float(np.sqrt(max(g[f"ss_{f}"] / n - mean**2, 0.0)))
        coefs = dict(c.PURCHASE_COEFFICIENTS, b_email=email_effect)
        std = {k: abs(v) * sd[_COEF_FEATURE[k]] for k, v in coefs.items()}
        groups = {grp: sum(std[k] for k in ks) for grp, ks in c.EFFECT_GROUPS.items()}
        return {
            "formula": "P(purchase on customer-day) = sigmoid(intercept[segment] + b_recency * "
            "log1p(days_since_last_purchase_or_signup) + b_loyalty * loyalty_ordinal"
            " + b_release_today * is_release_day + b_release_7d * "
            "release_in_previous_7_days + b_weekend * is_weekend + b_email * "
            "emails_received_in_last_3_days_including_today)",
            "intercepts": {s: c.SEGMENT_PROFILES[s].intercept for s in c.SEGMENTS},
            "coefficients": coefs,
            "coefficient_feature": _COEF_FEATURE,
            "feature_sd_over_grid": sd,
            "grid_customer_days": int(g["n"]),
            "grid_purchase_days": int(g["purchases"]),
            "days_per_purchase": float(n / max(g["purchases"], 1.0)),
            "standardized_effects": std,
            "effect_groups": {k: list(v) for k, v in c.EFFECT_GROUPS.items()},
            "group_standardized_effects": groups,
            "planted_ranking": list(c.PLANTED_RANKING),
            "realised_ranking": sorted(groups, key=lambda k: -groups[k]),
        }

    def document(self, params: Any, sched: Schedule, panel_err: np.ndarray) -> dict[str, Any]:
        def day(i: int) -> str:
            return str(sched.start + i)

        h, v = self.holdout, self.voucher
        n_h = max(h["n_treatment"] + h["n_control"], 1)
        n_v = max(v["n_treatment"] + v["n_control"], 1)
        return {
            "params": params_dict(params),
            "segments": {
                "names": list(c.SEGMENTS),
                "counts": dict(zip(c.SEGMENTS, self.segment_counts.tolist(), strict=True)),
                "profiles": {s: asdict(p) for s, p in c.SEGMENT_PROFILES.items()},
                "category_order": list(c.CATEGORIES),
                "channel_order": list(c.CHANNELS),
                "loyalty_order": list(c.LOYALTY),
                "category_amount_multiplier": dict(
                    zip(c.CATEGORIES, c.CATEGORY_AMOUNT_MULT, strict=True)
                ),
                "second_transaction_prob": c.SECOND_TRANSACTION_PROB,
                "newsletter_subscribed_prob": c.NEWSLETTER_SUBSCRIBED_PROB,
            },
            "purchase_model": self.purchase_model(params.email_effect),
            "email_holdout": {
                "campaign_id": HOLDOUT_ID,
                "start_date": day(sched.holdout_start),
                "end_date": day(sched.holdout_start + c.HOLDOUT_DAYS - 1),
                "window_days": c.HOLDOUT_DAYS,
                "send_dates": [day(d) for d in sched.holdout_send_days],
                "n_treatment": h["n_treatment"],
                "n_control": h["n_control"],
                "mean_purchase_day_rate_if_treated": h["sum_days_t"] / n_h / c.HOLDOUT_DAYS,
                "mean_purchase_day_rate_if_control": h["sum_days_c"] / n_h / c.HOLDOUT_DAYS,
                "sate_purchase_day_rate": (h["sum_days_t"] - h["sum_days_c"])
                / n_h
                / c.HOLDOUT_DAYS,
                "mean_spend_if_treated": h["sum_spend_t"] / n_h,
                "mean_spend_if_control": h["sum_spend_c"] / n_h,
                "sate_spend_per_customer": (h["sum_spend_t"] - h["sum_spend_c"]) / n_h,
            },
            "voucher_test": {
                "campaign_id": VOUCHER_ID,
                "month_start": day(sched.voucher_start),
                "month_end": day(sched.voucher_end),
                "month_rule": "6th full calendar month of the period if days >= 240, "
                "else the second-to-last full month",
                "discount_rate": c.VOUCHER_DISCOUNT,
                "second_order_prob": c.VOUCHER_SECOND_ORDER_PROB,
                "n_treatment": v["n_treatment"],
                "n_control": v["n_control"],
                "type_logit_sharpness": c.UPLIFT_TYPE_SHARPNESS,
                "p_control_by_type": c.UPLIFT_P_CONTROL,
                "p_treatment_by_type": c.UPLIFT_P_TREATMENT,
                "p_noise_sd": c.UPLIFT_NOISE_SD,
                "type_shares": dict(
                    zip(c.UPLIFT_TYPES, (self.type_counts / n_v).tolist(), strict=True)
                ),
                "ate_conversion_expected": (v["sum_pt"] - v["sum_pc"]) / n_v,
                "ate_conversion_sample": (v["sum_order_t"] - v["sum_order_c"]) / n_v,
                "conversion_if_all_treated": v["sum_order_t"] / n_v,
                "conversion_if_all_control": v["sum_order_c"] / n_v,
            },
            "offers": {
                "campaign_ids": list(OFFER_IDS),
                "last_campaign_id": OFFER_IDS[-1],
                "channels": list(c.OFFER_CHANNELS),
                "start_dates": [day(s) for s in sched.offer_start],
                "window_days": c.OFFER_WINDOW_DAYS,
                "accept_prob_base_by_segment": {
                    s: c.SEGMENT_PROFILES[s].offer_accept for s in c.SEGMENTS
                },
                "accept_multiplier_by_campaign": list(c.OFFER_ACCEPT_MULT),
                "discount_rate": c.OFFER_DISCOUNT,
                "cost_per_contact": c.COST_PER_CONTACT,
                "revenue_per_response": c.REVENUE_PER_RESPONSE,
            },
            "releases": {
                "per_month_range": list(c.RELEASES_PER_MONTH),
                "major_prob": c.RELEASE_MAJOR_PROB,
                "is_major_affects_demand": False,
            },
            "panel": {
                "formula": "amount_collected = intercept + client_type_effect + "
                "sum(beta[channel] * spend[channel]) + e; e AR(1) within client",
                "intercept": c.PANEL_INTERCEPT,
                "beta": dict(zip(c.PANEL_SPEND_CHANNELS, c.PANEL_BETA, strict=True)),
                "client_type_effect": dict(
                    zip(c.CLIENT_TYPES, c.PANEL_CLIENT_TYPE_EFFECT, strict=True)
                ),
                "number_of_competition_effect": 0.0,
                "error_sd": c.PANEL_ERROR_SD,
                "rho": params.panel_autocorrelation,
                "realised_error_sd": float(panel_err.std()),
                "spend_mean_before_client_multiplier": dict(
                    zip(c.PANEL_SPEND_CHANNELS, c.PANEL_SPEND_MEAN, strict=True)
                ),
                "spend_zero_prob": dict(
                    zip(c.PANEL_SPEND_CHANNELS, c.PANEL_SPEND_ZERO_PROB, strict=True)
                ),
                "client_type_spend_multiplier": dict(
                    zip(c.CLIENT_TYPES, c.PANEL_CLIENT_TYPE_SPEND_MULT, strict=True)
                ),
            },
        }


def params_dict(params: Any) -> dict[str, Any]:
    d = asdict(params)
    del d["out"]  # where files go is not a generation parameter; keeps files path-independent
    d["start_date"] = params.start_date.isoformat()
    return d
