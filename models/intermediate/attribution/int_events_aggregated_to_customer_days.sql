{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    partition_by=['activity_month'],
    on_schema_change='fail',
) }}
-- One row per customer per day with any activity: purchases (money as
-- integer cents, summed exactly), e-mail sends / opens / clicks and web
-- sessions. Days are UTC calendar days of the event timestamps.
--
-- Incremental: a run re-aggregates its newest built day (it may have been
-- loaded in part) and every later one, plus attribution_reprocess_days before
-- them for late events. Partitioned by month: the built days of the first
-- rewritten month are copied through.
{%- set since = none %}
{%- if is_incremental() %}
{%- set since = incremental_days(
    'activity_date', 'activity_month', var('attribution_reprocess_days') | int + 1
).first_day %}
{%- endif %}

with

transactions as (
    select
        customer_id,
        amount,
        transaction_at
    from {{ ref('stg_synthetic__transactions') }}
    {%- if since %}
    where transaction_at >= timestamp '{{ since }} 00:00:00'
    {%- endif %}
),

email_events as (
    select
        customer_id,
        event_type,
        event_at
    from {{ ref('stg_synthetic__email_events') }}
    {%- if since %}
    where event_at >= timestamp '{{ since }} 00:00:00'
    {%- endif %}
),

web_sessions as (
    select
        customer_id,
        pages_viewed,
        session_started_at
    from {{ ref('stg_synthetic__web_sessions') }}
    {%- if since %}
    where session_started_at >= timestamp '{{ since }} 00:00:00'
    {%- endif %}
),

transaction_days as (
    select
        customer_id,
        to_date(transaction_at) as activity_date,
        count(*) as transactions,
        sum(cast(amount * 100 as bigint)) as purchase_amount_cents,
        0 as emails_sent,
        0 as emails_opened,
        0 as emails_clicked,
        0 as web_sessions,
        0 as pages_viewed
    from transactions
    group by customer_id, to_date(transaction_at)
),

email_days as (
    select
        customer_id,
        to_date(event_at) as activity_date,
        0 as transactions,
        cast(0 as bigint) as purchase_amount_cents,
        count_if(event_type = 'send') as emails_sent,
        count_if(event_type = 'open') as emails_opened,
        count_if(event_type = 'click') as emails_clicked,
        0 as web_sessions,
        0 as pages_viewed
    from email_events
    group by customer_id, to_date(event_at)
),

session_days as (
    select
        customer_id,
        to_date(session_started_at) as activity_date,
        0 as transactions,
        cast(0 as bigint) as purchase_amount_cents,
        0 as emails_sent,
        0 as emails_opened,
        0 as emails_clicked,
        count(*) as web_sessions,
        sum(pages_viewed) as pages_viewed
    from web_sessions
    group by customer_id, to_date(session_started_at)
),

unioned as (
    select * from transaction_days
    union all
    select * from email_days
    union all
    select * from session_days
),

aggregated as (
    select
        customer_id,
        activity_date,
        cast(sum(transactions) as int) as transactions,
        cast(sum(purchase_amount_cents) as bigint) as purchase_amount_cents,
        cast(sum(emails_sent) as int) as emails_sent,
        cast(sum(emails_opened) as int) as emails_opened,
        cast(sum(emails_clicked) as int) as emails_clicked,
        cast(sum(web_sessions) as int) as web_sessions,
        cast(sum(pages_viewed) as int) as pages_viewed,
        cast(trunc(activity_date, 'MM') as date) as activity_month
    from unioned
    group by customer_id, activity_date
)

select * from aggregated
{%- if since %}
union all
{{ kept_days_of_rewritten_month('activity_date', 'activity_month', since) }}
{%- endif %}
