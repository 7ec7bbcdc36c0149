with

source as (
    select * from {{ source('synthetic', 'releases') }}
),

product_categories as (
    select product_category from {{ ref('product_categories') }}
),

checked as (
    select
        try_cast(source.release_id as bigint) as release_id,
        source.product_category,
        source.title as release_title,
        try_cast(source.is_major as int) = 1 as is_major,
        try_to_date(source.release_date, 'yyyy-MM-dd') as release_date,
        to_json(struct(source.*)) as raw_record,
        {{ first_broken_rule([
            ('malformed_line', corrupt_record() ~ ' is not null'),
            ('invalid_encoding', invalid_encoding('source')),
            ('missing_key', 'source.release_id is null'),
            ('key_not_integer', fails_cast('source.release_id', 'bigint')),
            ('invalid_release_date', "try_to_date(source.release_date, 'yyyy-MM-dd') is null"),
            ('unknown_product_category', 'product_categories.product_category is null'),
            ('invalid_is_major', "coalesce(source.is_major, '') not in ('0', '1')"),
        ]) }} as reject_reason
    from source
    left join product_categories
        on source.product_category = product_categories.product_category
),

deduplicated as (
    {{ flag_duplicates('checked', 'release_id', 'raw_record') }}
)

select * from deduplicated
