with

source as (
    select * from {{ source('synthetic', 'customers') }}
),

loyalty_tiers as (
    select loyalty_status from {{ ref('loyalty_tiers') }}
),

education_levels as (
    select education from {{ ref('education_levels') }}
),

checked as (
    select
        try_cast(source.customer_id as bigint) as customer_id,
        source.gender,
        source.education,
        source.marital_status,
        source.location,
        -- an empty loyalty status means the customer never joined: Basic
        coalesce(source.loyalty_status, 'Basic') as loyalty_status,
        try_cast(source.birth_year as int) as birth_year,
        try_cast(source.income as decimal(18, 2)) as income,
        try_cast(source.kid_home as int) as kids_at_home,
        try_cast(source.teen_home as int) as teens_at_home,
        try_to_date(source.signup_date, 'yyyy-MM-dd') as signup_date,
        to_json(struct(source.*)) as raw_record,
        {{ first_broken_rule([
            ('malformed_line', corrupt_record() ~ ' is not null'),
            ('invalid_encoding', invalid_encoding('source')),
            ('missing_key', 'source.customer_id is null'),
            ('key_not_integer', fails_cast('source.customer_id', 'bigint')),
            ('missing_signup_date', 'source.signup_date is null'),
            ('invalid_signup_date', "try_to_date(source.signup_date, 'yyyy-MM-dd') is null"),
            ('future_signup_date', "try_to_date(source.signup_date, 'yyyy-MM-dd') > current_date()"),
            ('invalid_birth_year', fails_cast('source.birth_year', 'int')
                ~ ' or try_cast(source.birth_year as int) not between 1900 and year(current_date())'),
            ('income_not_numeric', fails_cast('source.income', 'decimal(18, 2)')),
            ('negative_income', 'try_cast(source.income as decimal(18, 2)) < 0'),
            ('unknown_gender', "source.gender not in ('F', 'M')"),
            ('unknown_education', 'source.education is not null and education_levels.education is null'),
            ('unknown_loyalty_status', 'source.loyalty_status is not null and loyalty_tiers.loyalty_status is null'),
        ]) }} as reject_reason
    from source
    left join education_levels
        on source.education = education_levels.education
    left join loyalty_tiers
        on source.loyalty_status = loyalty_tiers.loyalty_status
),

deduplicated as (
    {{ flag_duplicates('checked', 'customer_id', 'raw_record') }}
)

select * from deduplicated
