-- One row per customer randomized in an e-mail holdout campaign per day of
-- the campaign window, with the customer's arm, the grid features of the day
-- and the e-mails the campaign sent to the treatment arm in the 3 days up to
-- and including the day (the extra exposure of treatment over control).
with

campaigns as (
    select
        campaign_id,
        start_date,
        end_date
    from {{ ref('stg_synthetic__campaigns') }}
    where campaign_type = 'holdout_test'
),

assignments as (
    select
        campaign_id,
        customer_id,
        arm
    from {{ ref('stg_synthetic__campaign_assignments') }}
),

email_events as (
    select
        campaign_id,
        event_at
    from {{ ref('stg_synthetic__email_events') }}
    where event_type = 'send'
),

customer_days as (
    select * from {{ ref('fct_customer_day_features') }}
),

send_dates as (
    select distinct
        email_events.campaign_id,
        to_date(email_events.event_at) as send_date
    from email_events
    inner join campaigns
        on email_events.campaign_id = campaigns.campaign_id
),

window_days as (
    select
        campaigns.campaign_id,
        assignments.customer_id,
        assignments.arm,
        customer_days.calendar_date,
        customer_days.is_purchase_day,
        customer_days.amount,
        customer_days.log_days_since_last_purchase_or_signup,
        customer_days.loyalty_level,
        customer_days.is_release_day,
        customer_days.has_release_in_previous_7_days,
        customer_days.is_weekend,
        customer_days.emails_received_last_3_days
    from campaigns
    inner join assignments
        on campaigns.campaign_id = assignments.campaign_id
    inner join customer_days
        on
            assignments.customer_id = customer_days.customer_id
            and customer_days.calendar_date between campaigns.start_date and campaigns.end_date
),

extra_exposure as (
    select
        window_days.campaign_id,
        window_days.customer_id,
        window_days.calendar_date,
        count(send_dates.send_date) as treatment_extra_emails_last_3_days
    from window_days
    left join send_dates
        on
            window_days.campaign_id = send_dates.campaign_id
            and send_dates.send_date between date_sub(window_days.calendar_date, 2) and window_days.calendar_date
    group by window_days.campaign_id, window_days.customer_id, window_days.calendar_date
),

final as (
    select
        window_days.*,
        cast(extra_exposure.treatment_extra_emails_last_3_days as int) as treatment_extra_emails_last_3_days
    from window_days
    inner join extra_exposure
        on
            window_days.campaign_id = extra_exposure.campaign_id
            and window_days.customer_id = extra_exposure.customer_id
            and window_days.calendar_date = extra_exposure.calendar_date
)

select * from final
