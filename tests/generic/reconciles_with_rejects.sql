{#
    Nothing is dropped silently: every row of the raw table is either in the
    staged model or in stg_synthetic__rejects under `table_name`.
    Returns one row (the three counts) when they do not add up.
#}
{% test reconciles_with_rejects(model, raw_relation, table_name, rejects_model='stg_synthetic__rejects') %}

with

counts as (
    select
        (select count(*) from {{ raw_relation }}) as raw_rows,
        (select count(*) from {{ model }}) as staged_rows,
        (
            select count(*)
            from {{ ref(rejects_model) }}
            where table_name = '{{ table_name }}'
        ) as rejected_rows
)

select *
from counts
where raw_rows != staged_rows + rejected_rows

{% endtest %}
