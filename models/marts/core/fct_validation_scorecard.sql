-- Every analysis publishes its headline figures here, beside the reference
-- they should match. Add an analysis by adding its int_scorecard__ model.
{% set scorecard_models = [
    'int_scorecard__foundation',
    'int_scorecard__mmm',
    'int_scorecard__attribution',
    'int_scorecard__crm',
    'int_scorecard__segmentation',
] -%}
{% if 'hillstrom' in var('public_data', {}) -%}
{% do scorecard_models.append('int_scorecard__hillstrom') -%}
{% endif -%}
{% do scorecard_models.append('int_scorecard__uplift') -%}

with

{% for scorecard_model in scorecard_models %}
{{ scorecard_model }} as (
    select * from {{ ref(scorecard_model) }}
),
{% endfor %}

unioned as (
    {%- for scorecard_model in scorecard_models %}
    select
        analysis,
        dataset,
        metric,
        value,
        ci_lower,
        ci_upper,
        reference_value,
        reference_source,
        consistency_rule,
        is_consistent
    from {{ scorecard_model }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from unioned
