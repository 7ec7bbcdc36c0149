-- Purchase propensity of each customer's latest day of the grid: one row per
-- customer, for targeting.
with

scores as (
    select * from {{ ref('ml_customer_days_purchase_scores') }}
),

latest as (
    select
        customer_id,
        calendar_date as scored_date,
        purchase_probability,
        ntile(10) over (order by purchase_probability desc) as propensity_decile
    from scores
    where is_latest_day
)

select * from latest
