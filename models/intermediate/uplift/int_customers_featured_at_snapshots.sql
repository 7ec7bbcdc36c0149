-- Customer features as of two snapshot dates: the start of the voucher test
-- (training and evaluation) and the day after the data ends (scoring the next
-- campaign). Only events in [feature_start_date, snapshot_date) are used, so
-- nothing of the test window leaks into the features of the test.
with

voucher_tests as (
    select * from {{ ref('int_voucher_tests_resolved') }}
),

customers as (
    select
        customer_id,
        gender,
        loyalty_status,
        birth_year,
        income,
        kids_at_home,
        teens_at_home,
        signup_date
    from {{ ref('stg_synthetic__customers') }}
),

transactions as (
    select
        customer_id,
        transaction_at,
        amount,
        is_discounted
    from {{ ref('stg_synthetic__transactions') }}
),

web_sessions as (
    select
        customer_id,
        session_started_at,
        pages_viewed,
        duration_seconds
    from {{ ref('stg_synthetic__web_sessions') }}
),

email_events as (
    select
        customer_id,
        event_type,
        event_at
    from {{ ref('stg_synthetic__email_events') }}
),

snapshots as (
    select
        'voucher_test' as snapshot_name,
        test_start_date as snapshot_date,
        feature_start_date
    from voucher_tests
    union all
    select
        'next_campaign' as snapshot_name,
        next_campaign_date as snapshot_date,
        greatest(
            date_sub(next_campaign_date, {{ var('uplift_feature_window_days') | int }}),
            first_data_date
        ) as feature_start_date
    from voucher_tests
),

customer_snapshots as (
    select
        customers.*,
        snapshots.snapshot_name,
        snapshots.snapshot_date,
        greatest(customers.signup_date, snapshots.feature_start_date) as observed_from_date
    from customers
    inner join snapshots
        on customers.signup_date < snapshots.snapshot_date
),

transactions_in_window as (
    select
        customer_snapshots.customer_id,
        customer_snapshots.snapshot_name,
        count(*) as transaction_count,
        count(distinct to_date(transactions.transaction_at)) as purchase_days,
        sum(cast(transactions.amount as double)) as revenue,
        sum(case when transactions.is_discounted then 1 else 0 end) as discounted_transactions,
        max(to_date(transactions.transaction_at)) as last_purchase_date
    from customer_snapshots
    inner join transactions
        on
            customer_snapshots.customer_id = transactions.customer_id
            and to_date(transactions.transaction_at) >= customer_snapshots.observed_from_date
            and to_date(transactions.transaction_at) < customer_snapshots.snapshot_date
    group by customer_snapshots.customer_id, customer_snapshots.snapshot_name
),

sessions_in_window as (
    select
        customer_snapshots.customer_id,
        customer_snapshots.snapshot_name,
        count(*) as session_count,
        sum(web_sessions.pages_viewed) as pages_viewed,
        sum(web_sessions.duration_seconds) as duration_seconds,
        max(to_date(web_sessions.session_started_at)) as last_session_date
    from customer_snapshots
    inner join web_sessions
        on
            customer_snapshots.customer_id = web_sessions.customer_id
            and to_date(web_sessions.session_started_at) >= customer_snapshots.observed_from_date
            and to_date(web_sessions.session_started_at) < customer_snapshots.snapshot_date
    group by customer_snapshots.customer_id, customer_snapshots.snapshot_name
),

emails_in_window as (
    select
        customer_snapshots.customer_id,
        customer_snapshots.snapshot_name,
        sum(case when email_events.event_type = 'send' then 1 else 0 end) as email_sends,
        sum(case when email_events.event_type = 'open' then 1 else 0 end) as email_opens,
        sum(case when email_events.event_type = 'click' then 1 else 0 end) as email_clicks,
        max(to_date(email_events.event_at)) as last_email_date
    from customer_snapshots
    inner join email_events
        on
            customer_snapshots.customer_id = email_events.customer_id
            and to_date(email_events.event_at) >= customer_snapshots.observed_from_date
            and to_date(email_events.event_at) < customer_snapshots.snapshot_date
    group by customer_snapshots.customer_id, customer_snapshots.snapshot_name
),

