with

source as (
    select * from {{ source('hillstrom', 'hillstrom') }}
),

renamed as (
    select
        -- ids
        cast(row_number() over (order by monotonically_increasing_id()) as bigint) as customer_id,
        -- strings
        history_segment,
        zip_code,
        channel as purchase_channel,
        segment as email_segment,
        -- numerics
        cast(recency as int) as months_since_last_purchase,
        cast(history as decimal(18, 2)) as spend_last_year,
        cast(spend as decimal(18, 2)) as spend,
        -- booleans
        mens = '1' as bought_mens,
        womens = '1' as bought_womens,
        newbie = '1' as is_new_customer,
        visit = '1' as has_visited,
        conversion = '1' as has_converted
    from source
)

select * from renamed
