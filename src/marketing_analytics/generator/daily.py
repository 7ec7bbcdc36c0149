"""Day-by-day simulation of one customer chunk, vectorised over customers.

Each day: e-mail sends (and their opens/clicks), the purchase decision from the planted logistic
model, offer redemptions, voucher-month orders and web sessions. During the e-mail holdout the
counterfactual arm is simulated alongside with the same uniforms to give the true lift.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import config as c
from .customers import CustomerChunk
from .experiments import (
    Experiments,
    VoucherOutcome,
    resolve_voucher,
    uplift_type_probabilities,
)
from .schedule import HOLDOUT_ID, OFFER_IDS, VOUCHER_ID, Schedule

DAY = 86_400
GRID_FEATURES = ("f_recency", "loyalty", "release_today", "release_7d", "weekend", "email_3d")


class _Rows:
    """Per-day column arrays, concatenated once per chunk."""

    def __init__(self, **dtypes: type) -> None:
        self._cols: dict[str, list[np.ndarray]] = {k: [np.empty(0, t)] for k, t in dtypes.items()}

    def add(self, **cols: np.ndarray) -> None:
        for k, v in cols.items():
            self._cols[k].append(v)

    def concat(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self._cols.items()}


@dataclass
class ChunkResult:
    transactions: dict[str, np.ndarray]  # cust (index), sec, cat, chan, amount, disc, campaign
    emails: dict[str, np.ndarray]  # campaign, cust, etype, sec
    sessions: dict[str, np.ndarray]  # cust, sec, pages, duration
    voucher: VoucherOutcome
    holdout: np.ndarray  # (4, n): purchase days and spend under treatment, then control
    grid: dict[str, float] = field(default_factory=dict)  # sums for feature sds over the grid


def simulate_chunk(
    seed: int,
    chunk: int,
    cust: CustomerChunk,
    sched: Schedule,
    exp: Experiments,
    email_effect: float,
) -> ChunkResult:
    rp = c.rng_for(seed, c.STREAM_PURCHASES, chunk)
    re = c.rng_for(seed, c.STREAM_EMAILS, chunk)
    rs = c.rng_for(seed, c.STREAM_SESSIONS, chunk)
    n, seg = cust.size, cust.segment
    k = c.PURCHASE_COEFFICIENTS
    base = c.segment_array("intercept")[seg] + k["b_loyalty"] * cust.loyalty
    day_const = (
        k["b_release_today"] * sched.is_release
        + k["b_release_7d"] * sched.release_7d
        + k["b_weekend"] * sched.is_weekend
    )
    open_p, click_p = c.segment_array("open_prob")[seg], c.segment_array("click_prob")[seg]
    sess_rate = c.segment_array("session_rate")[seg]
    deal_p = c.segment_array("deal_prob")[seg]
    cat_cum = np.cumsum([c.SEGMENT_PROFILES[s].category_probs for s in c.SEGMENTS], axis=1)
    chan_cum = np.cumsum([c.SEGMENT_PROFILES[s].channel_probs for s in c.SEGMENTS], axis=1)
    amt_mu, amt_sd = c.segment_array("amount_mu"), c.segment_array("amount_sigma")
    cat_mult = np.array(c.CATEGORY_AMOUNT_MULT)
    pages_mean = c.segment_array("pages_mean")
    spp = c.segment_array("seconds_per_page")

    last = cust.signup_day.copy()  # day of last purchase, or signup before the first one
    last_cf = last
    hist = np.zeros((3, n), np.int16)  # e-mails received on each of the last 3 days
    hist_cf = hist
    purchases_pre = np.zeros(n, np.int64)
    sessions_pre = np.zeros(n, np.int64)
    holdout = np.zeros((4, n))  # observed path: days, spend; counterfactual path: days, spend
    grid = dict.fromkeys(
        ["n", "purchases"] + [f"s_{f}" for f in GRID_FEATURES] + [f"ss_{f}" for f in GRID_FEATURES],
        0.0,
    )
    voucher: VoucherOutcome | None = None
    h0, h1 = sched.holdout_start, sched.holdout_start + c.HOLDOUT_DAYS
    v0, v1 = sched.voucher_start, sched.voucher_end
    holdout_send_days = set(sched.holdout_send_days)
    control_assigned = exp.holdout_assigned & ~exp.holdout_treat

    tx = _Rows(
        cust=np.int64,
        sec=np.int64,
        cat=np.int8,
        chan=np.int8,
        amount=float,
        disc=np.int8,
        campaign=np.int64,
    )
    em = _Rows(campaign=np.int64, cust=np.int64, etype=np.int8, sec=np.int64)
    ss = _Rows(cust=np.int64, sec=np.int64, pages=np.int64, duration=np.int64)

    def send(campaign: int, mask: np.ndarray, d: int, hour: int) -> None:
        idx = np.flatnonzero(mask)
        sec = d * DAY + hour * 3600 + re.integers(0, 3600, idx.size)
        opened = re.random(idx.size) < open_p[idx]
        o_idx = idx[opened]
        o_sec = sec[opened] + 60 + np.minimum(re.exponential(3 * 3600, o_idx.size), 20 * 3600)
        clicked = re.random(o_idx.size) < click_p[o_idx]
        c_sec = o_sec[clicked] + 5 + re.exponential(300, int(clicked.sum()))
        for ids, secs, etype in ((idx, sec, 0), (o_idx, o_sec, 1), (o_idx[clicked], c_sec, 2)):
            em.add(
                campaign=np.full(ids.size, campaign, np.int64),
                cust=ids,
                etype=np.full(ids.size, etype, np.int8),
                sec=secs.astype(np.int64),
            )

    def basket(rc: np.ndarray, d: int) -> tuple[np.ndarray, ...]:
        s = seg[rc]
        cat = (rp.random(rc.size)[:, None] > cat_cum[s][:, :-1]).sum(axis=1).astype(np.int8)
        chan = (rp.random(rc.size)[:, None] > chan_cum[s][:, :-1]).sum(axis=1).astype(np.int8)
        amount = np.exp(amt_mu[s] + amt_sd[s] * rp.standard_normal(rc.size)) * cat_mult[cat]
        sec = d * DAY + 7 * 3600 + rp.integers(0, 16 * 3600, rc.size)  # 07:00-23:00
        return cat, chan, amount, sec

    for d in range(sched.days):
        act = cust.signup_day <= d
        in_h = h0 <= d < h1
        if d == h0:  # start the counterfactual path from the observed state
            last_cf, hist_cf = last.copy(), hist.copy()
        slot = d % 3
        hist[slot] = 0
        if in_h:
            hist_cf[slot] = 0

        # E-mail sends; the holdout's extra e-mails differ between the two paths.
        sends = []
        if sched.newsletter_id[d]:
            sends.append((int(sched.newsletter_id[d]), act & cust.subscribed, 8))
        for i, s in enumerate(sched.offer_start):
            if s == d and c.OFFER_CHANNELS[i] == "email":
                sends.append((OFFER_IDS[i], exp.offer_contacted[i], 9))
        for campaign, mask, hour in sends:
            send(campaign, mask, d, hour)
            hist[slot] += mask
            if in_h:
                hist_cf[slot] += mask
        if d in holdout_send_days:
            send(HOLDOUT_ID, exp.holdout_treat, d, 10)
            hist[slot] += exp.holdout_treat
            hist_cf[slot] += control_assigned
        email3 = hist.sum(axis=0)

        if d == v0:  # latent uplift types from behaviour observed before the voucher month
            observed = np.maximum(v0 - np.maximum(cust.signup_day, 0), 1)
            probs = uplift_type_probabilities(
                30.0 * purchases_pre / observed,
                30.0 * sessions_pre / observed,
                v0 - last,
                cust.income,
                cust.loyalty,
            )
            voucher = resolve_voucher(exp, probs, v0, v1)

        # Daily purchase decision (planted model).
        f_rec = np.log1p(np.maximum(d - last, 0))
        u = rp.random(n)
        logit = base + day_const[d] + k["b_recency"] * f_rec + email_effect * email3
        buy = act & (u < 1.0 / (1.0 + np.exp(-logit)))
        if in_h:
            logit_cf = (
                base
                + day_const[d]
                + k["b_recency"] * np.log1p(np.maximum(d - last_cf, 0))
                + email_effect * hist_cf.sum(axis=0)
            )
            buy_cf = act & (u < 1.0 / (1.0 + np.exp(-logit_cf)))
        else:
            buy_cf = buy
        v_count = np.zeros(n, np.int64)
        if v0 <= d <= v1 and voucher is not None:  # voucher month replaces the daily process
            buy &= ~exp.voucher_eligible
            v_count = (voucher.order_days == d).sum(axis=0)

        a = act.sum()
        grid["n"] += a
        grid["purchases"] += buy.sum()
        for name, x in (
            ("f_recency", f_rec[act]),
            ("loyalty", cust.loyalty[act]),
            ("email_3d", email3[act]),
        ):
            grid[f"s_{name}"] += float(x.sum())
            grid[f"ss_{name}"] += float(np.square(x, dtype=float).sum())
        for name, arr in (
            ("release_today", sched.is_release),
            ("release_7d", sched.release_7d),
            ("weekend", sched.is_weekend),
        ):
            grid[f"s_{name}"] += a * float(arr[d])
            grid[f"ss_{name}"] += a * float(arr[d])

        # Ordinary purchases (drawn for both paths' buyers so spends share random numbers).
        idx = np.flatnonzero(buy | buy_cf)
        rc = np.repeat(idx, 1 + (rp.random(idx.size) < c.SECOND_TRANSACTION_PROB))
        cat, chan, amount, sec = basket(rc, d)
        disc = (rp.random(rc.size) < deal_p[rc]).astype(np.int8)
        keep = buy[rc]
        tx.add(
            cust=rc[keep],
            sec=sec[keep],
            cat=cat[keep],
            chan=chan[keep],
            amount=amount[keep],
            disc=disc[keep],
            campaign=np.zeros(int(keep.sum()), np.int64),
        )

        # Offer redemptions (offer windows do not overlap).
        redeem = np.zeros(n, bool)
        for i, s in enumerate(sched.offer_start):
            if s <= d < s + c.OFFER_WINDOW_DAYS:
                redeem = exp.offer_redeem_day[i] == d
                ri = np.flatnonzero(redeem)
                r_cat, r_chan, r_amt, r_sec = basket(ri, d)
                r_amt = r_amt * (1 - c.OFFER_DISCOUNT)
                tx.add(
                    cust=ri,
                    sec=r_sec,
                    cat=r_cat,
                    chan=r_chan,
                    amount=r_amt,
                    disc=np.ones(ri.size, np.int8),
                    campaign=np.full(ri.size, OFFER_IDS[i], np.int64),
                )
                if in_h:
                    holdout[[1, 3]] += np.bincount(ri, r_amt, minlength=n)

        # Voucher-month orders: treatment orders redeem the voucher.
        if v_count.any():
            vi = np.flatnonzero(v_count)
            vc = np.repeat(vi, v_count[vi])
            v_cat, v_chan, v_amt, v_sec = basket(vc, d)
            treat = exp.voucher_treat[vc]
            v_disc = np.where(treat, 1, rp.random(vc.size) < deal_p[vc]).astype(np.int8)
            tx.add(
                cust=vc,
                sec=v_sec,
                cat=v_cat,
                chan=v_chan,
                amount=np.where(treat, v_amt * (1 - c.VOUCHER_DISCOUNT), v_amt),
                disc=v_disc,
                campaign=np.where(treat, VOUCHER_ID, 0).astype(np.int64),
            )

        if in_h:
            holdout[0] += buy | redeem
            holdout[1] += np.bincount(rc[keep], amount[keep], minlength=n)
            holdout[2] += buy_cf | redeem
            cf_rows = buy_cf[rc]
            holdout[3] += np.bincount(rc[cf_rows], amount[cf_rows], minlength=n)
            last_cf = np.where(buy_cf | redeem, d, last_cf)
        purchased = buy | redeem | (v_count > 0)
        last[purchased] = d

        # Web sessions.
        counts = rs.poisson(sess_rate) * act
        sidx = np.flatnonzero(counts)
        sc = np.repeat(sidx, counts[sidx])
        pages = 1 + rs.poisson(pages_mean[seg[sc]])
        duration = np.maximum(
            1, np.rint(pages * spp[seg[sc]] * rs.lognormal(0.0, 0.5, sc.size))
        ).astype(np.int64)
        ss.add(cust=sc, sec=d * DAY + rs.integers(0, DAY, sc.size), pages=pages, duration=duration)
        if d < v0:
            purchases_pre += purchased
            sessions_pre += counts

    assert voucher is not None  # v0 always lies inside the period
    # Observed path -> the assigned arm; counterfactual -> the other arm.
    t = exp.holdout_treat
    arms = np.vstack(
        [
            np.where(t, holdout[0], holdout[2]),
            np.where(t, holdout[1], holdout[3]),
            np.where(t, holdout[2], holdout[0]),
            np.where(t, holdout[3], holdout[1]),
        ]
    )
    return ChunkResult(tx.concat(), em.concat(), ss.concat(), voucher, arms, grid)
