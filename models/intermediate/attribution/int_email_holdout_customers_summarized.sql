-- One row per customer randomized in an e-mail holdout campaign: the
-- customer's purchase days and spend in the campaign window.
with

campaigns as (
    select
        campaign_id,
        start_date,
        end_date
    from {{ ref('stg_synthetic__campaigns') }}
    where campaign_type = 'holdout_test'
),

customer_days as (
    select * from {{ ref('int_email_holdout_customer_days') }}
),

summarized as (
    select
        customer_days.campaign_id,
        customer_days.customer_id,
        customer_days.arm,
        count(*) as window_days_observed,
        datediff(campaigns.end_date, campaigns.start_date) + 1 as window_days,
        cast(count_if(customer_days.is_purchase_day) as int) as purchase_days,
        cast(sum(customer_days.amount) as decimal(18, 2)) as spend
    from customer_days
    inner join campaigns
        on customer_days.campaign_id = campaigns.campaign_id
    group by
        customer_days.campaign_id,
        customer_days.customer_id,
        customer_days.arm,
        campaigns.end_date,
        campaigns.start_date
),

final as (
    select
        *,
        purchase_days / window_days as purchase_day_rate
    from summarized
)

select * from final
