-- Whom to send the voucher in the next campaign: every customer of the next
-- campaign (synthetic company: everyone signed up, features as of the day after
-- the data ends; Artea: the 6,000 customers of its next-campaign file) with the
-- targeting learner's uplift score, the expected incremental orders and margin,
-- the expected costs and the send decision that maximizes expected profit:
-- send when uplift x margin - p(order | voucher) x voucher cost - contact cost > 0.
with

scores as (
    select * from {{ ref('int_uplift_scores_unioned') }}
    where
        population = 'next_campaign'
        and learner = '{{ var('uplift_targeting_learner') | replace("'", '') | replace('\\', '') }}'
),

valued as (
    select
        dataset,
        cast(unit_id as bigint) as customer_id,
        learner,
        uplift_score,
        probability_treated,
        probability_control,
        uplift_score as expected_incremental_orders,
        uplift_score * {{ var('uplift_margin_per_order') | float }} as expected_incremental_margin,
        probability_treated * {{ var('uplift_voucher_cost') | float }} as expected_voucher_cost,
        cast({{ var('uplift_contact_cost') | float }} as double) as contact_cost
    from scores
),

decided as (
    select
        *,
        expected_incremental_margin - expected_voucher_cost - contact_cost as expected_profit
    from valued
),

ranked as (
    select
        dataset,
        customer_id,
        learner,
        uplift_score,
        probability_treated,
        probability_control,
        expected_incremental_orders,
        expected_incremental_margin,
        expected_voucher_cost,
        contact_cost,
        expected_profit,
        expected_profit > 0 as is_sent,
        cast(row_number() over (
            partition by dataset order by expected_profit desc, customer_id asc
        ) as bigint) as profit_rank
    from decided
)

select * from ranked
