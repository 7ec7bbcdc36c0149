{#
    Bound ('lower' or 'upper') of the 95% Wilson score interval of a
    proportion `rate` observed on `n` trials (CRM analysis).
#}
{% macro crm_wilson_interval(rate, n, bound) %}
    {%- set sign = '-' if bound == 'lower' else '+' -%}
    (
        ({{ rate }} + 1.959964 * 1.959964 / (2 * {{ n }}))
        {{ sign }} 1.959964 * sqrt(
            {{ rate }} * (1 - {{ rate }}) / {{ n }} + 1.959964 * 1.959964 / (4 * {{ n }} * {{ n }})
        )
    ) / (1 + 1.959964 * 1.959964 / {{ n }})
{%- endmacro %}
