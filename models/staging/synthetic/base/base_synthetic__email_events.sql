with

source as (
    select * from {{ source('synthetic', 'email_events') }}
),

customers as (
    select customer_id
    from {{ ref('base_synthetic__customers') }}
    where reject_reason is null
),

checked as (
    select
        try_cast(source.event_id as bigint) as email_event_id,
        try_cast(source.campaign_id as bigint) as campaign_id,
        try_cast(source.customer_id as bigint) as customer_id,
        source.event_type,
        try_to_timestamp(source.event_at, 'yyyy-MM-dd HH:mm:ss') as event_at,
        to_json(struct(source.*)) as raw_record,
        {{ first_broken_rule([
            ('malformed_line', corrupt_record() ~ ' is not null'),
            ('invalid_encoding', invalid_encoding('source')),
            ('missing_key', 'source.event_id is null'),
            ('key_not_integer', fails_cast('source.event_id', 'bigint')),
            ('campaign_id_not_integer', 'try_cast(source.campaign_id as bigint) is null'),
            ('customer_id_not_integer', 'try_cast(source.customer_id as bigint) is null'),
            ('unknown_customer', 'customers.customer_id is null'),
            ('unknown_event_type', "coalesce(source.event_type, '') not in ('send', 'open', 'click')"),
            ('invalid_event_at', "try_to_timestamp(source.event_at, 'yyyy-MM-dd HH:mm:ss') is null"),
            ('future_event_at', "try_to_timestamp(source.event_at, 'yyyy-MM-dd HH:mm:ss') > current_timestamp()"),
        ]) }} as reject_reason
    from source
    left join customers
        on try_cast(source.customer_id as bigint) = customers.customer_id
),

deduplicated as (
    {{ flag_duplicates('checked', 'email_event_id', 'raw_record') }}
)

select * from deduplicated
