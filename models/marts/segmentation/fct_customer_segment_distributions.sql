-- Categorical mix of each segment (education, loyalty, preferred category,
-- gender, marital status, location) in long form for BI.
{%- set attributes = [
    'education', 'loyalty_status', 'preferred_category',
    'gender', 'marital_status', 'location',
] %}
with

customers as (
    select * from {{ ref('dim_customers_360') }}
),

assignments as (
    select
        customer_id,
        segment_id
    from {{ ref('ml_customers_segment_assignments') }}
),

segmented as (
    select
        assignments.segment_id,
        customers.*
    from customers
    inner join assignments
        on customers.customer_id = assignments.customer_id
),

long_form as (
    {%- for attribute in attributes %}
    select
        segment_id,
        '{{ attribute }}' as attribute,
        coalesce(cast({{ attribute }} as string), '(none)') as attribute_value
    from segmented
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

counted as (
    select
        segment_id,
        attribute,
        attribute_value,
        count(*) as customers
    from long_form
    group by segment_id, attribute, attribute_value
),

shared as (
    select
        segment_id,
        attribute,
        attribute_value,
        customers,
        customers / sum(customers) over (partition by segment_id, attribute) as share_of_segment
    from counted
)

select * from shared
