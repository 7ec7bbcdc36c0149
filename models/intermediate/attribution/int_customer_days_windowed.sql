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
-- A full refresh is built for speed on Spark (docs/attribution.md): the
-- customers table is distributed by customer and each customer's days are
-- exploded in place; the sparse daily events are distributed the same way, so
-- the join is co-partitioned and the window reuses its sort. Windowed counts
-- are differences of running sums (lag of a cumulative sum), money stays
-- integer cents until the last step.
--
-- Incremental: a run computes only the days after the newest built one (less
-- attribution_reprocess_days), from the sparse events of their look-back
-- (range windows over event days, not a dense re-grid) and the unbounded
-- state (last purchase, last e-mail) carried from the built day before them.
-- The table is partitioned by month; the built days of the first rewritten
-- month are copied through (docs/attribution.md: day partitions cost more).
{# the look-back must cover the longest window (90 days): smaller values are raised to 90 #}
{% set lookback_days = [var('attribution_lookback_days') | int, 90] | max -%}
{%- set new_days = none %}
{%- if is_incremental() %}
{%- set calendar_bounds = run_query(
    "select cast(min(calendar_date) as string), cast(max(calendar_date) as string) from "
    ~ ref('int_calendar_days')
).rows[0] %}
{%- set new_days = incremental_days(
    'calendar_date', 'calendar_month', var('attribution_reprocess_days') | int,
    first_day=calendar_bounds[0], last_day=calendar_bounds[1],
) %}
{%- set first_new_day = "date '" ~ new_days.first_day ~ "'" %}
{%- set last_new_day = "date '" ~ new_days.last_day ~ "'" %}
{%- endif %}

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

customer_attributes as (
    select
        customers.customer_id,
        customers.signup_date,
        customers.loyalty_status,
        cast(coalesce(loyalty_tiers.loyalty_rank, 0) as int) as loyalty_level
    from customers
    left join loyalty_tiers
        on customers.loyalty_status = loyalty_tiers.loyalty_status
),

{% if not is_incremental() %}
run_bounds as (
    select
        min(calendar_date) as calendar_start_date,
        max(calendar_date) as calendar_end_date
    from calendar
),

first_event_days as (
    select
        customer_id,
        min(activity_date) as first_event_date
    from customer_day_events
    group by customer_id
),

customer_spans as (
    select /*+ repartition(customer_id) */
        customer_attributes.*,
        greatest(
            least(
                customer_attributes.signup_date,
                coalesce(first_event_days.first_event_date, customer_attributes.signup_date)
            ),
            run_bounds.calendar_start_date
        ) as first_grid_date,
        run_bounds.calendar_end_date
    from customer_attributes
    left join first_event_days
        on customer_attributes.customer_id = first_event_days.customer_id
    cross join run_bounds
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
    cross join run_bounds
    where
        customer_day_events.activity_date
        between run_bounds.calendar_start_date and run_bounds.calendar_end_date
),

grid as (
    select
        customer_id,
        signup_date,
        loyalty_status,
        loyalty_level,
        explode(sequence(first_grid_date, calendar_end_date, interval 1 day)) as calendar_date
    from customer_spans
    where first_grid_date <= calendar_end_date
),

grid_with_events as (
    select
        grid.customer_id,
        grid.calendar_date,
        grid.signup_date,
        grid.loyalty_status,
        grid.loyalty_level,
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

-- Running sums from the customer's first day, and the last event dates.
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
        lag(running_last_purchase_date, 1) over customer_days as last_purchase_date,
        running_last_email_date as last_email_date
    from running
    window customer_days as (partition by customer_id order by calendar_date)
),
{% else %}
-- State carried from the built day before the new days.
carried_state as (
    select
        customer_id,
        greatest(last_purchase_date, case when is_purchase_day then calendar_date end) as last_purchase_date,
        last_email_date
    from {{ this }}
    where
        calendar_month = cast(trunc(date_sub({{ first_new_day }}, 1), 'MM') as date)
        and calendar_date = date_sub({{ first_new_day }}, 1)
),

-- The events the new days' windows read: every event day of the new days; before
-- them, purchases of the look-back and e-mail events of the 14-day windows.
events_read as (
    select /*+ repartition(customer_id) */
        customer_id,
        activity_date,
        transactions,
        purchase_amount_cents,
        emails_sent,
        emails_opened,
        emails_clicked,
        web_sessions
    from customer_day_events
    where
        activity_month >= cast(trunc(date_sub({{ first_new_day }}, {{ lookback_days }}), 'MM') as date)
        and activity_date between date_sub({{ first_new_day }}, {{ lookback_days }}) and {{ last_new_day }}
        and activity_date >= date '{{ calendar_bounds[0] }}'
        and (activity_date >= date_sub({{ first_new_day }}, 14) or transactions > 0)
),

first_new_event_days as (
    select
        customer_id,
        min(activity_date) as first_event_date
    from events_read
    where activity_date >= {{ first_new_day }}
    group by customer_id
),

-- Customers built through the day before continue; the others start on their
-- first day (signup or first event) if it falls among the new days.
new_customer_spans as (
    select /*+ repartition(customer_id) */
        customer_attributes.*,
        case
            when carried_state.customer_id is not null then {{ first_new_day }}
            else greatest(
                least(
                    customer_attributes.signup_date,
                    coalesce(first_new_event_days.first_event_date, customer_attributes.signup_date)
                ),
                {{ first_new_day }}
            )
        end as first_new_date,
        carried_state.last_purchase_date as carried_last_purchase_date,
        carried_state.last_email_date as carried_last_email_date
    from customer_attributes
    left join carried_state
        on customer_attributes.customer_id = carried_state.customer_id
    left join first_new_event_days
        on customer_attributes.customer_id = first_new_event_days.customer_id
),

new_grid as (
    select
        customer_id,
        signup_date,
        loyalty_status,
        loyalty_level,
        carried_last_purchase_date,
        carried_last_email_date,
        explode(sequence(first_new_date, {{ last_new_day }}, interval 1 day)) as calendar_date
    from new_customer_spans
    where first_new_date <= {{ last_new_day }}
),

-- The new days (dense) and the look-back before them (event days only).
rows_read as (
    select
        new_grid.customer_id,
        new_grid.calendar_date,
        true as is_new_day,
        new_grid.signup_date,
        new_grid.loyalty_status,
        new_grid.loyalty_level,
        new_grid.carried_last_purchase_date,
        new_grid.carried_last_email_date,
        coalesce(events_read.transactions, 0) as transactions,
        coalesce(events_read.purchase_amount_cents, 0) as purchase_amount_cents,
        coalesce(events_read.emails_sent, 0) as emails_sent,
        coalesce(events_read.emails_opened, 0) as emails_opened,
        coalesce(events_read.emails_clicked, 0) as emails_clicked,
        coalesce(events_read.web_sessions, 0) as web_sessions
    from new_grid
    left join events_read
        on
            new_grid.customer_id = events_read.customer_id
            and new_grid.calendar_date = events_read.activity_date
    union all
    select
        customer_id,
        activity_date as calendar_date,
        false as is_new_day,
        cast(null as date) as signup_date,
        cast(null as string) as loyalty_status,
        cast(null as int) as loyalty_level,
        cast(null as date) as carried_last_purchase_date,
        cast(null as date) as carried_last_email_date,
        transactions,
        purchase_amount_cents,
        emails_sent,
        emails_opened,
        emails_clicked,
        web_sessions
    from events_read
    where activity_date < {{ first_new_day }}
),

-- Windows over days, not rows: "range k preceding" on the day number reads the
-- event days of the last k days, however sparse.
{%- set day_order = 'partition by customer_id order by unix_date(calendar_date)' %}
windowed_days as (
    select
        *,
        sum(emails_sent) over (
            {{ day_order }} range between 2 preceding and current row
        ) as emails_received_last_3_days,
        sum(emails_sent) over (
            {{ day_order }} range between 6 preceding and current row
        ) as emails_received_last_7_days,
        sum(emails_sent) over (
            {{ day_order }} range between 13 preceding and current row
        ) as emails_received_last_14_days,
        sum(emails_opened) over (
            {{ day_order }} range between 7 preceding and 1 preceding
        ) as emails_opened_previous_7_days,
        sum(emails_clicked) over (
            {{ day_order }} range between 7 preceding and 1 preceding
        ) as emails_clicked_previous_7_days,
        sum(web_sessions) over (
            {{ day_order }} range between 7 preceding and 1 preceding
        ) as web_sessions_previous_7_days,
        sum(transactions) over (
            {{ day_order }} range between 30 preceding and 1 preceding
        ) as transactions_previous_30_days,
        sum(transactions) over (
            {{ day_order }} range between 90 preceding and 1 preceding
        ) as transactions_previous_90_days,
        sum(purchase_amount_cents) over (
            {{ day_order }} range between 30 preceding and 1 preceding
        ) as spend_cents_previous_30_days,
        sum(purchase_amount_cents) over (
            {{ day_order }} range between 90 preceding and 1 preceding
        ) as spend_cents_previous_90_days,
        max(case when transactions > 0 then calendar_date end) over (
            {{ day_order }} range between unbounded preceding and 1 preceding
        ) as window_last_purchase_date,
        max(case when emails_sent > 0 then calendar_date end) over (
            {{ day_order }} range between unbounded preceding and current row
        ) as window_last_email_date
    from rows_read
),

windowed as (
    select
        customer_id,
        calendar_date,
        signup_date,
        loyalty_status,
        loyalty_level,
        transactions,
        purchase_amount_cents,
        emails_sent,
        coalesce(emails_received_last_3_days, 0) as emails_received_last_3_days,
        coalesce(emails_received_last_7_days, 0) as emails_received_last_7_days,
        coalesce(emails_received_last_14_days, 0) as emails_received_last_14_days,
        coalesce(emails_opened_previous_7_days, 0) as emails_opened_previous_7_days,
        coalesce(emails_clicked_previous_7_days, 0) as emails_clicked_previous_7_days,
        coalesce(web_sessions_previous_7_days, 0) as web_sessions_previous_7_days,
        coalesce(transactions_previous_30_days, 0) as transactions_previous_30_days,
        coalesce(transactions_previous_90_days, 0) as transactions_previous_90_days,
        coalesce(spend_cents_previous_30_days, 0) as spend_cents_previous_30_days,
        coalesce(spend_cents_previous_90_days, 0) as spend_cents_previous_90_days,
        -- greatest() skips nulls: the newer of the window's and the carried date
        greatest(window_last_purchase_date, carried_last_purchase_date) as last_purchase_date,
        greatest(window_last_email_date, carried_last_email_date) as last_email_date
    from windowed_days
    where is_new_day
),
{% endif %}

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
        windowed.last_email_date,
        windowed.last_purchase_date,
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
{%- if new_days and new_days.nothing_new %}
-- nothing new: an empty result overwrites no partition
where false
{%- elif new_days %}
union all
{{ kept_days_of_rewritten_month('calendar_date', 'calendar_month', new_days.first_day) }}
{%- endif %}
