-- One row per calendar day of the run, from the start date to the end date
-- (vars attribution_start_date / attribution_end_date; by default the first
-- and the last day with a purchase, an e-mail send or a web session), with
-- the day-level features shared by every customer.
{% set start_date = var('attribution_start_date', '') -%}
{% set end_date = var('attribution_end_date', '') %}

with

customer_day_events as (
    select
        activity_date,
        transactions,
        emails_sent,
        web_sessions
    from {{ ref('int_events_aggregated_to_customer_days') }}
),

releases as (
    select release_date from {{ ref('stg_synthetic__releases') }}
),

observed_bounds as (
    select
        min(activity_date) as first_activity_date,
        max(activity_date) as last_activity_date
    from customer_day_events
    -- opens and clicks of the last sends can spill over to the next day
    where transactions > 0 or emails_sent > 0 or web_sessions > 0
),

run_bounds as (
    select
        {%- if start_date %}
        to_date('{{ start_date }}') as start_date,
        {%- else %}
        first_activity_date as start_date,
        {%- endif %}
        {%- if end_date %}
        to_date('{{ end_date }}') as end_date
        {%- else %}
        last_activity_date as end_date
        {%- endif %}
    from observed_bounds
),

days as (
    select explode(sequence(start_date, end_date, interval 1 day)) as calendar_date
    from run_bounds
),

release_days as (
    select
        release_date,
        count(*) as releases
    from releases
    group by release_date
),

releases_before as (
    select
        days.calendar_date,
        coalesce(sum(release_days.releases), 0) as releases_in_previous_7_days
    from days
    left join release_days
        on release_days.release_date between date_sub(days.calendar_date, 7) and date_sub(days.calendar_date, 1)
    group by days.calendar_date
),

calendar as (
    select
        days.calendar_date,
        cast(trunc(days.calendar_date, 'MM') as date) as calendar_month,
        dayofweek(days.calendar_date) as day_of_week,
        dayofweek(days.calendar_date) in (1, 7) as is_weekend,
        cast(coalesce(release_days.releases, 0) as int) as releases_today,
        release_days.releases is not null as is_release_day,
        cast(releases_before.releases_in_previous_7_days as int) as releases_in_previous_7_days,
        releases_before.releases_in_previous_7_days > 0 as has_release_in_previous_7_days
    from days
    left join release_days
        on days.calendar_date = release_days.release_date
    left join releases_before
        on days.calendar_date = releases_before.calendar_date
)

select * from calendar
