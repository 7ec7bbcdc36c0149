"""The seed's approach to the grid, kept as the benchmark's baseline (PySpark DataFrames).

A cross join of every customer with every day of the period, left joins of the
daily transaction and e-mail aggregates, and one ``Window.rowsBetween`` frame per
feature, as the seed write-up describes. Output rows and values equal the
project's grid (same definitions, ``features.py``).
"""

from datetime import date

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F  # noqa: N812

from marketing_analytics.bench.features import (
    DAYS_SINCE,
    MEASURES,
    MONEY,
    WINDOW_SUMS,
    output_columns,
)


def baseline_grid(spark: SparkSession, raw: str, start: date, end: date) -> DataFrame:
    customers = spark.read.parquet(f"{raw}/customers").select("customer_id", "signup_date")
    in_period = F.col("calendar_date").between(F.lit(start), F.lit(end))
    transactions = (
        spark.read.parquet(f"{raw}/transactions")
        .withColumn("calendar_date", F.to_date("transaction_at"))
        .where(in_period)
        .groupBy("customer_id", "calendar_date")
        .agg(
            F.count("*").alias("purchases"),
            (F.sum("amount") * 100).cast("bigint").alias("spend_cents"),
        )
    )
    emails = (
        spark.read.parquet(f"{raw}/email_events")
        .withColumn("calendar_date", F.to_date("event_at"))
        .where(in_period)
        .groupBy("customer_id", "calendar_date")
        .agg(
            *(
                F.count(F.when(F.col("event_type") == kind, 1)).alias(f"{kind}s")
                for kind in ("send", "open", "click")
            )
        )
    )
    sessions = (
        spark.read.parquet(f"{raw}/web_sessions")
        .withColumn("calendar_date", F.to_date("session_start_at"))
        .where(in_period)
        .groupBy("customer_id", "calendar_date")
        .agg(F.count("*").alias("web_sessions"))
    )
    first_event = (
        transactions.select("customer_id", "calendar_date")
        .unionByName(emails.select("customer_id", "calendar_date"))
        .unionByName(sessions.select("customer_id", "calendar_date"))
        .groupBy("customer_id")
        .agg(F.min("calendar_date").alias("first_event"))
    )
    first_days = customers.join(first_event, "customer_id", "left").select(
        "customer_id",
        F.greatest(
            F.least("signup_date", F.coalesce("first_event", "signup_date")), F.lit(start)
        ).alias("first_day"),
    )
    days = spark.range((end - start).days + 1).select(
        F.date_add(F.lit(start), F.col("id").cast("int")).alias("calendar_date")
    )
    grid = (
        first_days.crossJoin(days)
        .where(F.col("calendar_date") >= F.col("first_day"))
        .join(transactions, ["customer_id", "calendar_date"], "left")
        .join(emails, ["customer_id", "calendar_date"], "left")
        .join(sessions, ["customer_id", "calendar_date"], "left")
        .fillna(0, subset=list(MEASURES))
    )
    ordered = Window.partitionBy("customer_id").orderBy("calendar_date")
    for feature in WINDOW_SUMS:
        frame = ordered.rowsBetween(feature.first, feature.last)
        # An empty frame (the first days of a customer) sums to 0, not null.
        total = F.coalesce(F.sum(feature.measure).over(frame), F.lit(0))
        grid = grid.withColumn(feature.name, total.cast("bigint"))
    for feature in DAYS_SINCE:
        frame = ordered.rowsBetween(Window.unboundedPreceding, 0 if feature.include_today else -1)
        last_day = F.max(F.when(F.col(feature.measure) > 0, F.col("calendar_date"))).over(frame)
        grid = grid.withColumn(feature.name, F.datediff("calendar_date", last_day).cast("bigint"))
    grid = grid.withColumn("is_purchase_day", F.col("purchases") > 0).withColumn(
        "amount", F.col("spend_cents")
    )
    return grid.select(
        *(
            (F.col(name) / 100).cast("decimal(18,2)").alias(name) if name in MONEY else name
            for name in output_columns()
        )
    )
