-- Scorecard rows of the uplift analysis: the experiment checks, the learners'
-- Qini coefficients (above random), their share of the oracle's Qini and the
-- share of true persuadables they select (synthetic company, planted truth),
-- the Artea figures (published rates, the 6,000 next-campaign customers) and
-- Hillstrom's (published control rates, Qini above random, effect by
-- past-purchase group).
{% set public_data = var('public_data', {}) %}
with

checks as (
    select * from {{ ref('fct_uplift_experiment_checks') }}
),

evaluation as (
    select * from {{ ref('fct_uplift_learner_evaluation') }}
),

targets as (
    select * from {{ ref('fct_uplift_next_campaign_targets') }}
),

group_effects as (
    select * from {{ ref('fct_uplift_group_effects') }}
),

planted as (
    select
        metric,
        planted_value
    from {{ ref('stg_truth__planted_metrics') }}
    where analysis = 'uplift'
),

customers_truth as (
    select
        customer_id,
        true_uplift_type
    from {{ ref('stg_truth__customers') }}
),

holdout_units as (
    select distinct
        dataset,
        unit_id
    from {{ ref('int_uplift_scores_unioned') }}
    where population = 'experiment' and split = 'holdout' and dataset = 'synthetic'
),

holdout_persuadable_share as (
    select avg(case when customers_truth.true_uplift_type = 'persuadable' then 1.0 else 0.0 end)
        as persuadable_share
    from holdout_units
    inner join customers_truth
        on holdout_units.unit_id = cast(customers_truth.customer_id as string)
),

synthetic_rows as (
    select
        'synthetic' as dataset,
        'ate_converted' as metric,
        checks.value,
        checks.ci_lower,
        checks.ci_upper,
        planted.planted_value as reference_value,
        'planted truth: voucher_test.ate_conversion_sample' as reference_source,
        'ci covers reference' as consistency_rule
    from checks
    left join planted
        on planted.metric = 'voucher_test.ate_conversion_sample'
    where checks.dataset = 'synthetic' and checks.metric = 'ate_converted'
    union all
    select
        'synthetic' as dataset,
        'qini_share_of_oracle_' || learner as metric,
        value,
        ci_lower,
        ci_upper,
        0.6 as reference_value,
        'issue target: 60% of the oracle (true-uplift ranking) Qini' as reference_source,
        'value >= reference' as consistency_rule
    from evaluation
    where
        dataset = 'synthetic'
        and metric = 'qini_share_of_oracle'
        and learner in ('t_learner', 's_learner')
    union all
    select
        'synthetic' as dataset,
        'persuadable_precision_at_20_percent_' || evaluation.learner as metric,
        evaluation.value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        1.5 * holdout_persuadable_share.persuadable_share as reference_value,
        'planted truth: 1.5 x the share of persuadables in the holdout' as reference_source,
        'value >= reference' as consistency_rule
    from evaluation
    cross join holdout_persuadable_share
    where
        evaluation.dataset = 'synthetic'
        and evaluation.metric = 'persuadable_precision_at_20_percent'
        and evaluation.learner in ('t_learner', 's_learner')
),

qini_rows as (
    select
        dataset,
        'qini_coefficient_' || outcome || '_' || learner as metric,
        value,
        ci_lower,
        ci_upper,
        -- The seed's rule is reported beside the learners, not required to beat
        -- random. Artea's coupon effect is small and 40% of 5,000 customers is a
        -- small holdout: its Qini is required above random as a point estimate
        -- (its CI is reported). Hillstrom's conversions (about 1%) are too rare
        -- for a ranking to be told from random: reported, not required.
        case
            when learner = 'seed_rule' or (dataset = 'hillstrom' and outcome = 'conversion')
                then null
            else 0.0
        end as reference_value,
        case
            when learner = 'seed_rule' or (dataset = 'hillstrom' and outcome = 'conversion')
                then null
            else 'random targeting'
        end as reference_source,
        case
            when learner = 'seed_rule' or (dataset = 'hillstrom' and outcome = 'conversion')
                then null
            when dataset = 'artea' then 'value > reference'
            else 'ci_lower > reference'
        end as consistency_rule
    from evaluation
    where metric = 'qini_coefficient' and learner != 'oracle'
    union all
    select
        dataset,
        metric || '_' || outcome || '_' || learner as metric,
        value,
        ci_lower,
        ci_upper,
        cast(null as double) as reference_value,
        cast(null as string) as reference_source,
        cast(null as string) as consistency_rule
    from evaluation
    where
        metric in ('auuc', 'uplift_at_10_percent', 'uplift_at_20_percent', 'uplift_at_30_percent')
        and learner in ('t_learner', 's_learner', 'oracle')
),

