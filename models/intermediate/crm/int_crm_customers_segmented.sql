-- Every segmentation a CRM customer belongs to, long form: one row per
-- dataset per customer per segment type (all = the whole dataset, rfm_label,
-- cluster = the K-Means cluster of ml_crm_customers_clusters), with the
-- outcomes the campaign marts aggregate (AcceptedCmp1-5, Response) and the
-- contact economics of the row (Z_CostContact, Z_Revenue, from the data).
with

customers as (
    select
        dataset,
        customer_id,
        rfm_label,
        accepted_cmp1,
        accepted_cmp2,
        accepted_cmp3,
        accepted_cmp4,
        accepted_cmp5,
        response,
        z_cost_contact,
        z_revenue
    from {{ ref('dim_crm_customers') }}
),

clusters as (
    select
        dataset,
        customer_id,
        cluster_id
    from {{ ref('ml_crm_customers_clusters') }}
),

memberships as (
    select
        customers.*,
        'all' as segment_type,
        'all' as segment
    from customers
    union all
    select
        customers.*,
        'rfm_label' as segment_type,
        customers.rfm_label as segment
    from customers
    union all
    select
        customers.*,
        'cluster' as segment_type,
        'cluster ' || cast(clusters.cluster_id as string) as segment
    from customers
    inner join clusters
        on
            customers.dataset = clusters.dataset
            and customers.customer_id = clusters.customer_id
)

select * from memberships
