{%- set raw_tables = [
    'customers', 'transactions', 'email_events', 'web_sessions',
    'releases', 'campaigns', 'campaign_assignments', 'sales_activity',
] -%}

with

{% for table_name in raw_tables %}
{{ table_name }}_rejects as (
    select
        '{{ table_name }}' as table_name,
        reject_reason as rule_name,
        raw_record
    from {{ ref('base_synthetic__' ~ table_name) }}
    where reject_reason is not null
),
{% endfor %}

unioned as (
    {%- for table_name in raw_tables %}
    select * from {{ table_name }}_rejects
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from unioned
