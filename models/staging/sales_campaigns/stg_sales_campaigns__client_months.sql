-- Campaign-Data.csv with clean names, types and categories. The file has no
-- date: rows of a client are consecutive months in file order, so the file
-- line order is kept as source_row_number and month_index counts the
-- client's rows (1..24).
with

source as (
    select
        *,
        -- One small file is one partition: the id follows the file order.
        monotonically_increasing_id() as source_row_id
    from {{ source('sales_campaigns', 'campaign_data') }}
),

renamed as (
    select
        -- ids
        trim(source.`Client ID`) as client_id,
        cast(source.source_row_id + 1 as bigint) as source_row_number,
        cast(row_number() over (
            partition by trim(source.`Client ID`)
            order by source.source_row_id
        ) as int) as month_index,

        -- strings
        trim(source.`Client Type`) as client_type,
        lower(trim(source.`Number of Competition`)) as competition_level,

        -- numerics
        cast(source.`Number of Customers` as int) as number_of_customers,
        cast(source.`Montly Target` as double) as monthly_target,
        cast(source.`Amount Collected` as double) as amount_collected,
        cast(source.`Unit Sold` as int) as units_sold,
        cast(source.`Campaign (Email)` as double) as campaign_email_spend,
        cast(source.`Campaign (Flyer)` as double) as campaign_flyer_spend,
        cast(source.`Campaign (Phone)` as double) as campaign_phone_spend,
        cast(source.`Sales Contact 1` as double) as sales_contact_1_spend,
        cast(source.`Sales Contact 2` as double) as sales_contact_2_spend,
        cast(source.`Sales Contact 3` as double) as sales_contact_3_spend,
        cast(source.`Sales Contact 4` as double) as sales_contact_4_spend,
        cast(source.`Sales Contact 5` as double) as sales_contact_5_spend
    from source
)

select * from renamed