income_medians as (
    select percentile_approx(cast(income as double), 0.5) as median_income
    from customers
),

joined as (
    select
        customer_snapshots.customer_id,
        customer_snapshots.snapshot_name,
        customer_snapshots.snapshot_date,
        customer_snapshots.observed_from_date,
        customer_snapshots.gender,
        customer_snapshots.loyalty_status,
        greatest(
            datediff(customer_snapshots.snapshot_date, customer_snapshots.observed_from_date), 1
        ) as observed_days,
        datediff(customer_snapshots.snapshot_date, customer_snapshots.signup_date) as tenure_days,
        year(customer_snapshots.snapshot_date) - customer_snapshots.birth_year as age_years,
        customer_snapshots.kids_at_home,
        customer_snapshots.teens_at_home,
        coalesce(cast(customer_snapshots.income as double), income_medians.median_income)
            as income,
        customer_snapshots.income is null as is_income_missing,
        coalesce(transactions_in_window.transaction_count, 0) as transaction_count,
        coalesce(transactions_in_window.purchase_days, 0) as purchase_days,
        coalesce(transactions_in_window.revenue, 0.0) as revenue,
        coalesce(transactions_in_window.discounted_transactions, 0) as discounted_transactions,
        datediff(
            customer_snapshots.snapshot_date,
            coalesce(transactions_in_window.last_purchase_date, customer_snapshots.observed_from_date)
        ) as days_since_last_purchase,
        coalesce(sessions_in_window.session_count, 0) as session_count,
        coalesce(sessions_in_window.pages_viewed, 0) as pages_viewed,
        coalesce(sessions_in_window.duration_seconds, 0) as duration_seconds,
        coalesce(emails_in_window.email_sends, 0) as email_sends,
        coalesce(emails_in_window.email_opens, 0) as email_opens,
        coalesce(emails_in_window.email_clicks, 0) as email_clicks,
        greatest(
            transactions_in_window.last_purchase_date,
            sessions_in_window.last_session_date,
            emails_in_window.last_email_date
        ) as last_event_date
    from customer_snapshots
    cross join income_medians
    left join transactions_in_window
        on
            customer_snapshots.customer_id = transactions_in_window.customer_id
            and customer_snapshots.snapshot_name = transactions_in_window.snapshot_name
    left join sessions_in_window
        on
            customer_snapshots.customer_id = sessions_in_window.customer_id
            and customer_snapshots.snapshot_name = sessions_in_window.snapshot_name
    left join emails_in_window
        on
            customer_snapshots.customer_id = emails_in_window.customer_id
            and customer_snapshots.snapshot_name = emails_in_window.snapshot_name
),

featured as (
    select
        customer_id,
        snapshot_name,
        snapshot_date,
        observed_from_date,
        last_event_date,
        gender,
        loyalty_status,
        observed_days,
        tenure_days,
        age_years,
        kids_at_home,
        teens_at_home,
        income,
        is_income_missing,
        case loyalty_status
            when 'Silver' then 1 when 'Gold' then 2 when 'Platinum' then 3 else 0
        end as loyalty_level,
        cast(30.0 * purchase_days / observed_days as double) as purchase_days_per_30_days,
        cast(30.0 * revenue / observed_days as double) as revenue_per_30_days,
        case when transaction_count > 0 then revenue / transaction_count else 0.0 end
            as average_order_value,
        case
            when transaction_count > 0 then cast(discounted_transactions / transaction_count as double) else 0.0
        end as discounted_share,
        days_since_last_purchase,
        cast(30.0 * session_count / observed_days as double) as sessions_per_30_days,
        case when session_count > 0 then cast(pages_viewed / session_count as double) else 0.0 end
            as pages_per_session,
        cast(duration_seconds / 2.0 / observed_days as double) as session_minutes_per_30_days,
        cast(30.0 * email_sends / observed_days as double) as email_sends_per_30_days,
        case when email_sends > 0 then cast(email_opens / email_sends as double) else 0.0 end as email_open_rate,
        case when email_sends > 0 then cast(email_clicks / email_sends as double) else 0.0 end as email_click_rate
    from joined
)

select * from featured
