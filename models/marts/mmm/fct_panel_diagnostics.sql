-- Market-mix fit and diagnostics for BI: one row per panel and model.
with

ml_panels_ols_diagnostics as (
    select * from {{ ref('ml_panels_ols_diagnostics') }}
),

final as (
    select
        panel_name,
        model_scope,
        group_name,
        cast(n_observations as bigint) as n_observations,
        cast(n_regressors as bigint) as n_regressors,
        r_squared,
        adjusted_r_squared,
        f_statistic,
        f_p_value,
        log_likelihood,
        aic,
        bic,
        durbin_watson,
        jarque_bera,
        jarque_bera_p_value,
        skewness,
        kurtosis,
        omnibus,
        omnibus_p_value,
        breusch_pagan,
        breusch_pagan_p_value,
        condition_number,
        is_autocorrelated,
        recommended_error_type,
        cast(hac_maxlags as bigint) as hac_maxlags,
        dropped_regressors,
        adstock_decay,
        half_saturation_ratio,
        holdout_rmse
    from ml_panels_ols_diagnostics
)

select * from final
