"""The customer-day grid and its windowed features, as the benchmark computes them.

One row per customer per day, from the customer's first day (signup or first
event, whichever is earlier, but not before the period start) to the period end.
The definitions follow the attribution analysis (issue 3): change them here when
the project's grid models settle, and every engine and the checksum follow.

Offsets are days relative to the row's day, both ends included: ``(-30, -1)`` is
the 30 days before today, today excluded; ``(-2, 0)`` is the last 3 days with today.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class WindowSum:
    """Sum of a daily measure over the days ``first``..``last`` relative to the row."""

    name: str
    measure: str
    first: int
    last: int


@dataclass(frozen=True)
class DaysSince:
    """Days since the last day with the measure > 0 (today counts if ``include_today``)."""

    name: str
    measure: str
    include_today: bool


# Daily measures per customer and day (from the raw tables):
#   purchases    transactions that day          spend_cents  their amount, in cents
#   sends/opens/clicks  e-mail events of that type   web_sessions  web sessions started
# Names, windows and the grid's first day follow the attribution branch's
# int_customer_days_windowed (its running-sum differences give these frames).
MEASURES = ("purchases", "spend_cents", "sends", "opens", "clicks", "web_sessions")

# Money columns: cents inside the computation, decimal(18,2) in the output.
MONEY = frozenset({"spend_previous_30_days", "spend_previous_90_days", "amount"})

WINDOW_SUMS: tuple[WindowSum, ...] = (
    WindowSum("emails_received_last_3_days", "sends", -2, 0),
    WindowSum("emails_received_last_7_days", "sends", -6, 0),
    WindowSum("emails_received_last_14_days", "sends", -13, 0),
    WindowSum("emails_opened_previous_7_days", "opens", -7, -1),
    WindowSum("emails_clicked_previous_7_days", "clicks", -7, -1),
    WindowSum("web_sessions_previous_7_days", "web_sessions", -7, -1),
    WindowSum("transactions_previous_30_days", "purchases", -30, -1),
    WindowSum("transactions_previous_90_days", "purchases", -90, -1),
    WindowSum("spend_previous_30_days", "spend_cents", -30, -1),
    WindowSum("spend_previous_90_days", "spend_cents", -90, -1),
)

DAYS_SINCE: tuple[DaysSince, ...] = (
    DaysSince("days_since_last_purchase", "purchases", include_today=False),
    DaysSince("days_since_last_email", "sends", include_today=True),
)

# Labels of the day: whether the customer bought, and how much.
KEY_COLUMNS = ("customer_id", "calendar_date")
LABELS = ("is_purchase_day", "amount")


def output_columns() -> list[str]:
    """Columns of the grid in output order (keys, features, labels)."""
    return [
        *KEY_COLUMNS,
        *(feature.name for feature in WINDOW_SUMS),
        *(feature.name for feature in DAYS_SINCE),
        *LABELS,
    ]


def frame_sql(first: int | None, last: int) -> str:
    """SQL ``rows between`` frame of an offset range (the grid is dense: one row a day).

    ``first=None`` is the start of the partition.
    """

    def bound(offset: int) -> str:
        if offset == 0:
            return "current row"
        return f"{abs(offset)} {'preceding' if offset < 0 else 'following'}"

    if first is None:
        return f"rows between unbounded preceding and {bound(last)}"
    if first > last:
        raise ValueError(f"empty window {first}..{last}")
    return f"rows between {bound(first)} and {bound(last)}"


def duckdb_sql(raw: str, start: str, end: str, out: str) -> str:
    """The grid as DuckDB SQL over the raw Parquet folders, written to ``out`` (Parquet)."""
    window = "partition by customer_id order by calendar_date"
    sums = ",\n        ".join(
        # An empty frame (the first days of a customer) sums to 0, not null.
        f"cast(coalesce(sum({f.measure}) over ({window} {frame_sql(f.first, f.last)}), 0)"
        f" as bigint) as {f.name}"
        for f in WINDOW_SUMS
    )
    since = ",\n        ".join(
        f"date_diff('day', max(case when {f.measure} > 0 then calendar_date end) over "
        f"({window} {frame_sql(None, 0 if f.include_today else -1)}), calendar_date)"
        f" as {f.name}"
        for f in DAYS_SINCE
    )
    selected = ",\n    ".join(
        f"cast({name} / 100 as decimal(18, 2)) as {name}" if name in MONEY else name
        for name in output_columns()
    )
    return f"""
copy (
with
customers as (
    select customer_id, signup_date from read_parquet('{raw}/customers/*.parquet')
),
transactions as (
    select customer_id, cast(transaction_at as date) as calendar_date, amount
    from read_parquet('{raw}/transactions/*.parquet')
    where cast(transaction_at as date) between date '{start}' and date '{end}'
),
emails as (
    select customer_id, cast(event_at as date) as calendar_date, event_type
    from read_parquet('{raw}/email_events/*.parquet')
    where cast(event_at as date) between date '{start}' and date '{end}'
),
sessions as (
    select customer_id, cast(session_start_at as date) as calendar_date
    from read_parquet('{raw}/web_sessions/*.parquet')
    where cast(session_start_at as date) between date '{start}' and date '{end}'
),
daily_events as (
    select
        customer_id,
        calendar_date,
        count(*) as purchases,
        cast(sum(amount) * 100 as bigint) as spend_cents,
        0 as sends, 0 as opens, 0 as clicks, 0 as web_sessions
    from transactions
    group by all
    union all
    select
        customer_id,
        calendar_date,
        0, 0,
        count(*) filter (where event_type = 'send'),
        count(*) filter (where event_type = 'open'),
        count(*) filter (where event_type = 'click'),
        0
    from emails
    group by all
    union all
    select customer_id, calendar_date, 0, 0, 0, 0, 0, count(*)
    from sessions
    group by all
),
daily as (
    select
        customer_id,
        calendar_date,
        sum(purchases) as purchases,
        sum(spend_cents) as spend_cents,
        sum(sends) as sends,
        sum(opens) as opens,
        sum(clicks) as clicks,
        sum(web_sessions) as web_sessions
    from daily_events
    group by all
),
first_days as (
    select
        customers.customer_id,
        greatest(
            least(customers.signup_date, coalesce(min(daily.calendar_date), customers.signup_date)),
            date '{start}'
        ) as first_day
    from customers
    left join daily on customers.customer_id = daily.customer_id
    group by customers.customer_id, customers.signup_date
),
grid as (
    select
        customer_id,
        cast(unnest(generate_series(first_day, date '{end}', interval 1 day)) as date)
            as calendar_date
    from first_days
),
filled as (
    select
        grid.customer_id,
        grid.calendar_date,
        coalesce(daily.purchases, 0) as purchases,
        coalesce(daily.spend_cents, 0) as spend_cents,
        coalesce(daily.sends, 0) as sends,
        coalesce(daily.opens, 0) as opens,
        coalesce(daily.clicks, 0) as clicks,
        coalesce(daily.web_sessions, 0) as web_sessions
    from grid
    left join daily
        on grid.customer_id = daily.customer_id and grid.calendar_date = daily.calendar_date
),
featured as (
    select
        customer_id,
        calendar_date,
        {sums},
        {since},
        purchases > 0 as is_purchase_day,
        spend_cents as amount
    from filled
)
select
    {selected}
from featured
) to '{out}' (format parquet)
"""
