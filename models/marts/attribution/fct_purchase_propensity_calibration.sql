-- Calibration of the purchase propensity on the test period: one row per
-- decile of predicted probability (1 = lowest), with the mean predicted
-- probability and the observed purchase-day rate. Many customer-days share a
-- probability (same features), so ties are broken by a hash of the key: without
-- it, which tied days fall on either side of a decile boundary depends on the
-- row order of the run, and the observed rates with it.
with

scores as (
    select
        customer_id,
        calendar_date,
        purchase_probability,
        is_purchase_day
    from {{ ref('ml_customer_days_purchase_scores') }}
    where is_test_day
),

ranked as (
    select
        purchase_probability,
        is_purchase_day,
        ntile(10) over (
            order by purchase_probability, xxhash64(customer_id, calendar_date)
        ) as probability_decile
    from scores
),

calibration as (
    select
        probability_decile,
        count(*) as customer_days,
        avg(purchase_probability) as mean_predicted_probability,
        avg(cast(is_purchase_day as double)) as observed_purchase_day_rate,
        min(purchase_probability) as min_predicted_probability,
        max(purchase_probability) as max_predicted_probability
    from ranked
    group by probability_decile
)

select * from calibration
