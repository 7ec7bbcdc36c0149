-- Purchase propensity of each customer's latest day of the grid: one row per
-- customer, for targeting. Customers with the same probability are ordered by
-- a hash of their id, so the deciles do not depend on the run's row order.
with

scores as (
    select * from {{ ref('ml_customer_days_purchase_scores') }}
),

latest as (
    select
        customer_id,
        calendar_date as scored_date,
        purchase_probability,
        ntile(10) over (
            order by purchase_probability desc, xxhash64(customer_id)
        ) as propensity_decile
    from scores
    where is_latest_day
)

select * from latest
