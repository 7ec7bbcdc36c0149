-- Hillstrom's customers with an id (the file has none: the row number over
-- every column, so identical rows are interchangeable), the treatment (any
-- e-mail, men's or women's), the past-purchase group and numeric features.
with

customers as (
    select * from {{ ref('stg_hillstrom__customers') }}
),

identified as (
    select
        row_number() over (
            order by
                recency, history_segment, history, mens, womens, zip_code,
                newbie, channel, segment, visit, conversion, spend
        ) as customer_id,
        *
    from customers
),

featured as (
    select
        customer_id,
        segment,
        segment != 'No E-Mail' as is_treated,
        case
            when mens = 1 and womens = 1 then 'mens_and_womens'
            when mens = 1 then 'mens_only'
            when womens = 1 then 'womens_only'
            else 'neither'
        end as past_purchase_group,
        cast(visit as double) as visit,
        cast(conversion as double) as conversion,
        spend,
        cast(recency as double) as recency_months,
        history as past_year_spend,
        cast(mens as double) as bought_mens,
        cast(womens as double) as bought_womens,
        cast(newbie as double) as is_newbie,
        case when zip_code = 'Urban' then 1.0 else 0.0 end as is_urban,
        case when zip_code = 'Rural' then 1.0 else 0.0 end as is_rural,
        case when channel = 'Web' then 1.0 else 0.0 end as is_web_channel,
        case when channel = 'Multichannel' then 1.0 else 0.0 end as is_multichannel
    from identified
)

select * from featured
