-- Response to the last campaign per segment, against the dataset's overall
-- response rate (the baseline): one row per dataset per segment type per
-- segment. Lift = segment rate / baseline; its 95% interval is the segment
-- rate's Wilson interval over the baseline (the baseline is treated as known:
-- it is estimated on the whole dataset). Cost = contacts x Z_CostContact,
-- revenue = responses x Z_Revenue (per-row values of the data, not assumed),
-- ROI = (revenue - cost) / cost, ROAS = revenue / cost.
with

segmented as (
    select * from {{ ref('int_crm_customers_segmented') }}
),

aggregated as (
    select
        dataset,
        segment_type,
        segment,
        count(*) as contacts,
        sum(response) as responses,
        avg(response) as response_rate,
        sum(cast(z_cost_contact as double)) as campaign_cost,
        sum(response * cast(z_revenue as double)) as campaign_revenue
    from segmented
    group by dataset, segment_type, segment
),

baseline as (
    select
        dataset,
        response_rate as baseline_response_rate
    from aggregated
    where segment_type = 'all'
),

returns as (
    select
        aggregated.dataset,
        aggregated.segment_type,
        aggregated.segment,
        cast(aggregated.contacts as bigint) as contacts,
        cast(aggregated.responses as bigint) as responses,
        cast(aggregated.response_rate as double) as response_rate,
        {{ crm_wilson_interval('aggregated.response_rate', 'aggregated.contacts', 'lower') }}
        as response_rate_ci_lower,
        {{ crm_wilson_interval('aggregated.response_rate', 'aggregated.contacts', 'upper') }}
        as response_rate_ci_upper,
        cast(baseline.baseline_response_rate as double) as baseline_response_rate,
        aggregated.campaign_cost,
        aggregated.campaign_revenue,
        aggregated.campaign_revenue - aggregated.campaign_cost as campaign_profit
    from aggregated
    inner join baseline
        on aggregated.dataset = baseline.dataset
),

ratios as (
    select
        *,
        response_rate / nullif(baseline_response_rate, 0) as lift,
        response_rate_ci_lower / nullif(baseline_response_rate, 0) as lift_ci_lower,
        response_rate_ci_upper / nullif(baseline_response_rate, 0) as lift_ci_upper,
        campaign_profit / nullif(campaign_cost, 0) as roi,
        campaign_revenue / nullif(campaign_cost, 0) as roas
    from returns
)

select * from ratios
