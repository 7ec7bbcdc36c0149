-- E-mail engagement per customer: e-mails received, opened and clicked.
with

email_events as (
    select
        customer_id,
        event_type
    from {{ ref('stg_synthetic__email_events') }}
),

aggregated as (
    select
        customer_id,
        count_if(event_type = 'send') as emails_received,
        count_if(event_type = 'open') as emails_opened,
        count_if(event_type = 'click') as emails_clicked
    from email_events
    group by customer_id
)

select * from aggregated
