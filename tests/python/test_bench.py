"""The benchmark's grid SQL, checksum and ratios (fast: DuckDB on a hand-made company)."""

import json
import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from marketing_analytics.bench import stats
from marketing_analytics.bench.features import DAYS_SINCE, WINDOW_SUMS, duckdb_sql, frame_sql

START, END = date(2025, 1, 1), date(2025, 1, 20)


def _write(folder: Path, table: pa.Table) -> None:
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "part-00000.parquet")


def _at(day: int, hour: int) -> datetime:
    return datetime(2025, 1, 1, hour, tzinfo=UTC) + timedelta(days=day)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """Customer 1 since before the period, 2 signs up on day 5 but buys on day 3."""
    raw = tmp_path / "raw"
    _write(
        raw / "customers",
        pa.table(
            {
                "customer_id": pa.array([1, 2, 3], pa.int64()),
                "signup_date": [date(2024, 6, 1), date(2025, 1, 6), date(2025, 1, 18)],
            }
        ),
    )
    purchases = [(1, 0, "10.50"), (1, 0, "2.25"), (1, 9, "7.00"), (2, 3, "4.10"), (1, 25, "1.00")]
    _write(
        raw / "transactions",
        pa.table(
            {
                "customer_id": pa.array([p[0] for p in purchases], pa.int64()),
                "transaction_at": pa.array(
                    [_at(p[1], 20) for p in purchases], pa.timestamp("s", tz="UTC")
                ),
                "amount": pa.array([Decimal(p[2]) for p in purchases], pa.decimal128(12, 2)),
            }
        ),
    )
    events = [(1, 2, "send"), (1, 2, "open"), (1, 4, "send"), (2, 7, "send"), (2, 7, "click")]
    _write(
        raw / "email_events",
        pa.table(
            {
                "customer_id": pa.array([e[0] for e in events], pa.int64()),
                "event_at": pa.array([_at(e[1], 8) for e in events], pa.timestamp("s", tz="UTC")),
                "event_type": [e[2] for e in events],
            }
        ),
    )
    # Customer 3's first activity is a web session on day 15, before the signup.
    sessions = [(3, 15), (1, 3), (1, 5)]
    _write(
        raw / "web_sessions",
        pa.table(
            {
                "customer_id": pa.array([e[0] for e in sessions], pa.int64()),
                "session_start_at": pa.array(
                    [_at(e[1], 12) for e in sessions], pa.timestamp("s", tz="UTC")
                ),
            }
        ),
    )
    return raw


def _loop_grid(raw: Path) -> dict[tuple[int, date], dict]:
    """The definitions recomputed with plain loops over the raw rows."""
    customers = pq.read_table(raw / "customers").to_pylist()
    purchases = pq.read_table(raw / "transactions").to_pylist()
    emails = pq.read_table(raw / "email_events").to_pylist()
    sessions = pq.read_table(raw / "web_sessions").to_pylist()
    daily: dict[tuple[int, date], dict[str, int]] = {}
    for row in purchases:
        day = row["transaction_at"].date()
        if START <= day <= END:
            cell = daily.setdefault((row["customer_id"], day), {})
            cell["purchases"] = cell.get("purchases", 0) + 1
            cell["spend_cents"] = cell.get("spend_cents", 0) + int(row["amount"] * 100)
    for row in emails:
        day = row["event_at"].date()
        if START <= day <= END:
            cell = daily.setdefault((row["customer_id"], day), {})
            key = row["event_type"] + "s"
            cell[key] = cell.get(key, 0) + 1
    for row in sessions:
        day = row["session_start_at"].date()
        if START <= day <= END:
            cell = daily.setdefault((row["customer_id"], day), {})
            cell["web_sessions"] = cell.get("web_sessions", 0) + 1
    grid = {}
    for customer in customers:
        cid = customer["customer_id"]
        event_days = [day for (c, day) in daily if c == cid]
        first = max(min([customer["signup_date"], *event_days]), START)
        day = first
        while day <= END:
            row = {}
            for f in WINDOW_SUMS:
                row[f.name] = sum(
                    daily.get((cid, day + timedelta(days=k)), {}).get(f.measure, 0)
                    for k in range(f.first, f.last + 1)
                    if day + timedelta(days=k) >= first
                )
                if f.measure == "spend_cents":
                    row[f.name] = Decimal(row[f.name]) / 100
            for f in DAYS_SINCE:
                last = 0 if f.include_today else -1
                hits = [
                    d for (c, d), cell in daily.items()
                    if c == cid and d <= day + timedelta(days=last) and cell.get(f.measure, 0) > 0
                ]  # fmt: skip
                row[f.name] = (day - max(hits)).days if hits else None
            today = daily.get((cid, day), {})
            row["is_purchase_day"] = today.get("purchases", 0) > 0
            row["amount"] = Decimal(today.get("spend_cents", 0)) / 100
            grid[(cid, day)] = row
            day += timedelta(days=1)
    return grid


