-- Sprint 2 of the CRM analysis: one row per dataset per customer with the
-- customer-value features and the RFM segment. Spend figures are the raw
-- amounts (money actually spent); the _capped variants are winsorized.
-- RFM scores are quintiles within the dataset (ntile(5), ties broken by
-- customer_id): recency 5 = most recent; frequency and monetary 5 = highest.
-- RFM labels, first rule that matches:
--   Champions  recency >= 4, frequency >= 4 and monetary >= 4
--   Loyal      frequency >= 4 and recency >= 3
--   New        recency >= 4 and frequency <= 2
--   At Risk    recency <= 2 and (frequency >= 3 or monetary >= 3)
--   Regulars   everyone else
with

cleaned as (
    select * from {{ ref('int_crm_customers_cleaned') }}
),

totals as (
    select
        *,
        mnt_wines + mnt_fruits + mnt_meat_products + mnt_fish_products
        + mnt_sweet_products + mnt_gold_products as total_spend,
        mnt_wines_capped + mnt_fruits_capped + mnt_meat_products_capped + mnt_fish_products_capped
        + mnt_sweet_products_capped + mnt_gold_products_capped as total_spend_capped,
        num_web_purchases + num_catalog_purchases + num_store_purchases as total_purchases,
        greatest(cast(months_between(snapshot_date, customer_since_date) as int), 0) as tenure_months,
        accepted_cmp1 + accepted_cmp2 + accepted_cmp3 + accepted_cmp4 + accepted_cmp5 as accepted_campaigns
    from cleaned
),

ratios as (
    select
        *,
        total_spend / nullif(total_purchases, 0) as average_order_value,
        total_purchases / greatest(tenure_months, 1) as purchases_per_month,
        mnt_wines / nullif(total_spend, 0) as wines_share,
        mnt_fruits / nullif(total_spend, 0) as fruits_share,
        mnt_meat_products / nullif(total_spend, 0) as meat_share,
        mnt_fish_products / nullif(total_spend, 0) as fish_share,
        mnt_sweet_products / nullif(total_spend, 0) as sweets_share,
        mnt_gold_products / nullif(total_spend, 0) as gold_share,
        num_web_purchases / nullif(total_purchases, 0) as web_purchase_share,
        num_catalog_purchases / nullif(total_purchases, 0) as catalog_purchase_share,
        num_store_purchases / nullif(total_purchases, 0) as store_purchase_share,
        num_deals_purchases / nullif(total_purchases, 0) as deals_purchase_share,
        num_web_purchases / nullif(num_web_visits_month, 0) as web_conversion_proxy
    from totals
),

customer_value as (
    select
        *,
        coalesce(average_order_value, 0) * purchases_per_month * 12 * {{ var('crm_margin') }} as clv_proxy
    from ratios
),

rfm_scored as (
    select
        *,
        6 - ntile(5) over (partition by dataset order by recency_days, customer_id) as recency_score,
        ntile(5) over (partition by dataset order by total_purchases, customer_id) as frequency_score,
        ntile(5) over (partition by dataset order by total_spend, customer_id) as monetary_score
    from customer_value
),

rfm_labelled as (
    select
        *,
        cast(recency_score as string) || cast(frequency_score as string)
        || cast(monetary_score as string) as rfm_code,
        case
            when recency_score >= 4 and frequency_score >= 4 and monetary_score >= 4 then 'Champions'
            when frequency_score >= 4 and recency_score >= 3 then 'Loyal'
            when recency_score >= 4 and frequency_score <= 2 then 'New'
            when recency_score <= 2 and (frequency_score >= 3 or monetary_score >= 3) then 'At Risk'
            else 'Regulars'
        end as rfm_label
    from rfm_scored
)

select * from rfm_labelled
