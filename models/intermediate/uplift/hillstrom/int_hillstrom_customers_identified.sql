-- Hillstrom's customers with the treatment (any e-mail, men's or women's), the
-- past-purchase group and numeric features.
with

customers as (
    select * from {{ ref('stg_hillstrom__customers') }}
),

featured as (
    select
        customer_id,
        email_segment as segment,
        email_segment != 'No E-Mail' as is_treated,
        case
            when bought_mens and bought_womens then 'mens_and_womens'
            when bought_mens then 'mens_only'
            when bought_womens then 'womens_only'
            else 'neither'
        end as past_purchase_group,
        cast(has_visited as double) as visit,
        cast(has_converted as double) as conversion,
        spend,
        cast(months_since_last_purchase as double) as recency_months,
        spend_last_year as past_year_spend,
        cast(bought_mens as double) as bought_mens,
        cast(bought_womens as double) as bought_womens,
        cast(is_new_customer as double) as is_newbie,
        case when zip_code = 'Urban' then 1.0 else 0.0 end as is_urban,
        case when zip_code = 'Rural' then 1.0 else 0.0 end as is_rural,
        case when purchase_channel = 'Web' then 1.0 else 0.0 end as is_web_channel,
        case when purchase_channel = 'Multichannel' then 1.0 else 0.0 end as is_multichannel
    from customers
)

select * from featured