def test_duckdb_grid_matches_a_plain_loop(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "grid.parquet"
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(duckdb_sql(str(raw), START.isoformat(), END.isoformat(), str(out)))
    rows = pq.read_table(out).to_pylist()
    expected = _loop_grid(raw)
    # Customer 2's grid starts at the first purchase (day 3), before the signup.
    assert min(r["calendar_date"] for r in rows if r["customer_id"] == 2) == date(2025, 1, 4)
    assert min(r["calendar_date"] for r in rows if r["customer_id"] == 3) == date(2025, 1, 16)
    assert len(rows) == len(expected) == 20 + 17 + 5
    for row in rows:
        want = expected[(row["customer_id"], row["calendar_date"])]
        got = {k: v for k, v in row.items() if k not in ("customer_id", "calendar_date")}
        assert got == want, (row["customer_id"], row["calendar_date"])
    # A value of the spec, checked by hand: day 10 of customer 1 saw 12.75 + 0 spend in 30 days.
    day10 = expected[(1, date(2025, 1, 11))]
    assert day10["spend_previous_30_days"] == Decimal("19.75")
    assert day10["days_since_last_purchase"] == 1 and day10["web_sessions_previous_7_days"] == 2


def _checksum_of(table: pa.Table, tmp_path: Path, name: str) -> dict[str, str]:
    path = tmp_path / f"{name}.parquet"
    pq.write_table(table, path)
    columns = ["customer_id", "calendar_date", "emails_last_3d", "amount"]
    return stats.checksum(duckdb.connect(), f"read_parquet('{path}')", columns)


def test_checksum_ignores_order_and_types_but_not_values(tmp_path: Path) -> None:
    base = {
        "customer_id": [1, 1, 2],
        "calendar_date": [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 1)],
        "emails_last_3d": [0, 2, 1],
    }
    decimals = pa.table({**base, "amount": pa.array([Decimal("1.10"), None, Decimal("0.00")])})
    # Reversed rows, int32 counts and double money: the same features.
    doubles = pa.table(
        {
            "customer_id": pa.array([2, 1, 1], pa.int32()),
            "calendar_date": [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 1)],
            "emails_last_3d": pa.array([1, 2, 0], pa.int32()),
            "amount": [0.0, None, 1.1],
        }
    )
    changed = pa.table({**base, "amount": pa.array([Decimal("1.11"), None, Decimal("0.00")])})
    swapped = pa.table({**base, "emails_last_3d": [2, 0, 1], "amount": decimals["amount"]})
    reference = _checksum_of(decimals, tmp_path, "a")
    assert _checksum_of(doubles, tmp_path, "b") == reference
    assert stats.checksum_differences({"a": reference, "b": _checksum_of(changed, tmp_path, "c")})
    # Same column sums, values moved between rows: only the row hash tells.
    moved = stats.checksum_differences({"a": reference, "d": _checksum_of(swapped, tmp_path, "d")})
    assert [d.split(":")[0] for d in moved] == ["row_hash"]


def test_ratios_medians_and_growth() -> None:
    assert stats.median([3.0, 1.0, 2.0, 10.0]) == 2.5
    assert stats.ratio(6.0, 2.0) == 3.0
    assert stats.ratio(1.0, None) is None and stats.ratio(1.0, 0) is None
    size_ratio, time_ratio, exponent = stats.growth_exponent([100, 10, 50], [40.0, 4.0, 20.0])
    assert (size_ratio, time_ratio) == (10.0, 10.0) and math.isclose(exponent, 1.0)
    assert math.isclose(stats.growth_exponent([1, 4], [1.0, 2.0])[2], 0.5)
    assert stats.growth_exponent([10], [1.0]) is None


def test_frames() -> None:
    assert frame_sql(-30, -1) == "rows between 30 preceding and 1 preceding"
    assert frame_sql(-2, 0) == "rows between 2 preceding and current row"
    assert frame_sql(None, -1) == "rows between unbounded preceding and 1 preceding"
    with pytest.raises(ValueError):
        frame_sql(0, -1)


