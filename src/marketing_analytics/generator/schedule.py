"""Company calendar shared by every customer: releases, campaigns and experiment windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from . import config as c
from .tables import date_array, labels, money

OFFER_IDS = (1, 2, 3, 4, 5, 6)
HOLDOUT_ID = 7
VOUCHER_ID = 8
FIRST_NEWSLETTER_ID = 9
_TITLE_WORDS = ("Limited", "Seasonal", "Estate", "Artisan", "Reserve", "Heritage")


@dataclass(frozen=True)
class Schedule:
    start: np.datetime64  # first day of the period
    days: int
    is_weekend: np.ndarray  # per day, 0/1
    is_release: np.ndarray  # per day, 0/1
    release_7d: np.ndarray  # per day, 0/1: a release in the 7 days before
    newsletter_id: np.ndarray  # per day, campaign id or 0
    offer_start: tuple[int, ...]  # day index per offer campaign
    holdout_start: int
    voucher_start: int  # first day of the voucher month
    voucher_end: int  # last day of the voucher month (inclusive)
    releases: pa.Table
    campaigns: pa.Table

    @property
    def holdout_send_days(self) -> tuple[int, ...]:
        return tuple(self.holdout_start + o for o in c.HOLDOUT_SEND_OFFSETS)


def _full_months(start: np.datetime64, days: int) -> list[tuple[int, int]]:
    """(first, last) day indices of calendar months lying wholly inside the period."""
    end = start + days  # exclusive
    month = start.astype("datetime64[M]")
    if month.astype("datetime64[D]") < start:
        month += 1
    out = []
    while (month + 1).astype("datetime64[D]") <= end:
        first = int((month.astype("datetime64[D]") - start).astype(int))
        last = int(((month + 1).astype("datetime64[D]") - start).astype(int)) - 1
        out.append((first, last))
        month += 1
    return out


def build_schedule(seed: int, start_date: date, days: int) -> Schedule:
    rng = c.rng_for(seed, c.STREAM_CALENDAR)
    start = np.datetime64(start_date, "D")
    dates = start + np.arange(days)
    weekday = (dates.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    is_weekend = (weekday >= 5).astype(np.int8)

    # Releases: a few per calendar month touched by the period.
    months = np.unique(dates.astype("datetime64[M]"))
    rel_days = []
    for m in months:
        in_month = np.flatnonzero(dates.astype("datetime64[M]") == m)
        k = rng.integers(c.RELEASES_PER_MONTH[0], c.RELEASES_PER_MONTH[1] + 1)
        rel_days.append(rng.choice(in_month, size=min(k, in_month.size), replace=False))
    rel_day = np.sort(np.concatenate(rel_days))
    rel_cat = rng.integers(0, len(c.CATEGORIES), rel_day.size)
    rel_major = (rng.random(rel_day.size) < c.RELEASE_MAJOR_PROB).astype(np.int8)
    rel_word = rng.integers(0, len(_TITLE_WORDS), rel_day.size)
    titles = [
        f"{_TITLE_WORDS[w]} {c.CATEGORIES[k]} collection"
        for w, k in zip(rel_word, rel_cat, strict=True)
    ]
    is_release = np.zeros(days, np.int8)
    is_release[rel_day] = 1
    cum = np.concatenate([[0], np.cumsum(is_release)])
    d = np.arange(days)
    release_7d = (cum[d] - cum[np.maximum(d - 7, 0)] > 0).astype(np.int8)
    releases = pa.table(
        {
            "release_id": pa.array(np.arange(1, rel_day.size + 1), pa.int64()),
            "release_date": date_array(start, rel_day),
            "product_category": labels(rel_cat, c.CATEGORIES),
            "title": pa.array(titles, pa.string()),
            "is_major": pa.array(rel_major, pa.int8()),
        }
    )

    # Experiment windows: the voucher month first, then the holdout clear of it.
    full = _full_months(start, days)
    v_first, v_last = full[5] if days >= 240 and len(full) >= 6 else full[-2]
    h_start = days // 2
    if h_start <= v_last and h_start + c.HOLDOUT_DAYS > v_first:
        h_start = v_last + 1
    offer_start = tuple(int(k * days / 6) + 2 for k in range(6))

    nl_days = np.flatnonzero(np.isin(weekday, c.NEWSLETTER_WEEKDAYS))
    newsletter_id = np.zeros(days, np.int64)
    newsletter_id[nl_days] = FIRST_NEWSLETTER_ID + np.arange(nl_days.size)

    campaigns = _campaigns_table(start, offer_start, h_start, v_first, v_last, nl_days)
    return Schedule(
        start=start,
        days=days,
        is_weekend=is_weekend,
        is_release=is_release,
        release_7d=release_7d,
        newsletter_id=newsletter_id,
        offer_start=offer_start,
        holdout_start=h_start,
        voucher_start=v_first,
        voucher_end=v_last,
        releases=releases,
        campaigns=campaigns,
    )


def _campaigns_table(
    start: np.datetime64,
    offer_start: tuple[int, ...],
    h_start: int,
    v_first: int,
    v_last: int,
    nl_days: np.ndarray,
) -> pa.Table:
    rows: list[tuple[int, str, str, str, int, int, float, float]] = []
    for i, s in enumerate(offer_start):
        name = "Last offer campaign" if i == 5 else f"Offer campaign {i + 1}"
        rows.append(
            (
                OFFER_IDS[i],
                name,
                c.OFFER_CHANNELS[i],
                "offer",
                s,
                s + c.OFFER_WINDOW_DAYS - 1,
                c.COST_PER_CONTACT["offer"],
                c.OFFER_DISCOUNT,
            )
        )
    rows.append(
        (
            HOLDOUT_ID,
            "E-mail holdout test",
            "email",
            "holdout_test",
            h_start,
            h_start + c.HOLDOUT_DAYS - 1,
            c.COST_PER_CONTACT["holdout_test"],
            0.0,
        )
    )
    month = str((start + v_first).astype("datetime64[M]"))
    rows.append(
        (
            VOUCHER_ID,
            f"Voucher test {month}",
            "voucher",
            "voucher_test",
            v_first,
            v_last,
            c.COST_PER_CONTACT["voucher_test"],
            c.VOUCHER_DISCOUNT,
        )
    )
    for i, day in enumerate(nl_days):
        rows.append(
            (
                FIRST_NEWSLETTER_ID + i,
                f"Newsletter {start + day}",
                "email",
                "newsletter",
                int(day),
                int(day),
                c.COST_PER_CONTACT["newsletter"],
                0.0,
            )
        )
    cols = list(zip(*rows, strict=True))
    n = len(rows)
    return pa.table(
        {
            "campaign_id": pa.array(cols[0], pa.int64()),
            "campaign_name": pa.array(cols[1], pa.string()),
            "channel": pa.array(cols[2], pa.string()),
            "campaign_type": pa.array(cols[3], pa.string()),
            "start_date": date_array(start, np.array(cols[4])),
            "end_date": date_array(start, np.array(cols[5])),
            "cost_per_contact": money(np.array(cols[6]), precision=8),
            "revenue_per_response": money(np.full(n, c.REVENUE_PER_RESPONSE), precision=8),
            "discount_rate": money(np.array(cols[7]), precision=4),
        }
    )
