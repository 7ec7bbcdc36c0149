-- One budget recommendation per panel, model and channel, from the
-- recommended errors (HAC when the residuals are autocorrelated). The rule
-- is written in _mmm__models.yml (doc mmm_recommendation_rule).
with

coefficients as (
    select * from {{ ref('ml_channels_ols_coefficients') }}
    where term_role = 'channel' and is_recommended_error_type
),

contributions as (
    select * from {{ ref('ml_channels_ols_contributions') }}
),

joined as (
    select
        contributions.panel_name,
        contributions.model_scope,
        contributions.group_name,
        contributions.channel,
        coefficients.error_type,
        coefficients.estimate,
        coefficients.ci_lower,
        coefficients.ci_upper,
        coefficients.p_value,
        coefficients.is_significant,
        contributions.total_spend,
        contributions.contribution_share,
        contributions.return_per_unit_spend
    from contributions
    left join coefficients
        on
            contributions.panel_name = coefficients.panel_name
            and contributions.model_scope = coefficients.model_scope
            and contributions.group_name = coefficients.group_name
            and contributions.channel = coefficients.term
),

recommended as (
    select
        *,
        cast({{ var('mmm_break_even_return') | float }} as double) as break_even_return,
        case
            when estimate is null or ci_lower is null then 'insufficient evidence'
            when ci_lower > {{ var('mmm_break_even_return') | float }} then 'increase'
            when ci_upper < {{ var('mmm_break_even_return') | float }} then 'cut'
            when ci_lower > 0 then 'keep'
            else 'insufficient evidence'
        end as recommendation
    from joined
)

select * from recommended
