with

source as (
    select * from {{ source('synthetic', 'campaign_assignments') }}
),

customers as (
    select customer_id
    from {{ ref('base_synthetic__customers') }}
    where reject_reason is null
),

campaigns as (
    select campaign_id
    from {{ ref('base_synthetic__campaigns') }}
    where reject_reason is null
),

checked as (
    select
        try_cast(source.campaign_id as bigint) as campaign_id,
        try_cast(source.customer_id as bigint) as customer_id,
        source.arm,
        try_to_date(source.assigned_at, 'yyyy-MM-dd') as assigned_date,
        to_json(struct(source.*)) as raw_record,
        {{ first_broken_rule([
            ('malformed_line', corrupt_record() ~ ' is not null'),
            ('invalid_encoding', invalid_encoding('source')),
            ('campaign_id_not_integer', 'try_cast(source.campaign_id as bigint) is null'),
            ('customer_id_not_integer', 'try_cast(source.customer_id as bigint) is null'),
            ('unknown_campaign', 'campaigns.campaign_id is null'),
            ('unknown_customer', 'customers.customer_id is null'),
            ('unknown_arm', "coalesce(source.arm, '') not in ('treatment', 'control')"),
            ('invalid_assigned_at', "try_to_date(source.assigned_at, 'yyyy-MM-dd') is null"),
        ]) }} as reject_reason
    from source
    left join customers
        on try_cast(source.customer_id as bigint) = customers.customer_id
    left join campaigns
        on try_cast(source.campaign_id as bigint) = campaigns.campaign_id
),

deduplicated as (
    {{ flag_duplicates('checked', 'campaign_id, customer_id', 'raw_record') }}
)

select * from deduplicated
