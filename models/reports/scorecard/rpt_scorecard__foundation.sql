-- Scorecard rows of the foundation: every raw file was read whole (raw rows =
-- what the generator wrote) and every raw row was staged or rejected.
with

reconciled as (
    select * from {{ ref('int_raw_tables_reconciled') }}
),

read_whole as (
    select
        'foundation' as analysis,
        'synthetic' as dataset,
        'raw_rows_' || table_name as metric,
        cast(raw_rows as double) as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        cast(generated_rows as double) as reference_value,
        'generator manifest (truth/manifest.csv)' as reference_source,
        'equal' as consistency_rule
    from reconciled
),

staged_or_rejected as (
    select
        'foundation' as analysis,
        'synthetic' as dataset,
        'staged_plus_rejected_rows_' || table_name as metric,
        cast(staged_rows + rejected_rows as double) as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        cast(raw_rows as double) as reference_value,
        'raw table row count' as reference_source,
        'equal' as consistency_rule
    from reconciled
),

unioned as (
    select * from read_whole
    union all
    select * from staged_or_rejected
),

judged as (
    select
        *,
        case
            when reference_value is not null then value = reference_value
        end as is_consistent
    from unioned
)

select * from judged
