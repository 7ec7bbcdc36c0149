-- The seed's appendix (seed 002): a 3-cluster K-Means view of the same
-- standardized features (var segmentation_appendix_k) that isolates the
-- high-risk customers: the cluster with the longest time since the last
-- purchase and the lowest spend. `dbt compile -s
-- segmentation_three_cluster_high_risk` writes the SQL to target/; run it on
-- the Thrift server (`make serve`).
with

customers as (
    select * from {{ ref('dim_customers_360') }}
),

assignments as (
    select
        customer_id,
        appendix_segment_id
    from {{ ref('ml_customers_segment_assignments') }}
),

clustered as (
    select
        assignments.appendix_segment_id,
        customers.*
    from customers
    inner join assignments
        on customers.customer_id = assignments.customer_id
),

profiles as (
    select
        appendix_segment_id,
        count(*) as customers,
        avg(total_spend) as average_total_spend,
        avg(transactions_count) as average_transactions_count,
        avg(recency_days) as average_recency_days,
        avg(engagement_score) as average_engagement_score,
        avg(behavioural_score) as average_behavioural_score,
        avg(loyalty_rank) as average_loyalty_rank,
        avg(case when is_never_purchased then 1.0d else 0.0d end) as share_never_purchased
    from clustered
    group by appendix_segment_id
),

ranked as (
    select
        *,
        customers / sum(customers) over () as customer_share,
        rank() over (
            order by average_recency_days desc, average_total_spend asc
        ) as risk_rank
    from profiles
),

flagged as (
    select
        *,
        risk_rank = 1 as is_high_risk
    from ranked
)

select * from flagged
