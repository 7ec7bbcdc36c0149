-- Acceptance of each campaign (AcceptedCmp1-5 and the last campaign's
-- Response) by K-Means cluster and by RFM label (and overall), with a 95%
-- Wilson interval: one row per dataset per segment type per segment per campaign.
with

segmented as (
    select * from {{ ref('int_crm_customers_segmented') }}
),

campaign_outcomes as (
    select
        dataset,
        segment_type,
        segment,
        stack(
            6,
            'AcceptedCmp1', accepted_cmp1,
            'AcceptedCmp2', accepted_cmp2,
            'AcceptedCmp3', accepted_cmp3,
            'AcceptedCmp4', accepted_cmp4,
            'AcceptedCmp5', accepted_cmp5,
            'Response', response
        ) as (campaign, accepted)
    from segmented
),

aggregated as (
    select
        dataset,
        segment_type,
        segment,
        campaign,
        count(*) as customers,
        sum(accepted) as acceptances,
        avg(accepted) as acceptance_rate
    from campaign_outcomes
    group by dataset, segment_type, segment, campaign
),

with_intervals as (
    select
        dataset,
        segment_type,
        segment,
        campaign,
        cast(customers as bigint) as customers,
        cast(acceptances as bigint) as acceptances,
        cast(acceptance_rate as double) as acceptance_rate,
        {{ crm_wilson_interval('acceptance_rate', 'customers', 'lower') }} as acceptance_rate_ci_lower,
        {{ crm_wilson_interval('acceptance_rate', 'customers', 'upper') }} as acceptance_rate_ci_upper
    from aggregated
)

select * from with_intervals
