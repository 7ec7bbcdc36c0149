-- Market-mix coefficients for BI: every term of every model, both error types.
with

ml_channels_ols_coefficients as (
    select * from {{ ref('ml_channels_ols_coefficients') }}
),

final as (
    select
        panel_name,
        model_scope,
        group_name,
        term,
        term_role,
        error_type,
        estimate,
        std_error,
        t_statistic,
        p_value,
        ci_lower,
        ci_upper,
        simultaneous_ci_lower,
        simultaneous_ci_upper,
        is_significant,
        vif,
        is_recommended_error_type
    from ml_channels_ols_coefficients
)

select * from final
