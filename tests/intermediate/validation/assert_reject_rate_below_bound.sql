{#
    Drift, not a contract: rejected rows are quarantined and reconciled (the
    errors), but a reject rate above var('max_reject_share') in a table says the
    input has changed. Warns; the failing rows stay in the audit schema.
#}
{{ config(severity='warn') }}

with

reconciled as (
    select * from {{ ref('int_raw_tables_reconciled') }}
),

above_bound as (
    select
        table_name,
        raw_rows,
        rejected_rows,
        try_divide(rejected_rows, raw_rows) as reject_share
    from reconciled
    where rejected_rows > {{ var('max_reject_share') }} * raw_rows
)

select * from above_bound
