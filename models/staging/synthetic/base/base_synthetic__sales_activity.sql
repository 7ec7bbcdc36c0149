{%- set spend_values = [] -%}
{%- for column in var('sales_spend_columns') -%}
    {%- do spend_values.append('try_cast(source.' ~ column ~ ' as decimal(18, 2))') -%}
{%- endfor -%}

with

source as (
    select * from {{ source('synthetic', 'sales_activity') }}
),

checked as (
    select
        try_cast(source.client_id as bigint) as client_id,
        source.client_type,
        source.number_of_competition as competition_level,
        try_cast(source.number_of_customers as int) as number_of_customers,
        try_cast(source.monthly_target as decimal(18, 2)) as monthly_target,
        try_cast(source.amount_collected as decimal(18, 2)) as amount_collected,
        try_cast(source.units_sold as int) as units_sold,
        {%- for channel in var('sales_spend_columns') %}
        try_cast(source.{{ channel }} as decimal(18, 2)) as {{ channel }},
        {%- endfor %}
        try_to_date(source.month, 'yyyy-MM-dd') as month_start_date,
        to_json(struct(source.*)) as raw_record,
        {{ first_broken_rule([
            ('malformed_line', corrupt_record() ~ ' is not null'),
            ('invalid_encoding', invalid_encoding('source')),
            ('client_id_not_integer', 'try_cast(source.client_id as bigint) is null'),
            ('invalid_month', "try_to_date(source.month, 'yyyy-MM-dd') is null"),
            ('unknown_client_type',
                "coalesce(source.client_type, '') not in "
                ~ "('Large Facility', 'Medium Facility', 'Small Facility', 'Private Facility')"),
            ('unknown_competition_level', "coalesce(source.number_of_competition, '') not in ('Low', 'Medium', 'High')"),
            ('amount_not_numeric', 'try_cast(source.amount_collected as decimal(18, 2)) is null'),
            ('negative_spend', 'least(' ~ spend_values | join(', ') ~ ') < 0'),
        ]) }} as reject_reason
    from source
),

deduplicated as (
    {{ flag_duplicates('checked', 'client_id, month_start_date', 'raw_record') }}
)

select * from deduplicated
