-- Scores of every uplift learner on every experiment the project analyses (the
-- synthetic voucher test, and Artea / Hillstrom when their files are present),
-- in one shape, plus the oracle of the synthetic company: its customers ranked
-- by their planted uplift p(order | voucher) - p(order | no voucher).
{% set public_data = var('public_data', {}) %}
with

synthetic_scores as (
    select * from {{ ref('ml_voucher_customers_uplift_scores') }}
),

customers_truth as (
    select
        customer_id,
        true_uplift_type,
        voucher_probability_treatment - voucher_probability_control as true_uplift
    from {{ ref('stg_truth__customers') }}
    where voucher_probability_control is not null
),

{% if 'artea' in public_data %}
artea_scores as (  -- noqa: ST03
    select * from {{ ref('ml_artea_customers_uplift_scores') }}
),
{% endif %}

{% if 'hillstrom' in public_data %}
hillstrom_scores as (  -- noqa: ST03
    select * from {{ ref('ml_hillstrom_customers_uplift_scores') }}
),
{% endif %}

learner_scores as (
    select
        synthetic_scores.dataset,
        synthetic_scores.outcome,
        synthetic_scores.learner,
        synthetic_scores.population,
        cast(synthetic_scores.customer_id as string) as unit_id,
        synthetic_scores.split,
        synthetic_scores.is_treated,
        synthetic_scores.outcome_value,
        synthetic_scores.probability_treated,
        synthetic_scores.probability_control,
        synthetic_scores.uplift_score,
        customers_truth.true_uplift_type,
        customers_truth.true_uplift
    from synthetic_scores
    left join customers_truth
        on synthetic_scores.customer_id = customers_truth.customer_id
    {% for dataset in ['artea', 'hillstrom'] if dataset in public_data %}
        union all
        select
            dataset,
            outcome,
            learner,
            population,
            cast(customer_id as string) as unit_id,
            split,
            is_treated,
            outcome_value,
            probability_treated,
            probability_control,
            uplift_score,
            cast(null as string) as true_uplift_type,
            cast(null as double) as true_uplift
        from {{ dataset }}_scores
    {% endfor %}
),

oracle_scores as (
    select
        dataset,
        outcome,
        'oracle' as learner,
        population,
        unit_id,
        split,
        is_treated,
        outcome_value,
        cast(null as double) as probability_treated,
        cast(null as double) as probability_control,
        true_uplift as uplift_score,
        true_uplift_type,
        true_uplift
    from learner_scores
    where
        learner = 't_learner'
        and population = 'experiment'
        and true_uplift is not null
),

unioned as (
    select * from learner_scores
    union all
    select * from oracle_scores
)

select * from unioned
