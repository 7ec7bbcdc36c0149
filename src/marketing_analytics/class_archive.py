"""A class-data-sharing archive of Spark's classes, so each Spark JVM starts faster.

Every dbt invocation and every server starts a JVM that loads some 20,000 classes of
Spark, Hive and DataNucleus before its first query: about 20 s on 2 cores. A dynamic
AppCDS archive (JDK 13+) of those classes, made once per install, maps them instead
(measured in docs/benchmarks.md). ``make setup`` creates it; Spark JVMs the project
starts (the embedded session, Thrift and Connect servers) use it when it exists and
belongs to their Java. A JVM that cannot use it (another JDK, another classpath)
ignores it silently and starts as before.

Run as ``python -m marketing_analytics.class_archive`` to (re)create it.
"""

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import pyspark

from marketing_analytics.java import ensure_java

# Quiet: a mismatching archive is not an error, only a slower start.
QUIET = "-Xlog:cds=off -Xlog:cds+dynamic=off"


def archive_path(java_home: Path | None = None) -> Path:
    """Where this install keeps the archive of this Java and this Spark."""
    java_home = (java_home or ensure_java()).resolve()
    key = hashlib.sha1(f"{java_home}|{pyspark.__version__}".encode()).hexdigest()[:12]
    return Path(sys.prefix) / "share" / "marketing_analytics" / f"spark-classes-{key}.jsa"


def java_options(java_home: Path | None = None) -> str:
    """JVM options that use the archive, or '' when there is none."""
    path = archive_path(java_home)
    return f"-XX:SharedArchiveFile={path} {QUIET}" if path.is_file() else ""


def with_archive(conf: dict[str, str]) -> dict[str, str]:
    """``conf`` with the archive added to the driver's JVM options (once)."""
    options = java_options()
    current = conf.get("spark.driver.extraJavaOptions", "")
    if not options or "SharedArchiveFile" in current:
        return conf
    return {**conf, "spark.driver.extraJavaOptions": f"{current} {options}".strip()}


# Statements that load the classes a build needs: Hive metastore, Parquet writes,
# joins, windows, aggregates, Arrow (pandas UDFs and toPandas).
WARM_UP = [
    "create database if not exists warm",
    "create table warm.a using parquet as "
    "select id, id % 7 as g, cast(id as double) / 3 as x, date_add(date'2025-01-01', "
    "cast(id % 90 as int)) as d from range(2000)",
    "create table warm.b using parquet as select g, avg(x) as m, count(*) as n "
    "from warm.a group by g",
    "select a.g, sum(a.x) over (partition by a.g order by a.d rows between 3 preceding "
    "and current row) as s, b.m from warm.a a join warm.b b on a.g = b.g",
    "alter table warm.b rename to warm.c",
    "show tables in warm",
    "drop table warm.c",
]


def scratch_hive_session(work: str, java_options: str = ""):
    """A Hive-enabled local session whose warehouse and Derby metastore live in ``work``."""
    from pyspark.sql import SparkSession

    from marketing_analytics.spark_env import spark_environment

    os.environ.update(spark_environment())
    return (
        SparkSession.builder.master("local[2]")
        .enableHiveSupport()
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", f"{work}/warehouse")
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={work}/metastore_db;create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={work} {java_options}")
        .getOrCreate()
    )


def create(path: Path | None = None) -> Path | None:
    """Dump the classes of a representative Spark + Hive session into the archive."""
    from pyspark import SparkContext

    path = path or archive_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        partial = path.with_suffix(f".{os.getpid()}.partial")
        spark = scratch_hive_session(work, f"-XX:ArchiveClassesAtExit={partial} {QUIET}")
        spark.sparkContext.setLogLevel("ERROR")
        for statement in WARM_UP:
            spark.sql(statement).collect()
        spark.range(100).selectExpr("id", "id * 2 as y").toPandas()
        spark.stop()
        # The JVM writes the archive when it exits: end it and wait.
        gateway = SparkContext._gateway
        gateway.shutdown()
        gateway.proc.stdin.close()
        gateway.proc.wait(timeout=600)
    if not partial.is_file():
        # e.g. a JDK without a base CDS archive: nothing to share, starts stay as they are.
        print(f"no class archive: this Java ({ensure_java()}) could not write one")
        return None
    partial.replace(path)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB)")
    return path


if __name__ == "__main__":
    create()
