-- Sprint 1 of the CRM analysis (ETL and QA) on every selected input, one row
-- per dataset per customer: the inputs of var('crm_inputs') (the synthetic
-- snapshot; the Kaggle file when present) in one shape, then
--   * Income: missing values imputed with the dataset's median (is_income_imputed);
--   * marital status: Alone -> Single (a person living alone), Absurd and YOLO
--     -> Unknown (not marital statuses); is_marital_status_remapped;
--   * birth years before var('crm_min_birth_year') flagged and left out of age;
--   * monetary columns (Income, Mnt*) winsorized at the var('crm_winsor_lower')
--     and var('crm_winsor_upper') percentiles of the dataset: raw and _capped.
-- Binary flags are 0/1 from staging. The snapshot date is the synthetic
-- snapshot's; the Kaggle file has none, so its last enrolment date is used.
{% set inputs = var('crm_inputs', ['synthetic', 'kaggle_marketing_campaign']) -%}
{% set use_kaggle = 'kaggle_marketing_campaign' in inputs
    and 'kaggle_marketing_campaign' in var('public_data', {}) -%}
{# the synthetic snapshot is the input when nothing else is selected #}
{% set use_synthetic = 'synthetic' in inputs or not use_kaggle -%}
{% set columns = [
    'customer_id', 'education', 'marital_status', 'birth_year', 'income', 'kids_at_home',
    'teens_at_home', 'recency_days', 'mnt_wines', 'mnt_fruits', 'mnt_meat_products',
    'mnt_fish_products', 'mnt_sweet_products', 'mnt_gold_products', 'num_deals_purchases',
    'num_web_purchases', 'num_catalog_purchases', 'num_store_purchases', 'num_web_visits_month',
    'accepted_cmp1', 'accepted_cmp2', 'accepted_cmp3', 'accepted_cmp4', 'accepted_cmp5',
    'complain', 'z_cost_contact', 'z_revenue', 'response', 'customer_since_date',
] -%}
{% set monetary_columns = [
    'income', 'mnt_wines', 'mnt_fruits', 'mnt_meat_products', 'mnt_fish_products',
    'mnt_sweet_products', 'mnt_gold_products',
] -%}

with

{% if use_synthetic -%}
synthetic_snapshot as (
    select * from {{ ref('int_synthetic_events_aggregated_to_crm_customers') }}
),
{%- endif %}

{% if use_kaggle -%}
kaggle_customers as (  -- noqa: ST03
    select * from {{ ref('stg_kaggle_marketing_campaign__customers') }}
),
{%- endif %}

unioned as (
    {%- if use_synthetic %}
    select
        'synthetic' as dataset,
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        0 as non_canonical_flag_values,
        snapshot_date
    from synthetic_snapshot
    {%- endif %}
    {%- if use_synthetic and use_kaggle %}
    union all
    {%- endif %}
    {%- if use_kaggle %}
    select
        'kaggle_marketing_campaign' as dataset,
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        non_canonical_flag_values,
        cast(null as date) as snapshot_date
    from kaggle_customers
    {%- endif %}
),

dataset_statistics as (
    select
        dataset,
        max(customer_since_date) as last_customer_since_date,
        percentile(cast(income as double), 0.5) as income_median,
        {%- for column in monetary_columns %}
        percentile(cast({{ column }} as double), {{ var('crm_winsor_lower') }}) as {{ column }}_lower_cap,
        percentile(cast({{ column }} as double), {{ var('crm_winsor_upper') }}) as {{ column }}_upper_cap
        {{- ',' if not loop.last }}
        {%- endfor %}
    from unioned
    group by dataset
),

imputed as (
    select
        unioned.* except (income, marital_status, snapshot_date),
        coalesce(unioned.snapshot_date, dataset_statistics.last_customer_since_date) as snapshot_date,
        cast(unioned.income as double) as income_raw,
        coalesce(cast(unioned.income as double), dataset_statistics.income_median) as income,
        unioned.income is null as is_income_imputed,
        unioned.marital_status as marital_status_raw,
        case
            when unioned.marital_status = 'Alone' then 'Single'
            when unioned.marital_status in ('Absurd', 'YOLO') then 'Unknown'
            else unioned.marital_status
        end as marital_status,
        coalesce(unioned.marital_status in ('Alone', 'Absurd', 'YOLO'), false) as is_marital_status_remapped,
        coalesce(unioned.birth_year < {{ var('crm_min_birth_year') }}, false) as is_birth_year_implausible
    from unioned
    inner join dataset_statistics
        on unioned.dataset = dataset_statistics.dataset
),

winsorized as (
    select
        imputed.* except (
            {%- for column in monetary_columns if column != 'income' %}
            {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        ),
        case
            when not imputed.is_birth_year_implausible
                then year(imputed.snapshot_date) - imputed.birth_year
        end as age_years,
        {%- for column in monetary_columns %}
        {%- if column != 'income' %}
        cast(imputed.{{ column }} as double) as {{ column }},
        {%- endif %}
        least(
            greatest(cast(imputed.{{ column }} as double), dataset_statistics.{{ column }}_lower_cap),
            dataset_statistics.{{ column }}_upper_cap
        ) as {{ column }}_capped
        {{- ',' if not loop.last }}
        {%- endfor %}
    from imputed
    inner join dataset_statistics
        on imputed.dataset = dataset_statistics.dataset
)

select * from winsorized
