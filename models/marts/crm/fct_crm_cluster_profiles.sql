-- Profile of the K-Means clusters of the CRM analysis: one row per dataset per
-- cluster with its size, spend, order value, response and CLV proxy.
with

customers as (
    select
        dataset,
        customer_id,
        income,
        recency_days,
        total_spend,
        total_purchases,
        average_order_value,
        clv_proxy,
        response
    from {{ ref('dim_crm_customers') }}
),

clusters as (
    select
        dataset,
        customer_id,
        cluster_id,
        k
    from {{ ref('ml_crm_customers_clusters') }}
),

profiled as (
    select
        clusters.dataset,
        'cluster ' || cast(clusters.cluster_id as string) as cluster,
        max(clusters.k) as k,
        count(*) as customers,
        avg(customers.total_spend) as average_total_spend,
        avg(customers.total_purchases) as average_total_purchases,
        avg(customers.average_order_value) as average_order_value_mean,
        avg(customers.clv_proxy) as average_clv_proxy,
        avg(customers.income) as average_income,
        avg(cast(customers.recency_days as double)) as average_recency_days,
        avg(customers.response) as response_rate
    from clusters
    inner join customers
        on
            clusters.dataset = customers.dataset
            and clusters.customer_id = customers.customer_id
    group by clusters.dataset, clusters.cluster_id
),

shared as (
    select
        dataset,
        cluster,
        cast(k as int) as k,
        cast(customers as bigint) as customers,
        customers / sum(customers) over (partition by dataset) as share_of_customers,
        average_total_spend,
        average_total_purchases,
        average_order_value_mean,
        average_clv_proxy,
        average_income,
        average_recency_days,
        cast(response_rate as double) as response_rate
    from profiled
)

select * from shared
