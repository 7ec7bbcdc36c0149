-- The voucher A/B test and the windows derived from it: the test window (the
-- campaign's dates unless the uplift_test_* vars override them), the feature
-- window before it and the snapshot date of the next campaign (the day after
-- the last transaction in the data).
with

campaigns as (
    select
        campaign_id,
        campaign_type,
        start_date,
        end_date,
        cost_per_contact
    from {{ ref('stg_synthetic__campaigns') }}
),

transactions as (
    select transaction_at from {{ ref('stg_synthetic__transactions') }}
),

data_span as (
    select
        min(to_date(transaction_at)) as first_data_date,
        max(to_date(transaction_at)) as last_data_date
    from transactions
),

voucher_campaigns as (
    select
        campaign_id,
        start_date,
        end_date,
        cost_per_contact,
        row_number() over (order by start_date desc, campaign_id desc) as recency_rank
    from campaigns
    where campaign_type = '{{ var('uplift_campaign_type') | replace("'", '') | replace('\\', '') }}'
),

latest_voucher_campaign as (
    select * from voucher_campaigns
    where recency_rank = 1
),

windowed as (
    select
        latest_voucher_campaign.campaign_id,
        latest_voucher_campaign.cost_per_contact,
        {% if var('uplift_test_start_date') %}
            to_date('{{ var('uplift_test_start_date') | replace("'", '') | replace('\\', '') }}') as test_start_date,
        {% else %}
            latest_voucher_campaign.start_date as test_start_date,
        {% endif %}
        {% if var('uplift_test_end_date') %}
            to_date('{{ var('uplift_test_end_date') | replace("'", '') | replace('\\', '') }}') as test_end_date,
        {% else %}
            latest_voucher_campaign.end_date as test_end_date,
        {% endif %}
        data_span.first_data_date,
        data_span.last_data_date
    from latest_voucher_campaign
    cross join data_span
),

resolved as (
    select
        campaign_id,
        test_start_date,
        test_end_date,
        greatest(
            date_sub(test_start_date, {{ var('uplift_feature_window_days') | int }}),
            first_data_date
        ) as feature_start_date,
        date_add(last_data_date, 1) as next_campaign_date,
        first_data_date,
        last_data_date,
        cast(cost_per_contact as double) as cost_per_contact
    from windowed
)

select * from resolved
