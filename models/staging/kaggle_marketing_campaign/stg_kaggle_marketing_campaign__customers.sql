-- The Kaggle marketing-campaign file, parsed from its text lines: the separator
-- (tab, semicolon or comma) is detected from the header line, columns are
-- found by their names in the header, a UTF-8 BOM, CR line ends and quotes
-- around values are stripped, dates are read as yyyy-MM-dd or dd-MM-yyyy and
-- binary flags as 0/1, yes/no or true/false. A file that does not fit stops
-- the run with an error naming the problem (missing header or columns, no
-- separator, a line with the wrong number of fields, an unparseable value).
{% set columns = [
    ('ID', 'customer_id', 'bigint'),
    ('Year_Birth', 'birth_year', 'int'),
    ('Education', 'education', 'string'),
    ('Marital_Status', 'marital_status', 'string'),
    ('Income', 'income', 'decimal(18, 2)'),
    ('Kidhome', 'kids_at_home', 'int'),
    ('Teenhome', 'teens_at_home', 'int'),
    ('Dt_Customer', 'customer_since_date', 'date'),
    ('Recency', 'recency_days', 'int'),
    ('MntWines', 'mnt_wines', 'decimal(18, 2)'),
    ('MntFruits', 'mnt_fruits', 'decimal(18, 2)'),
    ('MntMeatProducts', 'mnt_meat_products', 'decimal(18, 2)'),
    ('MntFishProducts', 'mnt_fish_products', 'decimal(18, 2)'),
    ('MntSweetProducts', 'mnt_sweet_products', 'decimal(18, 2)'),
    ('MntGoldProds', 'mnt_gold_products', 'decimal(18, 2)'),
    ('NumDealsPurchases', 'num_deals_purchases', 'int'),
    ('NumWebPurchases', 'num_web_purchases', 'int'),
    ('NumCatalogPurchases', 'num_catalog_purchases', 'int'),
    ('NumStorePurchases', 'num_store_purchases', 'int'),
    ('NumWebVisitsMonth', 'num_web_visits_month', 'int'),
    ('AcceptedCmp1', 'accepted_cmp1', 'flag'),
    ('AcceptedCmp2', 'accepted_cmp2', 'flag'),
    ('AcceptedCmp3', 'accepted_cmp3', 'flag'),
    ('AcceptedCmp4', 'accepted_cmp4', 'flag'),
    ('AcceptedCmp5', 'accepted_cmp5', 'flag'),
    ('Complain', 'complain', 'flag'),
    ('Z_CostContact', 'z_cost_contact', 'decimal(18, 2)'),
    ('Z_Revenue', 'z_revenue', 'decimal(18, 2)'),
    ('Response', 'response', 'flag'),
] -%}
{%- set file_name = var('kaggle_marketing_campaign_file', 'marketing_campaign.csv') -%}
{%- set true_values = "('1', '1.0', 'yes', 'y', 'true', 't')" -%}
{%- set problems = {
    'date': 'is not a date (yyyy-MM-dd or dd-MM-yyyy)',
    'flag': 'is not 0/1, yes/no or true/false',
} -%}
{%- set false_values = "('0', '0.0', 'no', 'n', 'false', 'f')" -%}

with

source as (
    select value
    from {{ source('kaggle_marketing_campaign', 'marketing_campaign_lines') }}
),

lines as (
    -- a UTF-8 BOM (first line) and a CR left by CRLF line ends are not data
    select regexp_replace(value, '[\\r\\x{FEFF}]', '') as line
    from source
),

non_blank_lines as (
    select
        line,
        line rlike '^"?ID"?[^A-Za-z0-9_]' as is_header
    from lines
    where trim(line) != ''
),

header as (
    -- one row even when no header is found, so that the check below can fail
    select
        max(case when is_header then line end) as header_line,
        count_if(is_header) as header_lines
    from non_blank_lines
),

header_split as (
    select
        *,
        size(split(header_line, chr(9))) as tab_fields,
        size(split(header_line, ';')) as semicolon_fields,
        size(split(header_line, ',')) as comma_fields
    from header
),

separator_detected as (
    select
        header_line,
        header_lines,
        -- The separator that splits the header into the most fields, so that a
        -- header with a column missing still names the missing column below.
        case
            when greatest(tab_fields, semicolon_fields, comma_fields) < 2 then null
            when tab_fields >= greatest(semicolon_fields, comma_fields) then chr(9)
            when semicolon_fields >= comma_fields then ';'
            else ','
        end as separator
    from header_split
),

header_parsed as (
    select
        *,
        transform(
            split(header_line, separator, -1), field -> trim(both '"' from trim(field))
        ) as header_fields,
        array(
            {%- for kaggle_name, name, type in columns %}
            '{{ kaggle_name }}'{{ ',' if not loop.last }}
            {%- endfor %}
        ) as expected_columns
    from separator_detected
),

