-- Customers of the voucher A/B test with their arm, their pre-test features,
-- the label (ordered at least uplift_label_min_orders times in the test
-- window) and a deterministic train / holdout split by a hash of the id.
with

voucher_tests as (
    select * from {{ ref('int_voucher_tests_resolved') }}
),

assignments as (
    select
        campaign_id,
        customer_id,
        arm
    from {{ ref('stg_synthetic__campaign_assignments') }}
),

transactions as (
    select
        customer_id,
        transaction_at,
        amount
    from {{ ref('stg_synthetic__transactions') }}
),

features as (
    select * from {{ ref('int_customers_featured_at_snapshots') }}
    where snapshot_name = 'voucher_test'
),

test_assignments as (
    select
        assignments.customer_id,
        assignments.arm,
        voucher_tests.test_start_date,
        voucher_tests.test_end_date
    from assignments
    inner join voucher_tests
        on assignments.campaign_id = voucher_tests.campaign_id
),

orders_in_test as (
    select
        test_assignments.customer_id,
        count(*) as test_orders,
        sum(cast(transactions.amount as double)) as test_revenue
    from test_assignments
    inner join transactions
        on
            test_assignments.customer_id = transactions.customer_id
            and to_date(transactions.transaction_at)
            between test_assignments.test_start_date and test_assignments.test_end_date
    group by test_assignments.customer_id
),

labeled as (
    select
        test_assignments.customer_id,
        test_assignments.arm,
        test_assignments.arm = 'treatment' as is_treated,
        case
            when pmod(xxhash64(test_assignments.customer_id, {{ var('uplift_seed') | int }}), 100)
                < {{ var('uplift_holdout_percent') | int }}
                then 'holdout'
            else 'train'
        end as split,
        coalesce(orders_in_test.test_orders, 0) as test_orders,
        coalesce(orders_in_test.test_revenue, 0.0) as test_revenue,
        coalesce(orders_in_test.test_orders, 0) >= {{ var('uplift_label_min_orders') | int }}
            as is_converted,
        features.* except (customer_id, snapshot_name)
    from test_assignments
    inner join features
        on test_assignments.customer_id = features.customer_id
    left join orders_in_test
        on test_assignments.customer_id = orders_in_test.customer_id
)

select * from labeled
