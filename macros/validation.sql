{#
    Row validation for the base models of staging: the first rule a row
    breaks names its reject reason (null when it passes every rule).
    `rules` is a list of (rule_name, condition) pairs, checked in order.
#}
{% macro first_broken_rule(rules) %}
    case
        {%- for rule_name, condition in rules %}
        when {{ condition }} then '{{ rule_name }}'
        {%- endfor %}
    end
{%- endmacro %}


{#
    A CSV line Spark could not split into the declared columns lands in
    `_corrupt_record`; Parquet input has no such column.
#}
{% macro corrupt_record() %}
    {%- if var('raw_format', 'csv') == 'csv' -%} _corrupt_record {%- else -%} cast(null as string) {%- endif -%}
{% endmacro %}


{# A value present in the file that does not parse as `type`. #}
{% macro fails_cast(column, type) %}
    ({{ column }} is not null and try_cast({{ column }} as {{ type }}) is null)
{%- endmacro %}


{#
    Keep the first row of each key (in file order of the other columns) and
    flag the rest as `duplicate_key`; rows that already broke a rule keep it.
#}
{% macro flag_duplicates(relation, key, order_by) %}
    select
        * except (reject_reason),
        coalesce(
            reject_reason,
            case
                when row_number() over (
                    partition by reject_reason is null, {{ key }} order by {{ order_by }}
                ) > 1 then 'duplicate_key'
            end
        ) as reject_reason
    from {{ relation }}
{%- endmacro %}


{#
    A file that is not UTF-8 (e.g. Latin-1) decodes to U+FFFD replacement
    characters: the row is rejected as `invalid_encoding` instead of flowing
    through with mangled text. (A UTF-8 BOM is stripped by Spark's reader.)
#}
{% macro invalid_encoding(relation) %}
    (instr(to_json(struct({{ relation }}.*)), '\uFFFD') > 0)
{%- endmacro %}
