{#
    The two-sided normal quantile of var('confidence_level') (1.96 at 0.95), the
    z of the SQL models' intervals. Jinja has no inverse normal, so the common
    levels are listed; tests/python/test_experiments.py checks each against
    ml/experiments.py z_quantile, which the Python models use.
#}
{% macro z_quantile(confidence=none) %}
    {%- set level = (confidence if confidence is not none else var('confidence_level')) | string -%}
    {%- set z = {
        '0.8': 1.2815515655446004,
        '0.9': 1.6448536269514722,
        '0.95': 1.959963984540054,
        '0.98': 2.3263478740408408,
        '0.99': 2.5758293035489004,
        '0.999': 3.2905267314919255,
    } -%}
    {%- if level in z -%}
        {{- z[level] -}}
    {%- elif execute -%}
        {{ exceptions.raise_compiler_error(
            "confidence_level " ~ level ~ " has no z in macros/z_quantile.sql: use one of "
            ~ (z.keys() | list | join(', '))) }}
    {%- else -%}
        {#- Parsing or linting (var() is a placeholder): the value is not used. -#}
        {{- z['0.95'] -}}
    {%- endif -%}
{% endmacro %}
