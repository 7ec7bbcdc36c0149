"""Arrow column builders that fix the on-disk types (dates, UTC timestamps, 2-decimal money)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

TIMESTAMP = pa.timestamp("s", tz="UTC")


def date_array(start: np.datetime64, day_index: np.ndarray) -> pa.Array:
    return pa.array((start + np.asarray(day_index, dtype=np.int64)).astype("datetime64[D]"))


def timestamp_array(start: np.datetime64, seconds: np.ndarray) -> pa.Array:
    base = start.astype("datetime64[s]").astype(np.int64)
    return pa.array(base + np.asarray(seconds, dtype=np.int64), pa.int64()).cast(TIMESTAMP)


def money(values: np.ndarray, precision: int = 12, mask: np.ndarray | None = None) -> pa.Array:
    """Two-decimal amounts; rounded to cents first so the decimal cast is exact."""
    arr = pa.array(np.round(np.asarray(values, dtype=float), 2), mask=mask)
    return arr.cast(pa.decimal128(precision, 2))


def labels(codes: np.ndarray, names: Sequence[str], mask: np.ndarray | None = None) -> pa.Array:
    """String column from integer codes, built in C++ rather than through Python objects."""
    idx = pa.array(np.asarray(codes, dtype=np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(idx, pa.array(list(names))).cast(pa.string())
