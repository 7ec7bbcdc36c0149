"""One engine run in its own process: ``python -m marketing_analytics.bench.engines``.

Each run is a cold process (JVM start included for Spark), like a scheduled job,
and the benchmark measures the wall time and peak memory of its process tree.
"""

import argparse
import os
import shutil
import sys
from datetime import date
from pathlib import Path


def run_spark_baseline(raw: Path, start: date, end: date, out: Path) -> None:
    from pyspark.sql import SparkSession

    from marketing_analytics.bench.baseline import baseline_grid
    from marketing_analytics.java import ensure_java

    ensure_java()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (
        SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[*]"))
        .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "4g"))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        # The project's local-target settings, so only the plan differs.
        .config("spark.sql.shuffle.partitions", os.environ.get("SPARK_SHUFFLE_PARTITIONS", "4"))
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate()
    )
    try:
        baseline_grid(spark, str(raw), start, end).write.mode("overwrite").parquet(str(out))
    finally:
        spark.stop()


def run_duckdb(raw: Path, start: date, end: date, out: Path) -> None:
    import duckdb

    from marketing_analytics.bench.features import duckdb_sql

    out.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(
        duckdb_sql(str(raw), start.isoformat(), end.isoformat(), str(out / "part-0.parquet"))
    )
    connection.close()


ENGINES = {"spark_baseline": run_spark_baseline, "duckdb": run_duckdb}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("engine", choices=sorted(ENGINES))
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--start", type=date.fromisoformat, required=True)
    parser.add_argument("--end", type=date.fromisoformat, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    shutil.rmtree(args.out, ignore_errors=True)
    ENGINES[args.engine](args.raw, args.start, args.end, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
