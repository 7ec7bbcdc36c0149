-- The answer to "do e-mails drive purchases?": one row per driver group
-- (recency_loyalty, release_calendar, weekend_seasonality, email) with the
-- sum of its standardized effects |coefficient| x sd, its share and rank, the
-- change in daily purchase probability for a one-sd move of every feature of
-- the group at the average purchase-day rate, and the planted figures of the
-- synthetic company (null on a user's own data).
with

coefficients as (
    select * from {{ ref('ml_customer_days_purchase_coefficients') }}
),

planted as (
    select
        replace(metric, 'purchase_model.group_standardized_effects.', '') as driver_group,
        planted_value
    from {{ ref('stg_truth__planted_metrics') }}
    where metric like 'purchase_model.group_standardized_effects.%'
),

base_rate as (
    select max(training_purchase_day_rate) as purchase_day_rate
    from coefficients
),

groups as (
    select
        driver_group,
        sum(standardized_effect) as standardized_effect,
        count(*) as features
    from coefficients
    where driver_group is not null
    group by driver_group
),

ranked as (
    select
        groups.driver_group,
        groups.features,
        groups.standardized_effect,
        groups.standardized_effect / sum(groups.standardized_effect) over () as share_of_effects,
        rank() over (order by groups.standardized_effect desc) as effect_rank,
        base_rate.purchase_day_rate * (1 - base_rate.purchase_day_rate)
        * groups.standardized_effect as purchase_probability_change_per_sd,
        planted.planted_value as planted_standardized_effect,
        case
            when planted.planted_value is not null
                then rank() over (order by planted.planted_value desc nulls last)
        end as planted_effect_rank
    from groups
    cross join base_rate
    left join planted
        on groups.driver_group = planted.driver_group
),

final as (
    select
        driver_group,
        features,
        standardized_effect,
        share_of_effects,
        cast(effect_rank as int) as effect_rank,
        purchase_probability_change_per_sd,
        standardized_effect / max(case when driver_group = 'email' then standardized_effect end) over ()
            as effect_relative_to_email,
        planted_standardized_effect,
        cast(planted_effect_rank as int) as planted_effect_rank
    from ranked
)

select * from final
