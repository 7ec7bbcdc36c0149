-- Effects and targeting by customer group (fairness slice and heterogeneity):
-- for every experiment, outcome and group of a demographic or behavioural
-- attribute, the observed treatment effect in the experiment (difference in
-- conversion rates, 95% normal interval), the targeting learner's mean
-- predicted uplift and the share of the group the profit policy would send.
-- Synthetic: gender, age band, income band, loyalty; Artea: race, gender;
-- Hillstrom: past purchase flags (men's / women's merchandise).
{% set public_data = var('public_data', {}) %}
with

scores as (
    select * from {{ ref('int_uplift_scores_unioned') }}
    where
        population = 'experiment'
        and learner = '{{ var('uplift_targeting_learner') | replace("'", '') | replace('\\', '') }}'
),

synthetic_customers as (
    select
        customer_id,
        gender,
        age_years,
        income,
        loyalty_status
    from {{ ref('int_voucher_test_customers_labeled') }}
),

{% if 'artea' in public_data %}
artea_demographics as (  -- noqa: ST03
    select * from {{ ref('stg_artea__customer_demographics') }}
),
{% endif %}

{% if 'hillstrom' in public_data %}
hillstrom_customers as (  -- noqa: ST03
    select
        customer_id,
        past_purchase_group
    from {{ ref('int_hillstrom_customers_identified') }}
),
{% endif %}

attributes as (
    select
        'synthetic' as dataset,
        cast(customer_id as string) as unit_id,
        attribute,
        group_value
    from synthetic_customers
    lateral view stack(
        4,
        'gender', gender,
        'age_band', case
            when age_years < 35 then 'under_35'
            when age_years < 50 then '35_to_49'
            when age_years < 65 then '50_to_64'
            else '65_and_over'
        end,
        'income_band', case
            when income < 40000 then 'under_40k'
            when income < 70000 then '40k_to_70k'
            else '70k_and_over'
        end,
        'loyalty_status', loyalty_status
    ) as attribute, group_value
    {% if 'artea' in public_data %}
        union all
        select
            'artea' as dataset,
            cast(customer_id as string) as unit_id,
            attribute,
            group_value
        from artea_demographics
        lateral view stack(2, 'race', race, 'gender', gender) as attribute, group_value
    {% endif %}
    {% if 'hillstrom' in public_data %}
        union all
        select
            'hillstrom' as dataset,
            cast(customer_id as string) as unit_id,
            'past_purchase_group' as attribute,
            past_purchase_group as group_value
        from hillstrom_customers
    {% endif %}
),

valued as (
    select
        scores.dataset,
        scores.outcome,
        attributes.attribute,
        attributes.group_value,
        scores.is_treated,
        scores.outcome_value,
        scores.uplift_score,
        scores.uplift_score * {{ var('uplift_margin_per_order') | float }}
        - scores.probability_treated * {{ var('uplift_voucher_cost') | float }}
        - {{ var('uplift_contact_cost') | float }} > 0 as is_sent
    from scores
    inner join attributes
        on
            scores.dataset = attributes.dataset
            and scores.unit_id = attributes.unit_id
),

grouped as (
    select
        dataset,
        outcome,
        attribute,
        group_value,
        count(*) as customers,
        sum(case when is_treated then 1 else 0 end) as treated_units,
        sum(case when not is_treated then 1 else 0 end) as control_units,
        avg(case when is_treated then outcome_value end) as treated_rate,
        avg(case when not is_treated then outcome_value end) as control_rate,
        var_samp(case when is_treated then outcome_value end) as treated_variance,
        var_samp(case when not is_treated then outcome_value end) as control_variance,
        avg(uplift_score) as mean_predicted_uplift,
        cast(avg(case when is_sent then 1.0 else 0.0 end) as double) as send_rate
    from valued
    group by dataset, outcome, attribute, group_value
),

final as (
    select
        dataset,
        outcome,
        attribute,
        group_value,
        customers,
        treated_units,
        control_units,
        treated_rate,
        control_rate,
        treated_rate - control_rate as observed_uplift,
        treated_rate - control_rate
        - {{ z_quantile() }} * sqrt(treated_variance / treated_units + control_variance / control_units)
            as observed_uplift_ci_lower,
        treated_rate - control_rate
        + {{ z_quantile() }} * sqrt(treated_variance / treated_units + control_variance / control_units)
            as observed_uplift_ci_upper,
        mean_predicted_uplift,
        send_rate
    from grouped
)

select * from final
