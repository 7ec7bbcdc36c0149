{%- set raw_tables = [
    'customers', 'transactions', 'email_events', 'web_sessions',
    'releases', 'campaigns', 'campaign_assignments', 'sales_activity',
] -%}

with

rejects as (
    select
        table_name,
        count(*) as rejected_rows
    from {{ ref('stg_synthetic__rejects') }}
    group by table_name
),

manifest as (
    select * from {{ ref('stg_truth__manifest') }}
),

table_counts as (
    {%- for table_name in raw_tables %}
    select
        '{{ table_name }}' as table_name,
        (select count(*) from {{ source('synthetic', table_name) }}) as raw_rows,
        (select count(*) from {{ ref('stg_synthetic__' ~ table_name) }}) as staged_rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

reconciled as (
    select
        table_counts.table_name,
        table_counts.raw_rows,
        table_counts.staged_rows,
        coalesce(rejects.rejected_rows, 0) as rejected_rows,
        manifest.row_count as generated_rows
    from table_counts
    left join rejects
        on table_counts.table_name = rejects.table_name
    left join manifest
        on table_counts.table_name = manifest.table_name
)

select * from reconciled
