{#-
    Each given column holds only its accepted values (nulls pass, as in dbt's
    accepted_values): the enumerated columns of a model in one scan instead of
    one query per column. A failing row per column and unexpected value
    (column_name, unexpected_value, n_records), kept in the audit schema.
    Values are written as SQL literals by their YAML type: strings quoted,
    numbers and booleans as they are.
-#}
{% test accepted_values_columns(model, columns) %}

with

checked as (
    select
        stack(
            {{ columns | length }},
            {%- for column, values in columns.items() %}
            '{{ column }}',
            cast({{ adapter.quote(column) }} as string),
            {{ adapter.quote(column) }} not in (
                {%- for value in values -%}
                {%- if value is string -%}
                '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
                {%- else -%}
                {{ value }}
                {%- endif -%}
                {{- ", " if not loop.last }}
                {%- endfor -%}
            ){{ "," if not loop.last }}
            {%- endfor %}
        ) as (column_name, value, is_unexpected)
    from {{ model }}
)

select
    column_name,
    value as unexpected_value,
    count(*) as n_records
from checked
where is_unexpected
group by column_name, value

{% endtest %}
