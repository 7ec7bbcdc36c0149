-- Browsing behaviour per customer: sessions, pages viewed and time on site.
with

web_sessions as (
    select
        customer_id,
        pages_viewed,
        duration_seconds
    from {{ ref('stg_synthetic__web_sessions') }}
),

aggregated as (
    select
        customer_id,
        count(*) as sessions_count,
        sum(pages_viewed) as pages_viewed,
        sum(cast(duration_seconds as double)) as session_duration_seconds
    from web_sessions
    group by customer_id
)

select * from aggregated
