-- Expected profit of the next campaign by targeting depth: customers sorted by
-- expected profit (best first), cumulated at every percentile of the list. The
-- depth with the highest cumulative expected profit is the send / don't-send
-- policy of fct_uplift_next_campaign_targets.
with

targets as (
    select * from {{ ref('fct_uplift_next_campaign_targets') }}
),

binned as (
    select
        dataset,
        expected_incremental_orders,
        expected_incremental_margin,
        expected_voucher_cost + contact_cost as expected_cost,
        expected_profit,
        ntile(100) over (partition by dataset order by profit_rank) as depth_percentile
    from targets
),

per_percentile as (
    select
        dataset,
        depth_percentile,
        count(*) as customers,
        sum(expected_incremental_orders) as expected_incremental_orders,
        sum(expected_incremental_margin) as expected_incremental_margin,
        sum(expected_cost) as expected_cost,
        sum(expected_profit) as expected_profit
    from binned
    group by dataset, depth_percentile
),

cumulated as (
    select
        dataset,
        depth_percentile,
        sum(customers) over depth_window as customers_targeted,
        sum(expected_incremental_orders) over depth_window as expected_incremental_orders,
        sum(expected_incremental_margin) over depth_window as expected_incremental_margin,
        sum(expected_cost) over depth_window as expected_cost,
        sum(expected_profit) over depth_window as expected_profit
    from per_percentile
    window depth_window as (
        partition by dataset order by depth_percentile
        rows between unbounded preceding and current row
    )
),

marked as (
    select
        *,
        expected_profit = max(expected_profit) over (partition by dataset) as is_best_depth
    from cumulated
)

select * from marked
