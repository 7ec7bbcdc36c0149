{#
    Use a folder's custom schema as-is (staging, intermediate, marts, ml)
    instead of dbt's default `<target_schema>_<custom>`: BI tools and the
    docs refer to stable schema names.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
