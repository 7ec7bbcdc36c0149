with

source as (
    select * from {{ source('synthetic', 'web_sessions') }}
),

customers as (
    select customer_id
    from {{ ref('base_synthetic__customers') }}
    where reject_reason is null
),

checked as (
    select
        try_cast(source.session_id as bigint) as web_session_id,
        try_cast(source.customer_id as bigint) as customer_id,
        try_cast(source.pages_viewed as int) as pages_viewed,
        try_cast(source.duration_seconds as int) as duration_seconds,
        try_to_timestamp(source.session_start_at, 'yyyy-MM-dd HH:mm:ss') as session_started_at,
        to_json(struct(source.*)) as raw_record,
        {{ first_broken_rule([
            ('malformed_line', corrupt_record() ~ ' is not null'),
            ('invalid_encoding', invalid_encoding('source')),
            ('missing_key', 'source.session_id is null'),
            ('key_not_integer', fails_cast('source.session_id', 'bigint')),
            ('customer_id_not_integer', 'try_cast(source.customer_id as bigint) is null'),
            ('unknown_customer', 'customers.customer_id is null'),
            ('invalid_session_start_at', "try_to_timestamp(source.session_start_at, 'yyyy-MM-dd HH:mm:ss') is null"),
            ('future_session_start_at', "try_to_timestamp(source.session_start_at, 'yyyy-MM-dd HH:mm:ss') > current_timestamp()"),
            ('invalid_pages_viewed', 'coalesce(try_cast(source.pages_viewed as int), 0) < 1'),
            ('invalid_duration_seconds', 'coalesce(try_cast(source.duration_seconds as int), 0) < 1'),
        ]) }} as reject_reason
    from source
    left join customers
        on try_cast(source.customer_id as bigint) = customers.customer_id
),

deduplicated as (
    {{ flag_duplicates('checked', 'web_session_id', 'raw_record') }}
)

select * from deduplicated
