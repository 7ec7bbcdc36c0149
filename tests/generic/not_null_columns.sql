{#
    The required columns of a model: none of `columns` is null.
    One scan for all of them (a query per column cost more than the check);
    one failing row per column that has nulls, naming it and counting them.
#}
{% test not_null_columns(model, columns) %}

with

null_counts as (
    select
        {%- for column in columns %}
        count_if({{ adapter.quote(column) }} is null) as null_rows_{{ loop.index }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
),

per_column as (
    select
        stack(
            {{ columns | length }},
            {%- for column in columns %}
            '{{ column }}', null_rows_{{ loop.index }}{{ "," if not loop.last }}
            {%- endfor %}
        ) as (column_name, null_rows)
    from null_counts
)

select
    column_name,
    null_rows
from per_column
where null_rows > 0

{% endtest %}
