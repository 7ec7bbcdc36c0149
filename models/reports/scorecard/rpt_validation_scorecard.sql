-- Every analysis publishes its headline figures here, beside the reference
-- they should match. Add an analysis by adding its rpt_scorecard__ model.
{% set scorecard_models = [
    'rpt_scorecard__foundation',
    'rpt_scorecard__mmm',
    'rpt_scorecard__attribution',
    'rpt_scorecard__crm',
    'rpt_scorecard__segmentation',
] -%}
{% if 'hillstrom' in var('public_data', {}) -%}
{% do scorecard_models.append('rpt_scorecard__hillstrom') -%}
{% endif -%}
{% do scorecard_models.append('rpt_scorecard__uplift') -%}

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
