-- The feature mart of the customer-day grid for BI and the purchase models:
-- one row per customer per day, model-ready columns included.
with

customer_days as (
    select * from {{ ref('int_customer_days_windowed') }}
),

final as (
    select
        customer_id,
        calendar_date,
        is_purchase_day,
        transactions_today,
        amount,
        emails_received_today,
        emails_received_last_3_days,
        emails_received_last_7_days,
        emails_received_last_14_days,
        emails_opened_previous_7_days,
        emails_clicked_previous_7_days,
        web_sessions_previous_7_days,
        transactions_previous_30_days,
        transactions_previous_90_days,
        spend_previous_30_days,
        spend_previous_90_days,
        days_since_last_purchase,
        days_since_last_purchase_or_signup,
        cast(ln(1 + days_since_last_purchase_or_signup) as double) as log_days_since_last_purchase_or_signup,
        days_since_last_email,
        tenure_days,
        loyalty_status,
        loyalty_level,
        day_of_week,
        is_weekend,
        is_release_day,
        releases_in_previous_7_days,
        has_release_in_previous_7_days
    from customer_days
)

select * from final
