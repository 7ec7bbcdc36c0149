-- E-mail lift for BI: one row per holdout campaign, metric and method
-- (randomized difference in means with its 95% interval and SRM check, and
-- the propensity model's estimate), with the campaign's name and window.
with

lift as (
    select * from {{ ref('ml_email_holdouts_lift') }}
),

campaigns as (
    select
        campaign_id,
        campaign_name,
        start_date,
        end_date
    from {{ ref('stg_synthetic__campaigns') }}
),

final as (
    select
        lift.campaign_id,
        campaigns.campaign_name,
        campaigns.start_date,
        campaigns.end_date,
        lift.metric,
        lift.method,
        lift.treatment_customers,
        lift.control_customers,
        lift.treatment_mean,
        lift.control_mean,
        lift.lift,
        lift.std_error,
        lift.ci_lower,
        lift.ci_upper,
        lift.relative_lift,
        lift.srm_p_value,
        lift.srm_p_value < {{ var('attribution_srm_alpha') }} as has_sample_ratio_mismatch
    from lift
    left join campaigns
        on lift.campaign_id = campaigns.campaign_id
)

select * from final
