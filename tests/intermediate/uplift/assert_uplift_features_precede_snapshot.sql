-- Leakage guard: no event used in the features of a snapshot is dated on or
-- after the snapshot date, and the voucher-test snapshot is the test start.
with

features as (
    select * from {{ ref('int_customers_featured_at_snapshots') }}
),

voucher_tests as (
    select * from {{ ref('int_voucher_tests_resolved') }}
),

violations as (
    select
        features.customer_id,
        features.snapshot_name,
        features.snapshot_date,
        features.last_event_date
    from features
    cross join voucher_tests
    where
        features.last_event_date >= features.snapshot_date
        or features.observed_from_date > features.snapshot_date
        or (
            features.snapshot_name = 'voucher_test'
            and features.snapshot_date != voucher_tests.test_start_date
        )
)

select * from violations
