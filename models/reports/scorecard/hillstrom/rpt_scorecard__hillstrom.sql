-- Scorecard rows of Hillstrom's e-mail test: the published visit,
-- conversion and spend per customer of each arm (matched at the printed
-- precision: rates in % to 2 decimals, spend in $ to 2 decimals), the lift of
-- each e-mail (no published reference) and the SRM p-value.
with

segments as (
    select * from {{ ref('fct_hillstrom_segment_outcomes') }}
),

lift as (
    select * from {{ ref('ml_hillstrom_segments_lift') }}
),

published as (
    select * from values
    ('Mens E-Mail', 'visit_rate_percent', 18.28),
    ('Womens E-Mail', 'visit_rate_percent', 15.14),
    ('No E-Mail', 'visit_rate_percent', 10.62),
    ('Mens E-Mail', 'conversion_rate_percent', 1.25),
    ('Womens E-Mail', 'conversion_rate_percent', 0.88),
    ('No E-Mail', 'conversion_rate_percent', 0.57),
    ('Mens E-Mail', 'spend_per_customer', 1.42),
    ('Womens E-Mail', 'spend_per_customer', 1.08),
    ('No E-Mail', 'spend_per_customer', 0.65) as published (email_segment, metric, published_value)
),

computed as (
    select
        email_segment,
        'visit_rate_percent' as metric,
        100 * visit_rate as value
    from segments
    union all
    select
        email_segment,
        'conversion_rate_percent' as metric,
        100 * conversion_rate as value
    from segments
    union all
    select
        email_segment,
        'spend_per_customer' as metric,
        spend_per_customer as value
    from segments
),

published_rows as (
    select
        'attribution' as analysis,
        'hillstrom' as dataset,
        lower(replace(replace(computed.email_segment, '-', ''), ' ', '_')) || '_' || computed.metric as metric,
        cast(computed.value as double) as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        cast(published.published_value as double) as reference_value,
        'MineThatData E-Mail Analytics challenge (Hillstrom 2008), shared/data/README.md' as reference_source,
        'round(value, 2) = reference' as consistency_rule,
        round(computed.value, 2) = published.published_value as is_consistent
    from computed
    left join published
        on computed.email_segment = published.email_segment and computed.metric = published.metric
),

lift_rows as (
    select
        'attribution' as analysis,
        'hillstrom' as dataset,
        lower(replace(replace(email_segment, '-', ''), ' ', '_')) || '_' || metric || '_lift' as metric,
        lift as value,
        ci_lower,
        ci_upper,
        cast(null as double) as reference_value,
        cast(null as string) as reference_source,
        'no published reference' as consistency_rule,
        cast(null as boolean) as is_consistent
    from lift
),

srm_rows as (
    select
        'attribution' as analysis,
        'hillstrom' as dataset,
        'srm_p_value' as metric,
        min(srm_p_value) as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        cast({{ var('attribution_srm_alpha') }} as double) as reference_value,
        'SRM threshold (var attribution_srm_alpha)' as reference_source,
        'value >= reference' as consistency_rule,
        min(srm_p_value) >= {{ var('attribution_srm_alpha') }} as is_consistent
    from lift
),

unioned as (
    select * from published_rows
    union all
    select * from lift_rows
    union all
    select * from srm_rows
)

select * from unioned
