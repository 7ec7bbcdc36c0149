-- Customer 360 for segmentation (seed 002): one row per customer with
-- purchases, loyalty, e-mail engagement, browsing, demographics and the
-- encodings the clustering and the profiles use.
{#- One-hot encoded values: the accepted values of the staging contract (the
    mart's contract lists one column per value). -#}
{%- set one_hot = {
    'gender': ['F', 'M'],
    'marital_status': ['Single', 'Married', 'Together', 'Divorced', 'Widow'],
    'location': ['north', 'south', 'east', 'west', 'central', 'coast'],
} %}
with

customers as (
    select * from {{ ref('stg_synthetic__customers') }}
),

purchases as (
    select * from {{ ref('int_transactions_aggregated_to_customers') }}
),

engagement as (
    select * from {{ ref('int_email_events_aggregated_to_customers') }}
),

behaviour as (
    select * from {{ ref('int_web_sessions_aggregated_to_customers') }}
),

loyalty_tiers as (
    select * from {{ ref('loyalty_tiers') }}
),

education_levels as (
    select * from {{ ref('education_levels') }}
),

observation_end as (
    select to_date(max(last_purchase_at)) as as_of_date
    from purchases
),

income_median as (
    select percentile(cast(income as double), 0.5) as median_income
    from customers
),

joined as (
    select
        customers.customer_id,
        customers.gender,
        customers.education,
        customers.marital_status,
        customers.location,
        coalesce(customers.loyalty_status, 'Basic') as loyalty_status,
        customers.birth_year,
        cast(customers.income as double) as income,
        customers.kids_at_home,
        customers.teens_at_home,
        customers.signup_date,
        coalesce(purchases.transactions_count, 0) as transactions_count,
        coalesce(purchases.total_spend, 0.0) as total_spend,
        coalesce(purchases.average_transaction_value, 0.0) as average_transaction_value,
        purchases.first_purchase_at,
        purchases.last_purchase_at,
        purchases.preferred_category,
        coalesce(engagement.emails_received, 0) as emails_received,
        coalesce(engagement.emails_opened, 0) as emails_opened,
        coalesce(engagement.emails_clicked, 0) as emails_clicked,
        coalesce(behaviour.sessions_count, 0) as sessions_count,
        coalesce(behaviour.pages_viewed, 0) as pages_viewed,
        coalesce(behaviour.session_duration_seconds, 0.0) as session_duration_seconds,
        observation_end.as_of_date,
        income_median.median_income
    from customers
    cross join observation_end
    cross join income_median
    left join purchases
        on customers.customer_id = purchases.customer_id
    left join engagement
        on customers.customer_id = engagement.customer_id
    left join behaviour
        on customers.customer_id = behaviour.customer_id
),

scored as (
    select
        joined.*,
        datediff(
            joined.as_of_date,
            coalesce(to_date(joined.last_purchase_at), joined.signup_date)
        ) as recency_days,
        joined.last_purchase_at is null as is_never_purchased,
        year(joined.as_of_date) - joined.birth_year as age,
        coalesce(joined.income, joined.median_income) as income_imputed,
        joined.income is null as is_income_imputed,
        cast(joined.emails_opened + 2 * joined.emails_clicked as double) as engagement_score,
        joined.sessions_count
        + joined.pages_viewed
        + joined.session_duration_seconds / 60.0 as behavioural_score,
        joined.average_transaction_value * joined.transactions_count as lifetime_value
    from joined
),

encoded as (
    select
        scored.customer_id,
        scored.gender,
        scored.education,
        scored.marital_status,
        scored.location,
        scored.loyalty_status,
        scored.birth_year,
        scored.age,
        scored.income,
        scored.income_imputed,
        scored.is_income_imputed,
        scored.kids_at_home,
        scored.teens_at_home,
        scored.signup_date,
        scored.as_of_date,
        scored.transactions_count,
        scored.total_spend,
        scored.average_transaction_value,
        scored.first_purchase_at,
        scored.last_purchase_at,
        scored.recency_days,
        scored.is_never_purchased,
        scored.preferred_category,
        scored.emails_received,
        scored.emails_opened,
        scored.emails_clicked,
        scored.engagement_score,
        scored.sessions_count,
        scored.pages_viewed,
        scored.session_duration_seconds,
        scored.behavioural_score,
        scored.total_spend * scored.engagement_score as spend_engagement_interaction,
        scored.lifetime_value,
        cast(loyalty_tiers.loyalty_rank as int) as loyalty_rank,
        cast(education_levels.education_rank as int) as education_rank,
        {%- for column, values in one_hot.items() %}
        {%- for value in values %}
        case
            when scored.{{ column }} = '{{ value }}' then 1 else 0
        end as {{ column ~ '_' ~ value | lower }},
        {%- endfor %}
        {%- endfor %}
        1 as _end_of_columns
    from scored
    left join loyalty_tiers
        on scored.loyalty_status = loyalty_tiers.loyalty_status
    left join education_levels
        on scored.education = education_levels.education
),

final as (
    select * except (_end_of_columns)
    from encoded
)

select * from final
