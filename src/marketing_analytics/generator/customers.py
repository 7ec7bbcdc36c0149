"""Customer attributes for one chunk: the segment drives income, loyalty and household."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import config as c
from .tables import date_array, labels, money

_EDUCATION_PROBS = {  # premium customers are more educated, as in the Kaggle CRM file
    "premium_loyalists": (0.01, 0.06, 0.43, 0.22, 0.28),
    "value_shoppers": (0.05, 0.12, 0.52, 0.15, 0.16),
    "digital_browsers": (0.02, 0.09, 0.50, 0.18, 0.21),
    "dormant": (0.05, 0.10, 0.50, 0.16, 0.19),
}
_MARITAL_PROBS = (0.22, 0.39, 0.26, 0.10, 0.03)
_KID_PROBS = {"premium_loyalists": (0.85, 0.14, 0.01)}
_KID_PROBS_DEFAULT = (0.45, 0.48, 0.07)
_TEEN_PROBS = (0.52, 0.46, 0.02)
_BIRTH_YEAR_MEAN = {
    "premium_loyalists": 1966.0,
    "value_shoppers": 1972.0,
    "digital_browsers": 1980.0,
    "dormant": 1968.0,
}


@dataclass(frozen=True)
class CustomerChunk:
    ids: np.ndarray  # customer_id
    segment: np.ndarray  # code into SEGMENTS
    signup_day: np.ndarray  # day index relative to start_date (negative: before the period)
    loyalty: np.ndarray  # ordinal Basic=0 .. Platinum=3 (true value, also when shown empty)
    income: np.ndarray  # NaN when missing
    subscribed: np.ndarray  # receives newsletters

    @property
    def size(self) -> int:
        return self.ids.size


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (n, k) probability matrix."""
    u = rng.random(probs.shape[0])
    return (u[:, None] > np.cumsum(probs, axis=1)[:, :-1]).sum(axis=1)


def _by_segment(segment: np.ndarray, table: dict, default: object = None) -> np.ndarray:
    """Per-customer rows of a per-segment table (segments missing from it use the default)."""
    return np.array([table.get(s, default) for s in c.SEGMENTS], dtype=float)[segment]


def draw_customers(
    seed: int, chunk: int, first_id: int, n: int, days: int, start: np.datetime64
) -> tuple[CustomerChunk, pa.Table]:
    rng = c.rng_for(seed, c.STREAM_CUSTOMERS, chunk)
    shares = c.segment_array("share")
    segment = _categorical(rng, np.tile(shares, (n, 1)))
    pre = rng.random(n) < c.PRE_PERIOD_SIGNUP_SHARE
    signup_day = np.where(pre, rng.integers(-365, 0, n), rng.integers(0, days // 4, n))
    birth_year = np.clip(
        np.rint(_by_segment(segment, _BIRTH_YEAR_MEAN) + rng.normal(0, 10, n)), 1940, 2005
    ).astype(np.int32)
    gender = (rng.random(n) < 0.48).astype(np.int8)  # 0 = F, 1 = M
    education = _categorical(rng, _by_segment(segment, _EDUCATION_PROBS))
    marital = _categorical(rng, np.tile(_MARITAL_PROBS, (n, 1)))
    income = np.rint(
        c.segment_array("income_median")[segment] * np.exp(rng.normal(0, c.INCOME_SIGMA, n))
    )
    income[rng.random(n) < c.INCOME_MISSING_PROB] = np.nan
    kid_home = _categorical(rng, _by_segment(segment, _KID_PROBS, _KID_PROBS_DEFAULT))
    teen_home = _categorical(rng, np.tile(_TEEN_PROBS, (n, 1)))
    location = rng.integers(0, len(c.REGIONS), n)
    loy_probs = np.array([c.SEGMENT_PROFILES[s].loyalty_probs for s in c.SEGMENTS])
    loyalty = _categorical(rng, loy_probs[segment])
    loyalty_blank = (loyalty == 0) & (rng.random(n) < c.LOYALTY_BASIC_BLANK_PROB)
    subscribed = rng.random(n) < c.NEWSLETTER_SUBSCRIBED_PROB

    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    table = pa.table(
        {
            "customer_id": pa.array(ids),
            "signup_date": date_array(start, signup_day),
            "birth_year": pa.array(birth_year, pa.int32()),
            "gender": labels(gender, c.GENDERS),
            "education": labels(education, c.EDUCATION),
            "marital_status": labels(marital, c.MARITAL),
            "income": money(np.nan_to_num(income), mask=np.isnan(income)),
            "kid_home": pa.array(kid_home, pa.int32()),
            "teen_home": pa.array(teen_home, pa.int32()),
            "location": labels(location, c.REGIONS),
            "loyalty_status": labels(loyalty, c.LOYALTY, mask=loyalty_blank),
        }
    )
    chunk_data = CustomerChunk(
        ids=ids,
        segment=segment.astype(np.int8),
        signup_day=signup_day.astype(np.int64),
        loyalty=loyalty.astype(np.int8),
        income=income,
        subscribed=subscribed,
    )
    return chunk_data, table
