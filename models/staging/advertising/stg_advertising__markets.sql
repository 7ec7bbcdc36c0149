-- ISLR Advertising.csv with clean names and types: one row per market.
with

source as (
    select * from {{ source('advertising', 'advertising') }}
),

renamed as (
    select
        -- ids
        cast(source._c0 as int) as market_id,

        -- numerics
        cast(source.tv as double) as tv_spend,
        cast(source.radio as double) as radio_spend,
        cast(source.newspaper as double) as newspaper_spend,
        cast(source.sales as double) as sales
    from source
)

select * from renamed
