-- Market-mix channel contributions and returns for BI.
with

ml_channels_ols_contributions as (
    select * from {{ ref('ml_channels_ols_contributions') }}
),

final as (
    select
        panel_name,
        model_scope,
        group_name,
        channel,
        estimate,
        total_spend,
        contribution,
        contribution_share,
        return_per_unit_spend
    from ml_channels_ols_contributions
)

select * from final
