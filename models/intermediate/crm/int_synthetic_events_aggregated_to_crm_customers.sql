-- The synthetic company as a CRM snapshot in the 29 columns of the Kaggle
-- marketing-campaign file, measured the day before the last offer campaign
-- starts (so behaviour precedes the response it explains):
-- spend per category through the product_categories seed's kaggle_spend_column,
-- purchases per channel (deals = discounted purchases), web visits in the last
-- 30 days, AcceptedCmp1-5 = redeemed offer campaigns 1-5 (in time order),
-- Response = redeemed last offer campaign, Z_CostContact / Z_Revenue = the last
-- offer's cost per contact and revenue per response. Customers: those the last
-- offer contacted (its campaign assignments).
{% set spend_columns = {
    'MntWines': 'mnt_wines',
    'MntFruits': 'mnt_fruits',
    'MntMeatProducts': 'mnt_meat_products',
    'MntFishProducts': 'mnt_fish_products',
    'MntSweetProducts': 'mnt_sweet_products',
    'MntGoldProds': 'mnt_gold_products',
} -%}

with

customers as (
    select
        customer_id,
        birth_year,
        education,
        marital_status,
        income,
        kids_at_home,
        teens_at_home,
        signup_date
    from {{ ref('stg_synthetic__customers') }}
),

transactions as (
    select
        customer_id,
        campaign_id,
        product_category,
        channel,
        amount,
        is_discounted,
        transaction_at
    from {{ ref('stg_synthetic__transactions') }}
),

web_sessions as (
    select
        customer_id,
        session_started_at
    from {{ ref('stg_synthetic__web_sessions') }}
),

campaigns as (
    select
        campaign_id,
        campaign_type,
        start_date,
        cost_per_contact,
        revenue_per_response
    from {{ ref('stg_synthetic__campaigns') }}
),

campaign_assignments as (
    select
        campaign_id,
        customer_id
    from {{ ref('stg_synthetic__campaign_assignments') }}
),

product_categories as (
    select
        product_category,
        kaggle_spend_column
    from {{ ref('product_categories') }}
),

offers_numbered as (
    select
        campaign_id,
        start_date,
        cost_per_contact,
        revenue_per_response,
        row_number() over (order by start_date, campaign_id) as offer_number,
        count(*) over () as offer_count
    from campaigns
    where campaign_type = 'offer'
),

last_offer as (
    select
        campaign_id,
        cost_per_contact,
        revenue_per_response,
        {%- if var('crm_snapshot_date', '') %}
        to_date('{{ var("crm_snapshot_date") }}') as snapshot_date
        {%- else %}
        date_sub(start_date, 1) as snapshot_date
        {%- endif %}
    from offers_numbered
    where offer_number = offer_count
),

contacted_customers as (
    select
        customers.*,
        last_offer.snapshot_date,
        last_offer.cost_per_contact,
        last_offer.revenue_per_response
    from customers
    inner join campaign_assignments
        on customers.customer_id = campaign_assignments.customer_id
    inner join last_offer
        on campaign_assignments.campaign_id = last_offer.campaign_id
),

transactions_before_snapshot as (
    select
        transactions.*,
        product_categories.kaggle_spend_column
    from transactions
    inner join contacted_customers
        on transactions.customer_id = contacted_customers.customer_id
    left join product_categories
        on transactions.product_category = product_categories.product_category
    where to_date(transactions.transaction_at) <= contacted_customers.snapshot_date
),

purchases_aggregated as (
    select
        customer_id,
        max(to_date(transaction_at)) as last_purchase_date,
        {%- for kaggle_column, column in spend_columns.items() %}
        sum(case when kaggle_spend_column = '{{ kaggle_column }}' then amount else 0 end) as {{ column }},
        {%- endfor %}
        count_if(is_discounted) as num_deals_purchases,
        count_if(channel = 'web') as num_web_purchases,
        count_if(channel = 'catalog') as num_catalog_purchases,
        count_if(channel = 'store') as num_store_purchases
    from transactions_before_snapshot
    group by customer_id
),

offer_redemptions as (
    select
        transactions.customer_id,
        {%- for offer_number in range(1, 6) %}
        max(case when offers_numbered.offer_number = {{ offer_number }} then 1 else 0 end)
        as accepted_cmp{{ offer_number }},
        {%- endfor %}
        max(case when offers_numbered.offer_number = offers_numbered.offer_count then 1 else 0 end) as response
    from transactions
    inner join offers_numbered
        on transactions.campaign_id = offers_numbered.campaign_id
    group by transactions.customer_id
),

web_visits_last_month as (
    select
        web_sessions.customer_id,
        count(*) as num_web_visits_month
    from web_sessions
    inner join contacted_customers
        on web_sessions.customer_id = contacted_customers.customer_id
    where to_date(web_sessions.session_started_at)
        between date_sub(contacted_customers.snapshot_date, 29) and contacted_customers.snapshot_date
    group by web_sessions.customer_id
),

snapshot as (
    select
        contacted_customers.customer_id,
        contacted_customers.education,
        contacted_customers.marital_status,
        contacted_customers.birth_year,
        contacted_customers.income,
        contacted_customers.kids_at_home,
        contacted_customers.teens_at_home,
        datediff(
            contacted_customers.snapshot_date,
            coalesce(purchases_aggregated.last_purchase_date, contacted_customers.signup_date)
        ) as recency_days,
        {%- for column in spend_columns.values() %}
        coalesce(purchases_aggregated.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        coalesce(purchases_aggregated.num_deals_purchases, 0) as num_deals_purchases,
        coalesce(purchases_aggregated.num_web_purchases, 0) as num_web_purchases,
        coalesce(purchases_aggregated.num_catalog_purchases, 0) as num_catalog_purchases,
        coalesce(purchases_aggregated.num_store_purchases, 0) as num_store_purchases,
        coalesce(web_visits_last_month.num_web_visits_month, 0) as num_web_visits_month,
        contacted_customers.cost_per_contact as z_cost_contact,
        contacted_customers.revenue_per_response as z_revenue,
        {%- for offer_number in range(1, 6) %}
        coalesce(offer_redemptions.accepted_cmp{{ offer_number }}, 0) as accepted_cmp{{ offer_number }},
        {%- endfor %}
        -- the synthetic company records no complaints
        0 as complain,
        coalesce(offer_redemptions.response, 0) as response,
        contacted_customers.signup_date as customer_since_date,
        contacted_customers.snapshot_date
    from contacted_customers
    left join purchases_aggregated
        on contacted_customers.customer_id = purchases_aggregated.customer_id
    left join offer_redemptions
        on contacted_customers.customer_id = offer_redemptions.customer_id
    left join web_visits_last_month
        on contacted_customers.customer_id = web_visits_last_month.customer_id
)

select * from snapshot
