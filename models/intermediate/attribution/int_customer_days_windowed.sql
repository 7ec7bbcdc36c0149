{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    partition_by=['calendar_month'],
    on_schema_change='fail',
) }}
-- The customer-day grid: one row per customer per day from the customer's
-- first day to the run's end date, with windowed features that only look at
-- the past (see _attribution__docs.md for every window).
--
-- Built for speed on Spark (docs/attribution.md): the customers table is
-- distributed by customer and each customer's days are exploded in place; the
-- sparse daily events are distributed the same way, so the join is
-- co-partitioned and the window reuses its sort. Windowed counts are
-- differences of running sums (lag of a cumulative sum), money stays integer
-- cents until the last step.
--
-- Incremental: the table is partitioned by month; a run rebuilds the months
-- from the first day it has not built yet (less attribution_reprocess_days)
-- and re-reads attribution_lookback_days of events before them. The unbounded
-- state (last purchase, last e-mail) is carried over from the row just before
-- the re-read window.
{# the look-back must cover the longest window (90 days): smaller values are raised to 90 #}
{% set lookback_days = [var('attribution_lookback_days') | int, 90] | max -%}
{% set reprocess_days = var("attribution_reprocess_days") | int %}

with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

customers as (
    select
        customer_id,
        signup_date,
        loyalty_status
    from {{ ref('stg_synthetic__customers') }}
),

loyalty_tiers as (
    select
        loyalty_status,
        loyalty_rank
    from {{ ref('loyalty_tiers') }}
),

customer_day_events as (
    select * from {{ ref('int_events_aggregated_to_customer_days') }}
),

run_bounds as (
    select
        min(calendar_date) as calendar_start_date,
        max(calendar_date) as calendar_end_date
    from calendar
),

{% if is_incremental() %}
built_bounds as (
    select max(calendar_date) as last_built_date
    from {{ this }}
),

rebuild_bounds as (
    select
        cast(trunc(
            least(
                date_add(built_bounds.last_built_date, 1 - {{ reprocess_days }}),
                run_bounds.calendar_end_date
            ),
            'MM'
        ) as date) as rebuild_from_date
    from built_bounds
    cross join run_bounds
),
{% else %}
rebuild_bounds as (
    select calendar_start_date as rebuild_from_date
    from run_bounds
),
{% endif %}

first_event_days as (
    select
        customer_id,
        min(activity_date) as first_event_date
    from customer_day_events
    group by customer_id
),

customer_spans as (
    select
        customers.customer_id,
        customers.signup_date,
        customers.loyalty_status,
        cast(coalesce(loyalty_tiers.loyalty_rank, 0) as int) as loyalty_level,
        greatest(
            least(customers.signup_date, coalesce(first_event_days.first_event_date, customers.signup_date)),
            run_bounds.calendar_start_date
        ) as first_grid_date,
        run_bounds.calendar_end_date,
        rebuild_bounds.rebuild_from_date
    from customers
    left join first_event_days
        on customers.customer_id = first_event_days.customer_id
    left join loyalty_tiers
        on customers.loyalty_status = loyalty_tiers.loyalty_status
    cross join run_bounds
    cross join rebuild_bounds
),

-- The days each customer needs: its rebuilt days plus the look-back window.
customer_read_spans as (
    select /*+ repartition(customer_id) */
        customer_id,
        signup_date,
        loyalty_status,
        loyalty_level,
        first_grid_date,
        rebuild_from_date,
        greatest(first_grid_date, date_sub(rebuild_from_date, {{ lookback_days }})) as read_from_date,
        calendar_end_date
    from customer_spans
    where first_grid_date <= calendar_end_date
),

daily_events_distributed as (
    select /*+ repartition(customer_id) */
        customer_day_events.customer_id,
        customer_day_events.activity_date,
        customer_day_events.transactions,
        customer_day_events.purchase_amount_cents,
        customer_day_events.emails_sent,
        customer_day_events.emails_opened,
        customer_day_events.emails_clicked,
        customer_day_events.web_sessions
    from customer_day_events
    cross join rebuild_bounds
    cross join run_bounds
    where
        customer_day_events.activity_date
        between date_sub(rebuild_bounds.rebuild_from_date, {{ lookback_days }}) and run_bounds.calendar_end_date
),

{% if is_incremental() %}
-- State carried over from the last built row before the re-read window.
carried_state as (
    select
        built_grid.customer_id,
        greatest(
            built_grid.last_purchase_date,
            case when built_grid.is_purchase_day then built_grid.calendar_date end
        ) as last_purchase_date,
        built_grid.last_email_date
    from {{ this }} as built_grid
    cross join rebuild_bounds
    where
        built_grid.calendar_date = date_sub(rebuild_bounds.rebuild_from_date, {{ lookback_days + 1 }})
        and built_grid.calendar_month
        = cast(trunc(date_sub(rebuild_bounds.rebuild_from_date, {{ lookback_days + 1 }}), 'MM') as date)
),
{% endif %}

grid as (
    select
        customer_id,
        signup_date,
        loyalty_status,
        loyalty_level,
        rebuild_from_date,
        explode(sequence(read_from_date, calendar_end_date, interval 1 day)) as calendar_date
    from customer_read_spans
),

grid_with_events as (
    select
        grid.customer_id,
        grid.calendar_date,
        grid.signup_date,
        grid.loyalty_status,
        grid.loyalty_level,
        grid.rebuild_from_date,
        coalesce(daily_events_distributed.transactions, 0) as transactions,
        coalesce(daily_events_distributed.purchase_amount_cents, 0) as purchase_amount_cents,
        coalesce(daily_events_distributed.emails_sent, 0) as emails_sent,
        coalesce(daily_events_distributed.emails_opened, 0) as emails_opened,
        coalesce(daily_events_distributed.emails_clicked, 0) as emails_clicked,
        coalesce(daily_events_distributed.web_sessions, 0) as web_sessions
    from grid
    left join daily_events_distributed
        on
            grid.customer_id = daily_events_distributed.customer_id
            and grid.calendar_date = daily_events_distributed.activity_date
),

-- Running sums from the first read day, and the last event dates.
running as (
    select
        *,
        sum(transactions) over customer_history as running_transactions,
        sum(purchase_amount_cents) over customer_history as running_amount_cents,
        sum(emails_sent) over customer_history as running_emails_sent,
        sum(emails_opened) over customer_history as running_emails_opened,
        sum(emails_clicked) over customer_history as running_emails_clicked,
        sum(web_sessions) over customer_history as running_web_sessions,
        max(case when transactions > 0 then calendar_date end) over customer_history as running_last_purchase_date,
        max(case when emails_sent > 0 then calendar_date end) over customer_history as running_last_email_date
    from grid_with_events
    window customer_history as (
        partition by customer_id order by calendar_date rows between unbounded preceding and current row
    )
),

-- A window of k days ending today = running sum today - running sum k days ago;
-- ending yesterday = the same differences one day earlier.
windowed as (
    select
        customer_id,
        calendar_date,
        signup_date,
        loyalty_status,
        loyalty_level,
        rebuild_from_date,
        transactions,
        purchase_amount_cents,
        emails_sent,
        running_emails_sent - lag(running_emails_sent, 3, 0) over customer_days as emails_received_last_3_days,
        running_emails_sent - lag(running_emails_sent, 7, 0) over customer_days as emails_received_last_7_days,
        running_emails_sent - lag(running_emails_sent, 14, 0) over customer_days as emails_received_last_14_days,
        lag(running_emails_opened, 1, 0) over customer_days
        - lag(running_emails_opened, 8, 0) over customer_days as emails_opened_previous_7_days,
        lag(running_emails_clicked, 1, 0) over customer_days
        - lag(running_emails_clicked, 8, 0) over customer_days as emails_clicked_previous_7_days,
        lag(running_web_sessions, 1, 0) over customer_days
        - lag(running_web_sessions, 8, 0) over customer_days as web_sessions_previous_7_days,
        lag(running_transactions, 1, 0) over customer_days
        - lag(running_transactions, 31, 0) over customer_days as transactions_previous_30_days,
        lag(running_transactions, 1, 0) over customer_days
        - lag(running_transactions, 91, 0) over customer_days as transactions_previous_90_days,
        lag(running_amount_cents, 1, 0) over customer_days
        - lag(running_amount_cents, 31, 0) over customer_days as spend_cents_previous_30_days,
        lag(running_amount_cents, 1, 0) over customer_days
        - lag(running_amount_cents, 91, 0) over customer_days as spend_cents_previous_90_days,
        lag(running_last_purchase_date, 1) over customer_days as window_last_purchase_date,
        running_last_email_date as window_last_email_date
    from running
    window customer_days as (partition by customer_id order by calendar_date)
),

featured as (
    select
        windowed.customer_id,
        windowed.calendar_date,
        calendar.calendar_month,
        -- labels
        windowed.transactions > 0 as is_purchase_day,
        windowed.transactions as transactions_today,
        cast(windowed.purchase_amount_cents / 100.0 as decimal(18, 2)) as amount,
        -- e-mail
        windowed.emails_sent as emails_received_today,
        cast(windowed.emails_received_last_3_days as int) as emails_received_last_3_days,
        cast(windowed.emails_received_last_7_days as int) as emails_received_last_7_days,
        cast(windowed.emails_received_last_14_days as int) as emails_received_last_14_days,
        cast(windowed.emails_opened_previous_7_days as int) as emails_opened_previous_7_days,
        cast(windowed.emails_clicked_previous_7_days as int) as emails_clicked_previous_7_days,
        cast(windowed.web_sessions_previous_7_days as int) as web_sessions_previous_7_days,
        {%- if is_incremental() %}
        coalesce(windowed.window_last_email_date, carried_state.last_email_date) as last_email_date,
        coalesce(windowed.window_last_purchase_date, carried_state.last_purchase_date) as last_purchase_date,
        {%- else %}
        windowed.window_last_email_date as last_email_date,
        windowed.window_last_purchase_date as last_purchase_date,
        {%- endif %}
        -- purchases
        cast(windowed.transactions_previous_30_days as int) as transactions_previous_30_days,
        cast(windowed.transactions_previous_90_days as int) as transactions_previous_90_days,
        cast(windowed.spend_cents_previous_30_days / 100.0 as decimal(18, 2)) as spend_previous_30_days,
        cast(windowed.spend_cents_previous_90_days / 100.0 as decimal(18, 2)) as spend_previous_90_days,
        -- customer
        windowed.signup_date,
        datediff(windowed.calendar_date, windowed.signup_date) as tenure_days,
        windowed.loyalty_status,
        windowed.loyalty_level,
        -- calendar
        calendar.day_of_week,
        calendar.is_weekend,
        calendar.is_release_day,
        calendar.releases_in_previous_7_days,
        calendar.has_release_in_previous_7_days
    from windowed
    inner join calendar
        on windowed.calendar_date = calendar.calendar_date
    {%- if is_incremental() %}
    left join carried_state  -- noqa: ST11
        on windowed.customer_id = carried_state.customer_id
    {%- endif %}
    where windowed.calendar_date >= windowed.rebuild_from_date
),

final as (
    select
        customer_id,
        calendar_date,
        is_purchase_day,
        transactions_today,
        amount,
        emails_received_today,
        emails_received_last_3_days,
        emails_received_last_7_days,
        emails_received_last_14_days,
        emails_opened_previous_7_days,
        emails_clicked_previous_7_days,
        web_sessions_previous_7_days,
        transactions_previous_30_days,
        transactions_previous_90_days,
        spend_previous_30_days,
        spend_previous_90_days,
        last_purchase_date,
        datediff(calendar_date, last_purchase_date) as days_since_last_purchase,
        datediff(calendar_date, coalesce(last_purchase_date, signup_date)) as days_since_last_purchase_or_signup,
        last_email_date,
        datediff(calendar_date, last_email_date) as days_since_last_email,
        signup_date,
        tenure_days,
        loyalty_status,
        loyalty_level,
        day_of_week,
        is_weekend,
        is_release_day,
        releases_in_previous_7_days,
        has_release_in_previous_7_days,
        calendar_month
    from featured
)

select * from final
