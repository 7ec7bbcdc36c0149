-- Scorecard rows of the attribution analysis on the synthetic company (or a
-- user's own data, where the references are null): the randomized e-mail lift
-- against the planted sample average effect, the SRM check, the recovered
-- ranking of the driver groups and the model's e-mail coefficient.
with

lift as (
    select * from {{ ref('ml_email_holdouts_lift') }}
    where method = 'randomized_difference_in_means'
),

coefficients as (
    select * from {{ ref('ml_customer_days_purchase_coefficients') }}
),

driver_groups as (
    select * from {{ ref('fct_purchase_driver_groups') }}
),

planted as (
    select
        metric,
        planted_value
    from {{ ref('stg_truth__planted_metrics') }}
),

lift_rows as (
    select
        'attribution' as analysis,
        'synthetic' as dataset,
        'email_holdout_' || lift.metric || '_lift' as metric,
        lift.lift as value,
        lift.ci_lower,
        lift.ci_upper,
        planted.planted_value as reference_value,
        'truth.json email_holdout.sate_' || lift.metric as reference_source,
        'ci_covers_reference' as consistency_rule
    from lift
    left join planted
        on planted.metric = 'email_holdout.sate_' || lift.metric
),

srm_rows as (
    select
        'attribution' as analysis,
        'synthetic' as dataset,
        'email_holdout_srm_p_value' as metric,
        min(srm_p_value) as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        cast({{ var('attribution_srm_alpha') }} as double) as reference_value,
        'SRM threshold (var attribution_srm_alpha)' as reference_source,
        'value >= reference' as consistency_rule
    from lift
),

ranking_rows as (
    select
        'attribution' as analysis,
        'synthetic' as dataset,
        'driver_group_ranking_matches_planted' as metric,
        case when count_if(effect_rank = planted_effect_rank) = count(*) then 1.0 else 0.0 end as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        case when count(planted_effect_rank) = count(*) then 1.0 end as reference_value,
        'truth.json purchase_model.group_standardized_effects (ranked)' as reference_source,
        'equal' as consistency_rule
    from driver_groups
),

email_coefficient_rows as (
    select
        'attribution' as analysis,
        'synthetic' as dataset,
        'purchase_model_email_coefficient' as metric,
        coefficients.coefficient as value,
        coefficients.ci_lower,
        coefficients.ci_upper,
        planted.planted_value as reference_value,
        'truth.json purchase_model.coefficients.b_email' as reference_source,
        'ci_covers_reference' as consistency_rule
    from coefficients
    left join planted
        on planted.metric = 'purchase_model.coefficients.b_email'
    where coefficients.term = 'emails_received_last_3_days'
),

unioned as (
    select * from lift_rows
    union all
    select * from srm_rows
    union all
    select * from ranking_rows
    union all
    select * from email_coefficient_rows
),

judged as (
    select
        *,
        case
            when reference_value is null then cast(null as boolean)
            when consistency_rule = 'ci_covers_reference'
                then reference_value between ci_lower and ci_upper
            when consistency_rule = 'value >= reference' then value >= reference_value
            else value = reference_value
        end as is_consistent
    from unioned
)

select * from judged
