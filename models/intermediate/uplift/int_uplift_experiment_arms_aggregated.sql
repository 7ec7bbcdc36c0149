-- Size, mean and variance of every outcome and pre-period covariate per arm of
-- every experiment (synthetic voucher test; Artea and Hillstrom when present):
-- the inputs of the experiment checks (SRM, balance, average treatment effects).
{% set public_data = var('public_data', {}) %}
with

synthetic_units as (
    select * from {{ ref('int_voucher_test_customers_labeled') }}
),

{% if 'artea' in public_data %}
artea_units as (  -- noqa: ST03
    select * from {{ ref('stg_artea__experiment_customers') }}
),
{% endif %}

{% if 'hillstrom' in public_data %}
hillstrom_units as (  -- noqa: ST03
    select * from {{ ref('int_hillstrom_customers_identified') }}
),
{% endif %}

unpivoted as (
    select
        'synthetic' as dataset,
        is_treated,
        variable_role,
        variable,
        cast(variable_value as double) as variable_value
    from synthetic_units
    lateral view stack(
        11,
        'outcome', 'converted', cast(is_converted as double),
        'outcome', 'revenue', cast(test_revenue as double),
        'covariate', 'purchase_days_per_30_days', cast(purchase_days_per_30_days as double),
        'covariate', 'revenue_per_30_days', cast(revenue_per_30_days as double),
        'covariate', 'days_since_last_purchase', cast(days_since_last_purchase as double),
        'covariate', 'sessions_per_30_days', cast(sessions_per_30_days as double),
        'covariate', 'email_open_rate', cast(email_open_rate as double),
        'covariate', 'income', cast(income as double),
        'covariate', 'loyalty_level', cast(loyalty_level as double),
        'covariate', 'tenure_days', cast(tenure_days as double),
        'covariate', 'age_years', cast(age_years as double)
    ) as variable_role, variable, variable_value
    {% if 'artea' in public_data %}
        union all
        select
            'artea' as dataset,
            is_treated,
            variable_role,
            variable,
            cast(variable_value as double) as variable_value
        from artea_units
        lateral view stack(
            9,
            'outcome', 'transactions', cast(transactions_after as double),
            'outcome', 'any_transaction', cast(has_transaction_after as double),
            'outcome', 'revenue', cast(revenue_after as double),
            'covariate', 'past_purchases', cast(past_purchases as double),
            'covariate', 'last_purchase_amount', cast(last_purchase_amount as double),
            'covariate', 'weeks_since_visit', cast(weeks_since_visit as double),
            'covariate', 'browsing_minutes', cast(browsing_minutes as double),
            'covariate', 'has_shopping_cart', cast(has_shopping_cart as double),
            'covariate', 'acquisition_channel', cast(acquisition_channel as double)
        ) as variable_role, variable, variable_value
    {% endif %}
    {% if 'hillstrom' in public_data %}
        union all
        select
            'hillstrom' as dataset,
            is_treated,
            variable_role,
            variable,
            variable_value
        from hillstrom_units
        lateral view stack(
            8,
            'outcome', 'visit', cast(visit as double),
            'outcome', 'conversion', cast(conversion as double),
            'outcome', 'revenue', cast(spend as double),
            'covariate', 'recency_months', cast(recency_months as double),
            'covariate', 'past_year_spend', cast(past_year_spend as double),
            'covariate', 'bought_mens', cast(bought_mens as double),
            'covariate', 'bought_womens', cast(bought_womens as double),
            'covariate', 'is_newbie', cast(is_newbie as double)
        ) as variable_role, variable, variable_value
    {% endif %}
),

aggregated as (
    select
        dataset,
        variable_role,
        variable,
        case when is_treated then 'treatment' else 'control' end as arm,
        count(*) as units,
        avg(variable_value) as mean_value,
        var_samp(variable_value) as variance_value
    from unpivoted
    group by dataset, variable_role, variable, is_treated
)

select * from aggregated
