with

source as (
    select * from {{ source('artea', 'ab_experiment') }}
),

renamed as (
    select
        cast(id as bigint) as customer_id,
        cast(channel_acq as int) as acquisition_channel,
        cast(num_past_purch as int) as past_purchases,
        cast(spent_last_purchase as double) as last_purchase_amount,
        cast(weeks_since_visit as int) as weeks_since_visit,
        cast(browsing_minutes as int) as browsing_minutes,
        cast(trans_after as int) as transactions_after,
        cast(revenue_after as double) as revenue_after,
        cast(trans_after as int) > 0 as has_transaction_after,
        cast(test_coupon as int) = 1 as is_treated,
        cast(shopping_cart as int) = 1 as has_shopping_cart,
        _corrupt_record
    from source
),

checked as (
    select * except (_corrupt_record)
    from renamed
    -- a line Spark could not split into the declared columns stops the build
    where
        case
            when _corrupt_record is null then true
            else raise_error(concat('malformed line in artea_ab_experiment.csv: ', _corrupt_record))
        end
)

select * from checked