srm_rows as (
    select
        dataset,
        'srm_p_value' as metric,
        p_value as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        {{ var('uplift_srm_alpha') | float }} as reference_value,
        'sample-ratio-mismatch alarm level (uplift_srm_alpha)' as reference_source,
        'value >= reference' as consistency_rule
    from checks
    where metric = 'srm_chi_square'
),

published_rows as (
    select
        dataset,
        metric,
        value,
        ci_lower,
        ci_upper,
        case
            {%- for dataset, metric, figure in [
                ('artea', 'control_mean_transactions', 0.1257),
                ('artea', 'treated_mean_transactions', 0.1519),
                ('artea', 'ate_transactions', 0.0262),
                ('hillstrom', 'control_mean_visit', 0.1062),
                ('hillstrom', 'control_mean_conversion', 0.0057),
            ] %}
                when dataset = '{{ dataset }}' and metric = '{{ metric }}' then {{ figure }}
            {%- endfor %}
        end as reference_value,
        case
            when dataset = 'artea'
                then 'published: transactions per customer 0.1257 without, 0.1519 with the coupon'
            when dataset = 'hillstrom'
                then 'published: No E-Mail visit 10.62%, conversion 0.57%'
        end as reference_source,
        case
            when metric like 'ate_%'
                then 'abs(value - reference) <= 0.0001 (rounding of both published rates)'
            else 'abs(value - reference) <= 0.00005 (published rounding)'
        end as consistency_rule
    from checks
    where
        (dataset = 'artea' and metric in (
            'control_mean_transactions', 'treated_mean_transactions', 'ate_transactions'
        ))
        or (dataset = 'hillstrom' and metric in ('control_mean_visit', 'control_mean_conversion'))
    union all
    select
        dataset,
        metric,
        value,
        ci_lower,
        ci_upper,
        cast(null as double) as reference_value,
        cast(null as string) as reference_source,
        cast(null as string) as consistency_rule
    from checks
    where dataset = 'hillstrom' and metric in ('ate_visit', 'ate_conversion')
),

targeting_rows as (
    select
        dataset,
        'next_campaign_customers_scored' as metric,
        cast(count(*) as double) as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        case when dataset = 'artea' then 6000.0 end as reference_value,
        case when dataset = 'artea' then 'rows of artea_next_campaign.csv' end
            as reference_source,
        case when dataset = 'artea' then 'equal' end as consistency_rule
    from targets
    group by dataset
    union all
    select
        dataset,
        'next_campaign_send_share' as metric,
        avg(case when is_sent then 1.0 else 0.0 end) as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        cast(null as double) as reference_value,
        cast(null as string) as reference_source,
        cast(null as string) as consistency_rule
    from targets
    group by dataset
),

heterogeneity_rows as (
    select
        dataset,
        'observed_uplift_' || outcome || '_' || attribute || '_' || group_value as metric,
        observed_uplift as value,
        observed_uplift_ci_lower as ci_lower,
        observed_uplift_ci_upper as ci_upper,
        cast(null as double) as reference_value,
        cast(null as string) as reference_source,
        cast(null as string) as consistency_rule
    from group_effects
    where dataset = 'hillstrom'
),

unioned as (
    select * from synthetic_rows
    union all
    select * from qini_rows
    union all
    select * from srm_rows
    union all
    select * from published_rows
    union all
    select * from targeting_rows
    union all
    select * from heterogeneity_rows
),

judged as (
    select
        'uplift' as analysis,
        dataset,
        metric,
        cast(value as double) as value,
        cast(ci_lower as double) as ci_lower,
        cast(ci_upper as double) as ci_upper,
        cast(reference_value as double) as reference_value,
        reference_source,
        consistency_rule,
        case
            when reference_value is null then null
            when consistency_rule = 'ci covers reference'
                then reference_value between ci_lower and ci_upper
            when consistency_rule = 'ci_upper >= reference' then ci_upper >= reference_value
            when consistency_rule = 'ci_lower > reference' then ci_lower > reference_value
            when consistency_rule = 'value >= reference' then value >= reference_value
            when consistency_rule = 'value > reference' then value > reference_value
            when consistency_rule = 'equal' then value = reference_value
            when consistency_rule like '%<= 0.0001 %' then abs(value - reference_value) <= 0.0001
            else abs(value - reference_value) <= 0.00005
        end as is_consistent
    from unioned
    where value is not null
)

select * from judged
