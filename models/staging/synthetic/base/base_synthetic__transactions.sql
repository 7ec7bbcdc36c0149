with

source as (
    select * from {{ source('synthetic', 'transactions') }}
),

customers as (
    select customer_id
    from {{ ref('base_synthetic__customers') }}
    where reject_reason is null
),

product_categories as (
    select product_category from {{ ref('product_categories') }}
),

checked as (
    select
        try_cast(source.transaction_id as bigint) as transaction_id,
        try_cast(source.customer_id as bigint) as customer_id,
        try_cast(source.campaign_id as bigint) as campaign_id,
        source.product_category,
        source.channel,
        try_cast(source.amount as decimal(18, 2)) as amount,
        try_cast(source.is_discounted as int) = 1 as is_discounted,
        try_to_timestamp(source.transaction_at, 'yyyy-MM-dd HH:mm:ss') as transaction_at,
        to_json(struct(source.*)) as raw_record,
        {{ first_broken_rule([
            ('malformed_line', corrupt_record() ~ ' is not null'),
            ('invalid_encoding', invalid_encoding('source')),
            ('missing_key', 'source.transaction_id is null'),
            ('key_not_integer', fails_cast('source.transaction_id', 'bigint')),
            ('missing_customer_id', 'source.customer_id is null'),
            ('customer_id_not_integer', fails_cast('source.customer_id', 'bigint')),
            ('unknown_customer', 'customers.customer_id is null'),
            ('invalid_transaction_at', "try_to_timestamp(source.transaction_at, 'yyyy-MM-dd HH:mm:ss') is null"),
            ('future_transaction_at', "try_to_timestamp(source.transaction_at, 'yyyy-MM-dd HH:mm:ss') > current_timestamp()"),
            ('amount_not_numeric', 'try_cast(source.amount as decimal(18, 2)) is null'),
            ('non_positive_amount', 'try_cast(source.amount as decimal(18, 2)) <= 0'),
            ('amount_above_bound', 'try_cast(source.amount as decimal(18, 2)) > '
                ~ var('max_transaction_amount')),
            ('unknown_product_category', 'product_categories.product_category is null'),
            ('unknown_channel', "coalesce(source.channel, '') not in ('web', 'store', 'catalog')"),
            ('invalid_is_discounted', "coalesce(source.is_discounted, '') not in ('0', '1')"),
            ('campaign_id_not_integer', fails_cast('source.campaign_id', 'bigint')),
        ]) }} as reject_reason
    from source
    left join customers
        on try_cast(source.customer_id as bigint) = customers.customer_id
    left join product_categories
        on source.product_category = product_categories.product_category
),

deduplicated as (
    {{ flag_duplicates('checked', 'transaction_id', 'raw_record') }}
)

select * from deduplicated
