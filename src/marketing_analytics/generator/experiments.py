"""Randomised experiments and offer campaigns: assignments, uplift types and acceptance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import config as c
from .customers import CustomerChunk
from .schedule import HOLDOUT_ID, OFFER_IDS, VOUCHER_ID, Schedule
from .tables import date_array, labels


@dataclass(frozen=True)
class Experiments:
    holdout_assigned: np.ndarray  # signed up before the holdout window
    holdout_treat: np.ndarray
    voucher_eligible: np.ndarray  # signed up before the voucher month
    voucher_treat: np.ndarray
    offer_contacted: np.ndarray  # (6, n): signed up by the campaign start
    offer_redeem_day: np.ndarray  # (6, n): day of the redeeming purchase, -1 if none
    voucher_draws: np.ndarray  # (7, n) uniforms/normals consumed by resolve_voucher


@dataclass(frozen=True)
class VoucherOutcome:
    uplift_type: np.ndarray  # code into UPLIFT_TYPES, -1 if not eligible
    p_control: np.ndarray  # NaN if not eligible
    p_treatment: np.ndarray
    order_control: np.ndarray  # potential outcomes under common random numbers
    order_treatment: np.ndarray
    order_days: np.ndarray  # (2, n): planned purchase days in the month, -1 if none


def draw_experiments(seed: int, chunk: int, cust: CustomerChunk, sched: Schedule) -> Experiments:
    rng = c.rng_for(seed, c.STREAM_EXPERIMENTS, chunk)
    n = cust.size
    signup = cust.signup_day
    holdout_assigned = signup < sched.holdout_start
    holdout_treat = holdout_assigned & (rng.random(n) < 0.5)
    voucher_eligible = signup < sched.voucher_start
    voucher_treat = voucher_eligible & (rng.random(n) < 0.5)
    starts = np.array(sched.offer_start)[:, None]
    contacted = signup[None, :] <= starts
    p_accept = (
        np.array(c.OFFER_ACCEPT_MULT)[:, None]
        * c.segment_array("offer_accept")[cust.segment][None, :]
    )
    accept = contacted & (rng.random((6, n)) < p_accept)
    redeem_day = np.where(accept, starts + rng.integers(0, c.OFFER_WINDOW_DAYS, (6, n)), -1)
    draws = np.vstack([rng.random((5, n)), rng.normal(0, c.UPLIFT_NOISE_SD, (2, n))])
    return Experiments(
        holdout_assigned,
        holdout_treat,
        voucher_eligible,
        voucher_treat,
        contacted,
        redeem_day,
        draws,
    )


def uplift_type_probabilities(
    purchases_per_30d: np.ndarray,
    sessions_per_30d: np.ndarray,
    recency_days: np.ndarray,
    income: np.ndarray,
    loyalty: np.ndarray,
) -> np.ndarray:
    """Multinomial-logit type probabilities from pre-period behaviour, (n, 4) over UPLIFT_TYPES.

    Persuadables browse a lot, earn less and bought moderately recently; sure things buy often;
    lost causes have been inactive for long; sleeping dogs are Platinum and well off.
    """
    inc = (np.where(np.isnan(income), 50_000.0, income) - 50_000.0) / 20_000.0
    log_rec = np.log(np.maximum(recency_days, 1) / 30.0)
    scores = np.stack(
        [
            -0.2 + 1.2 * np.log1p(sessions_per_30d) - 0.8 * inc - 0.8 * np.abs(log_rec),
            3.0 * (np.log1p(purchases_per_30d) - 0.9),
            -0.5 + 1.5 * log_rec,
            -1.5 + 2.5 * (loyalty == 3) + 1.0 * inc,
        ],
        axis=1,
    )
    scores = c.UPLIFT_TYPE_SHARPNESS * scores
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def resolve_voucher(
    exp: Experiments, probs: np.ndarray, month_first: int, month_last: int
) -> VoucherOutcome:
    """Latent type, p(order) under both arms and both potential outcomes (same uniform)."""
    u_type, u_order, u_two, u_day1, u_day2 = exp.voucher_draws[:5]
    noise_c, noise_t = exp.voucher_draws[5:]
    elig = exp.voucher_eligible
    utype = _categorical_from(u_type, probs)
    pc = np.array([c.UPLIFT_P_CONTROL[t] for t in c.UPLIFT_TYPES])[utype]
    pt = np.array([c.UPLIFT_P_TREATMENT[t] for t in c.UPLIFT_TYPES])[utype]
    pc = np.where(elig, np.clip(pc + noise_c, 0.005, 0.995), np.nan)
    pt = np.where(elig, np.clip(pt + noise_t, 0.005, 0.995), np.nan)
    order_c = elig & (u_order < pc)
    order_t = elig & (u_order < pt)
    ordered = np.where(exp.voucher_treat, order_t, order_c)
    span = month_last - month_first + 1
    day1 = np.where(ordered, month_first + (u_day1 * span).astype(np.int64), -1)
    two = ordered & (u_two < c.VOUCHER_SECOND_ORDER_PROB)
    day2 = np.where(two, month_first + (u_day2 * span).astype(np.int64), -1)
    return VoucherOutcome(
        np.where(elig, utype, -1), pc, pt, order_c, order_t, np.vstack([day1, day2])
    )


def _categorical_from(u: np.ndarray, probs: np.ndarray) -> np.ndarray:
    return (u[:, None] > np.cumsum(probs, axis=1)[:, :-1]).sum(axis=1)


def assignments_table(cust: CustomerChunk, exp: Experiments, sched: Schedule) -> pa.Table:
    """One row per customer per campaign: offers (all contacted, treatment) and both tests."""
    ids, cids, arms, days = [], [], [], []
    for i, start in enumerate(sched.offer_start):
        sel = np.flatnonzero(exp.offer_contacted[i])
        ids.append(cust.ids[sel])
        cids.append(np.full(sel.size, OFFER_IDS[i]))
        arms.append(np.zeros(sel.size, np.int8))
        days.append(np.full(sel.size, start))
    for cid, assigned, treat, start in (
        (HOLDOUT_ID, exp.holdout_assigned, exp.holdout_treat, sched.holdout_start),
        (VOUCHER_ID, exp.voucher_eligible, exp.voucher_treat, sched.voucher_start),
    ):
        sel = np.flatnonzero(assigned)
        ids.append(cust.ids[sel])
        cids.append(np.full(sel.size, cid))
        arms.append(np.where(treat[sel], 0, 1).astype(np.int8))
        days.append(np.full(sel.size, start))
    return pa.table(
        {
            "campaign_id": pa.array(np.concatenate(cids).astype(np.int64)),
            "customer_id": pa.array(np.concatenate(ids)),
            "arm": labels(np.concatenate(arms), c.ARMS),
            "assigned_at": date_array(sched.start, np.concatenate(days)),
        }
    )
