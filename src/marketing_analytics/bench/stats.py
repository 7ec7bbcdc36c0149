"""Checksums of grid outputs and the arithmetic of the report (pure functions)."""

import math
import statistics
from collections.abc import Mapping, Sequence

from marketing_analytics.bench.features import MONEY, output_columns


def normalized_column(name: str) -> str:
    """DuckDB expression of a column in a type every engine agrees on.

    Money to integer cents, dates to days since 1970, flags and counts to bigint,
    so a decimal or a double, an int or a bigint of the same value hash alike.
    """
    if name in MONEY:
        return f"cast(round({name} * 100) as bigint)"
    if name == "calendar_date":
        return f"date_diff('day', date '1970-01-01', cast({name} as date))"
    return f"cast({name} as bigint)"


def checksum_sql(source: str, columns: Sequence[str] | None = None) -> str:
    """One row: row count, an order-independent hash of all rows, and per-column sums.

    ``source`` is a DuckDB table expression, e.g. ``read_parquet('dir/*.parquet')``.
    """
    columns = list(columns or output_columns())
    normalized = [normalized_column(c) for c in columns]
    sums = ", ".join(
        f"sum({expr}) as {name}" for expr, name in zip(normalized, columns, strict=True)
    )
    return (
        f"select count(*) as row_count, "
        f"sum(hash({', '.join(normalized)}))::varchar as row_hash, {sums} from {source}"
    )


def checksum(connection, source: str, columns: Sequence[str] | None = None) -> dict[str, str]:
    """Checksum of ``source`` as strings (exact, JSON-safe) by name."""
    cursor = connection.execute(checksum_sql(source, columns))
    names = [d[0] for d in cursor.description]
    return {name: str(value) for name, value in zip(names, cursor.fetchone(), strict=True)}


def checksum_differences(checksums: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Entries in which engines disagree (empty when all checksums are identical)."""
    names = list(checksums)
    if len(names) < 2:
        return []
    reference = checksums[names[0]]
    differences = []
    for engine in names[1:]:
        for key in sorted(set(reference) | set(checksums[engine])):
            if reference.get(key) != checksums[engine].get(key):
                differences.append(
                    f"{key}: {names[0]}={reference.get(key)} {engine}={checksums[engine].get(key)}"
                )
    return differences


def median(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("no runs to take a median of")
    return statistics.median(values)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def growth_exponent(
    sizes: Sequence[float], seconds: Sequence[float]
) -> tuple[float, float, float] | None:
    """(size ratio, time ratio, exponent) from the smallest to the largest size.

    Time grows like size**exponent between the two: 1 is linear, < 1 sub-linear.
    """
    if len(sizes) < 2 or len(sizes) != len(seconds):
        return None
    pairs = sorted(zip(sizes, seconds, strict=True))
    (small, t_small), (large, t_large) = pairs[0], pairs[-1]
    if small <= 0 or large == small or t_small <= 0:
        return None
    size_ratio, time_ratio = large / small, t_large / t_small
    return size_ratio, time_ratio, math.log(time_ratio) / math.log(size_ratio)
