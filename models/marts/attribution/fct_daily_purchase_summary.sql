-- Per-day aggregates of the customer-day grid: one row per calendar day.
with

customer_days as (
    select
        calendar_date,
        is_purchase_day,
        amount,
        emails_received_today,
        is_weekend,
        is_release_day
    from {{ ref('fct_customer_day_features') }}
),

daily as (
    select
        calendar_date,
        count(*) as active_customers,
        cast(count_if(is_purchase_day) as bigint) as purchase_days,
        count_if(is_purchase_day) / count(*) as purchase_day_rate,
        cast(sum(amount) as decimal(18, 2)) as revenue,
        cast(sum(emails_received_today) as bigint) as emails_sent,
        bool_or(is_weekend) as is_weekend,
        bool_or(is_release_day) as is_release_day
    from customer_days
    group by calendar_date
)

select * from daily
