with

source as (
    select * from {{ source('truth', 'customers_truth') }}
),

renamed as (
    select
        cast(customer_id as bigint) as customer_id,
        segment as true_segment,
        uplift_type as true_uplift_type,
        cast(voucher_p_control as double) as voucher_probability_control,
        cast(voucher_p_treatment as double) as voucher_probability_treatment
    from source
)

select * from renamed
