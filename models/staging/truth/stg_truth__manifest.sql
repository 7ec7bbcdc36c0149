with

source as (
    select * from {{ source('truth', 'manifest') }}
),

renamed as (
    select
        table_name,
        cast(row_count as bigint) as row_count
    from source
)

select * from renamed
