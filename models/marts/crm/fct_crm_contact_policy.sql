-- The contact policy for the next campaign: one row per dataset per segment of
-- var('crm_policy_segment_type') (rfm_label or cluster). A segment is
-- CONTACTed when its ROI > var('crm_policy_min_roi') and its lift >
-- var('crm_policy_min_lift') on the last campaign, else SKIPped. The expected
-- profit of the policy is the last campaign's profit of the contacted segments
-- (an in-sample estimate); contacting everyone is the dataset's whole profit.
{% set segment_type = 'cluster' if var('crm_policy_segment_type') == 'cluster' else 'rfm_label' -%}
with

segment_returns as (
    select * from {{ ref('fct_crm_segment_uplift_roi') }}
),

policy_segments as (
    select *
    from segment_returns
    where segment_type = '{{ segment_type }}'
),

decided as (
    select
        *,
        case
            when roi > {{ var('crm_policy_min_roi') }} and lift > {{ var('crm_policy_min_lift') }}
                then 'CONTACT'
            else 'SKIP'
        end as decision
    from policy_segments
),

with_totals as (
    select
        dataset,
        segment_type,
        segment,
        decision,
        contacts,
        responses,
        response_rate,
        lift,
        lift_ci_lower,
        lift_ci_upper,
        roi,
        roas,
        campaign_cost,
        campaign_revenue,
        campaign_profit,
        case when decision = 'CONTACT' then campaign_profit else 0 end as policy_expected_profit,
        sum(case when decision = 'CONTACT' then contacts else 0 end)
            over (partition by dataset) as policy_total_contacts,
        sum(case when decision = 'CONTACT' then campaign_profit else 0 end)
            over (partition by dataset) as policy_total_expected_profit,
        sum(contacts) over (partition by dataset) as contact_all_contacts,
        sum(campaign_cost) over (partition by dataset) as contact_all_cost,
        sum(campaign_revenue) over (partition by dataset) as contact_all_revenue,
        sum(campaign_profit) over (partition by dataset) as contact_all_profit
    from decided
)

select * from with_totals
