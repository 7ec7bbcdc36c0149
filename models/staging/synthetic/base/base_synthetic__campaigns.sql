with

source as (
    select * from {{ source('synthetic', 'campaigns') }}
),

checked as (
    select
        try_cast(source.campaign_id as bigint) as campaign_id,
        source.campaign_name,
        source.channel,
        source.campaign_type,
        try_cast(source.cost_per_contact as decimal(18, 2)) as cost_per_contact,
        try_cast(source.revenue_per_response as decimal(18, 2)) as revenue_per_response,
        try_cast(source.discount_rate as double) as discount_rate,
        try_to_date(source.start_date, 'yyyy-MM-dd') as start_date,
        try_to_date(source.end_date, 'yyyy-MM-dd') as end_date,
        to_json(struct(source.*)) as raw_record,
        {{ first_broken_rule([
            ('malformed_line', corrupt_record() ~ ' is not null'),
            ('invalid_encoding', invalid_encoding('source')),
            ('missing_key', 'source.campaign_id is null'),
            ('key_not_integer', fails_cast('source.campaign_id', 'bigint')),
            ('unknown_channel', "coalesce(source.channel, '') not in ('email', 'voucher', 'catalog')"),
            ('unknown_campaign_type',
                "coalesce(source.campaign_type, '') not in ('newsletter', 'offer', 'holdout_test', 'voucher_test')"),
            ('invalid_start_date', "try_to_date(source.start_date, 'yyyy-MM-dd') is null"),
            ('invalid_end_date', "try_to_date(source.end_date, 'yyyy-MM-dd') is null"),
            ('end_before_start', "try_to_date(source.end_date, 'yyyy-MM-dd') < try_to_date(source.start_date, 'yyyy-MM-dd')"),
            ('cost_not_numeric', fails_cast('source.cost_per_contact', 'decimal(18, 2)')),
            ('revenue_not_numeric', fails_cast('source.revenue_per_response', 'decimal(18, 2)')),
        ]) }} as reject_reason
    from source
),

deduplicated as (
    {{ flag_duplicates('checked', 'campaign_id', 'raw_record') }}
)

select * from deduplicated
