with

source as (
    select * from {{ source('truth', 'planted_metrics') }}
),

renamed as (
    select
        analysis,
        metric,
        cast(value as double) as planted_value
    from source
)

select * from renamed
