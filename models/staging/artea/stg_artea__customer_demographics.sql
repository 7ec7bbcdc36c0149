with

source as (
    select * from {{ source('artea', 'demographics') }}
),

renamed as (
    select
        cast(id as bigint) as customer_id,
        race,
        gender,
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
            else raise_error(concat('malformed line in artea_demographics.csv: ', _corrupt_record))
        end
)

select * from checked
