with

validated as (
    select * from {{ ref('base_synthetic__releases') }}
),

accepted as (
    select * except (raw_record, reject_reason)
    from validated
    where reject_reason is null
)

select * from accepted
