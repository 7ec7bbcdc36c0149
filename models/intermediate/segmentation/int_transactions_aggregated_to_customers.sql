-- Purchase history per customer: counts, spend, first/last purchase and the
-- category with the largest spend (ties: alphabetical).
with

transactions as (
    select
        customer_id,
        product_category,
        amount,
        transaction_at
    from {{ ref('stg_synthetic__transactions') }}
),

spend_by_category as (
    select
        customer_id,
        product_category,
        sum(cast(amount as double)) as category_spend
    from transactions
    group by customer_id, product_category
),

ranked_categories as (
    select
        customer_id,
        product_category,
        row_number() over (
            partition by customer_id
            order by category_spend desc, product_category asc
        ) as category_rank
    from spend_by_category
),

preferred_categories as (
    select
        customer_id,
        product_category as preferred_category
    from ranked_categories
    where category_rank = 1
),

totals as (
    select
        customer_id,
        count(*) as transactions_count,
        sum(cast(amount as double)) as total_spend,
        avg(cast(amount as double)) as average_transaction_value,
        min(transaction_at) as first_purchase_at,
        max(transaction_at) as last_purchase_at
    from transactions
    group by customer_id
),

joined as (
    select
        totals.customer_id,
        totals.transactions_count,
        totals.total_spend,
        totals.average_transaction_value,
        totals.first_purchase_at,
        totals.last_purchase_at,
        preferred_categories.preferred_category
    from totals
    left join preferred_categories
        on totals.customer_id = preferred_categories.customer_id
)

select * from joined
