-- Sprint 1 QA of the CRM inputs: one row per dataset per cleaning rule, with
-- the number of customers the rule affected (see int_crm_customers_cleaned for
-- the rules) out of the dataset's customers.
{% set monetary_columns = [
    'income', 'mnt_wines', 'mnt_fruits', 'mnt_meat_products', 'mnt_fish_products',
    'mnt_sweet_products', 'mnt_gold_products',
] -%}
{% set rules = [
    ('customers', 'true', 'Customers in the input.'),
    ('income_imputed', 'is_income_imputed', 'Income missing, replaced by the median of the dataset.'),
    ('marital_status_alone_to_single', "marital_status_raw = 'Alone'", 'Marital status Alone mapped to Single.'),
    ('marital_status_absurd_to_unknown', "marital_status_raw = 'Absurd'", 'Marital status Absurd mapped to Unknown.'),
    ('marital_status_yolo_to_unknown', "marital_status_raw = 'YOLO'", 'Marital status YOLO mapped to Unknown.'),
    ('birth_year_implausible', 'is_birth_year_implausible',
        'Birth year before var(crm_min_birth_year): flagged, excluded from age.'),
    ('binary_flags_normalized', 'non_canonical_flag_values > 0',
        'A flag written other than 0/1 (yes/no, true/false) normalized to 0/1.'),
    ('z_cost_contact_not_3', 'z_cost_contact != 3', 'Z_CostContact differs from the documented 3.'),
    ('z_revenue_not_11', 'z_revenue != 11', 'Z_Revenue differs from the documented 11.'),
] -%}

with

cleaned as (
    select * from {{ ref('int_crm_customers_cleaned') }}
),

counted as (
    {%- for rule_name, condition, description in rules %}
    select
        dataset,
        '{{ rule_name }}' as rule_name,
        '{{ description }}' as rule_description,
        count_if({{ condition }}) as customers_affected,
        count(*) as customers
    from cleaned
    group by dataset
    union all
    {%- endfor %}
    {%- for column in monetary_columns %}
    select
        dataset,
        'winsorized_{{ column }}' as rule_name,
        '{{ column }} capped at the winsorization percentiles (low or high).' as rule_description,
        count_if({{ column }}_capped != {{ column }}) as customers_affected,
        count(*) as customers
    from cleaned
    group by dataset
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

typed as (
    select
        dataset,
        rule_name,
        rule_description,
        cast(customers_affected as bigint) as customers_affected,
        cast(customers as bigint) as customers,
        cast(customers_affected as double) / customers as share_affected
    from counted
)

select * from typed
