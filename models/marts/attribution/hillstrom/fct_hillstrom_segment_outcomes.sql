-- Hillstrom's e-mail test by arm: one row per e-mail segment with its
-- customers, visit and conversion rates and spend per customer (the
-- published figures), and the sums the lift intervals need.
with

customers as (
    select
        email_segment,
        has_visited,
        has_converted,
        spend
    from {{ ref('stg_hillstrom__customers') }}
),

segments as (
    select
        email_segment,
        count(*) as customers,
        avg(cast(has_visited as double)) as visit_rate,
        avg(cast(has_converted as double)) as conversion_rate,
        avg(cast(spend as double)) as spend_per_customer,
        sum(cast(has_visited as double)) as visits,
        sum(cast(has_converted as double)) as conversions,
        sum(cast(spend as double)) as spend_total,
        sum(cast(spend as double) * cast(spend as double)) as spend_sum_of_squares
    from customers
    group by email_segment
)

select * from segments