file_checked as (
    select
        *,
        case
            when header_lines = 0 then
                'kaggle_marketing_campaign ({{ file_name }}): no header line starting with ID'
            when header_lines > 1 then
                'kaggle_marketing_campaign ({{ file_name }}): ' || header_lines || ' header lines'
            when separator is null then
                'kaggle_marketing_campaign ({{ file_name }}): the header is one field on tab, '
                || 'semicolon and comma: ' || left(header_line, 200)
            when size(filter(
                expected_columns,
                expected_name -> not array_contains(header_fields, expected_name)
            )) > 0 then
                'kaggle_marketing_campaign ({{ file_name }}): columns missing from the header: '
                || array_join(filter(
                    expected_columns,
                    expected_name -> not array_contains(header_fields, expected_name)
                ), ', ')
        end as file_problem
    from header_parsed
),

data_lines as (
    select
        file_checked.file_problem,
        file_checked.header_fields,
        transform(
            split(non_blank_lines.line, file_checked.separator, -1), field -> trim(both '"' from trim(field))
        ) as fields
    from non_blank_lines
    cross join file_checked
    where not non_blank_lines.is_header
),

fields_named as (
    select
        file_problem,
        size(fields) as field_count,
        size(header_fields) as header_field_count,
        {%- for kaggle_name, name, type in columns %}
        nullif(
            element_at(fields, nullif(array_position(header_fields, '{{ kaggle_name }}'), 0)::int), ''
        ) as {{ name }}_text
        {{- ',' if not loop.last }}
        {%- endfor %}
    from data_lines
),

typed as (
    select
        *,
        {%- for kaggle_name, name, type in columns %}
        {%- if type == 'string' %}
        {{ name }}_text as {{ name }}_value,
        {%- elif type == 'date' %}
        case
            when {{ name }}_text rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
                then try_to_date({{ name }}_text, 'yyyy-MM-dd')
            when {{ name }}_text rlike '^[0-9]{2}-[0-9]{2}-[0-9]{4}$'
                then try_to_date({{ name }}_text, 'dd-MM-yyyy')
        end as {{ name }}_value,
        {%- elif type == 'flag' %}
        case
            when lower({{ name }}_text) in {{ true_values }} then 1
            when lower({{ name }}_text) in {{ false_values }} then 0
        end as {{ name }}_value,
        {%- else %}
        try_cast({{ name }}_text as {{ type }}) as {{ name }}_value,
        {%- endif %}
        {%- endfor %}
        (0
            {%- for kaggle_name, name, type in columns if type == 'flag' %}
            + case when {{ name }}_text not in ('0', '1') then 1 else 0 end
            {%- endfor %}
        ) as non_canonical_flag_values
    from fields_named
),

row_checked as (
    select
        *,
        nullif(concat_ws('; ',
            case
                when field_count != header_field_count
                    then 'the line has ' || field_count || ' fields, the header ' || header_field_count
            end,
            case when customer_id_text is null then 'ID is empty' end,
            {%- for kaggle_name, name, type in columns if type != 'string' %}
            case
                when {{ name }}_text is not null and {{ name }}_value is null
                    then '{{ kaggle_name }} {{ problems[type] | default("is not a number") }}: '
                    || {{ name }}_text
            end
            {{- ',' if not loop.last }}
            {%- endfor %}
        ), '') as row_problem
    from typed
),

renamed as (
    select
        -- ids (a file that does not fit stops the run here, naming the problem)
        case
            when file_problem is not null then raise_error(file_problem)
            when row_problem is not null then raise_error(
                'kaggle_marketing_campaign ({{ file_name }}), ID ' || coalesce(customer_id_text, '?')
                || ': ' || row_problem
            )
            else customer_id_value
        end as customer_id,
        -- strings
        education_value as education,
        marital_status_value as marital_status,
        -- numerics
        birth_year_value as birth_year,
        income_value as income,
        kids_at_home_value as kids_at_home,
        teens_at_home_value as teens_at_home,
        recency_days_value as recency_days,
        mnt_wines_value as mnt_wines,
        mnt_fruits_value as mnt_fruits,
        mnt_meat_products_value as mnt_meat_products,
        mnt_fish_products_value as mnt_fish_products,
        mnt_sweet_products_value as mnt_sweet_products,
        mnt_gold_products_value as mnt_gold_products,
        num_deals_purchases_value as num_deals_purchases,
        num_web_purchases_value as num_web_purchases,
        num_catalog_purchases_value as num_catalog_purchases,
        num_store_purchases_value as num_store_purchases,
        num_web_visits_month_value as num_web_visits_month,
        z_cost_contact_value as z_cost_contact,
        z_revenue_value as z_revenue,
        -- flags (0/1)
        accepted_cmp1_value as accepted_cmp1,
        accepted_cmp2_value as accepted_cmp2,
        accepted_cmp3_value as accepted_cmp3,
        accepted_cmp4_value as accepted_cmp4,
        accepted_cmp5_value as accepted_cmp5,
        complain_value as complain,
        response_value as response,
        non_canonical_flag_values,
        -- dates
        customer_since_date_value as customer_since_date
    from row_checked
)

select * from renamed