def test_targets_and_table_from_a_hand_made_report() -> None:
    from marketing_analytics.bench.runner import _growth, markdown, targets

    def engine(median: float, peak: float | None = 1.0) -> dict:
        return {"runs_s": [median], "median_s": median, "rows_per_s": 1, "peak_rss_gb": peak}

    def size(customers: int, scale: float) -> dict:
        engines = {
            "spark_baseline": engine(100 * scale),
            "duckdb": engine(20 * scale),
            "project_build": engine(30 * scale, 3.0),
            "project_spark": engine(20 * scale, None),
            "project_incremental": engine(12.0),
            "project_incremental_spark": engine(0.5, None),
        }
        median = {name: e["median_s"] for name, e in engines.items()}
        return {
            "customers": customers,
            "rows": customers * 365,
            "identical": True,
            "engines": engines,
            "ratios": {
                "baseline_over_project": median["spark_baseline"] / median["project_build"],
                "project_over_duckdb": median["project_build"] / median["duckdb"],
                "incremental_over_full": median["project_incremental"] / median["project_build"],
                "incremental_over_full_in_spark": median["project_incremental_spark"]
                / median["project_spark"],
                "baseline_over_duckdb": median["spark_baseline"] / median["duckdb"],
            },
        }

    report = {
        "command": "python -m marketing_analytics bench",
        "finished": "2026-11-25 12:00 UTC",
        "quick": False,
        "repeats": 1,
        "machine": {
            "cpu": "cpu",
            "cores": 2,
            "memory_gb": 24,
            "load_average_at_start": (0.1, 0.1, 0.1),
            "os": "linux",
            "python": "3.11",
            "pyspark": "4",
            "duckdb": "1",
            "dbt_core": "1.11",
            "spark_driver_memory": "4g",
        },
        "sizes": [size(10, 1.0), size(100, 10.0)],
    }
    report["growth"] = _growth(report["sizes"])
    report["targets"] = targets(report)
    judged = {t["target"]: (t["value"], t["met"]) for t in report["targets"]}
    assert judged["baseline / project >= 3"] == (pytest.approx(100 / 30), True)
    assert judged["project / DuckDB <= 2"] == (pytest.approx(1.5), True)
    assert judged["incremental / full <= 1/20"] == (pytest.approx(12 / 300), True)
    assert judged["incremental / full <= 1/20, time inside Spark"] == (
        pytest.approx(0.5 / 200),
        True,
    )
    assert judged["time growth exponent <= 1 (linear)"] == (pytest.approx(1.0), True)
    table = markdown(report)
    assert "| 100 | 3.33 | 1.50 | 0.040 | 0.003 | 5.00 | yes (checksum) |" in table
    assert "Why the unmet targets" not in table
    report["targets"][0]["met"] = False
    assert "Why the unmet targets" in markdown(report)


def test_node_report_sums_per_type_and_lists_the_slowest(tmp_path: Path) -> None:
    from marketing_analytics.bench.nodes import report

    results = {
        "elapsed_time": 12.5,
        "args": {"invocation_command": "dbt build --vars {}"},
        "results": [
            {"unique_id": "model.p.stg_a", "execution_time": 2.0},
            {"unique_id": "model.p.ml_b", "execution_time": 7.5},
            {"unique_id": "test.p.not_null_stg_a.1a2b", "execution_time": 0.25},
            {"unique_id": "test.p.unique_stg_a_id.3c4d", "execution_time": 0.5},
        ],
    }
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps(results))
    lines = report(path, top=2).splitlines()
    assert lines[0].endswith("dbt build --vars, 12.5 s elapsed")
    assert "model       2 nodes      9.5 s" in lines[1]
    assert "test        2 nodes      0.8 s" in lines[2]
    assert lines[4].split() == ["7.50", "s", "model", "ml_b"]
    assert lines[5].split() == ["2.00", "s", "model", "stg_a"]
    assert len(lines) == 6


def test_grid_benchmark_keeps_the_hand_measured_sections(tmp_path: Path) -> None:
    from marketing_analytics.bench.runner import KEPT_MARKER, kept_sections

    path = tmp_path / "benchmarks.md"
    assert kept_sections(path) == ""
    path.write_text("# old grid tables\n")
    assert kept_sections(path) == ""
    path.write_text(f"# old grid tables\n\n{KEPT_MARKER}\n## Demo build\nfigures\n")
    assert kept_sections(path) == f"\n{KEPT_MARKER}\n## Demo build\nfigures\n"
