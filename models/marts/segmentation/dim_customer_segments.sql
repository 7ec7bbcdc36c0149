-- Segment profiles for BI: one row per K-Means segment with its size, the
-- means and spreads of the customer-360 measures, loyalty and education mix,
-- the most common preferred category and a readable label.
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

profiles as (
    select
        segment_id,
        count(*) as customers,
        avg(total_spend) as average_total_spend,
        stddev_samp(total_spend) as stddev_total_spend,
        avg(transactions_count) as average_transactions_count,
        stddev_samp(transactions_count) as stddev_transactions_count,
        avg(average_transaction_value) as average_transaction_value,
        stddev_samp(average_transaction_value) as stddev_transaction_value,
        avg(recency_days) as average_recency_days,
        stddev_samp(recency_days) as stddev_recency_days,
        avg(emails_opened) as average_emails_opened,
        avg(emails_clicked) as average_emails_clicked,
        avg(engagement_score) as average_engagement_score,
        stddev_samp(engagement_score) as stddev_engagement_score,
        avg(sessions_count) as average_sessions_count,
        avg(pages_viewed) as average_pages_viewed,
        avg(session_duration_seconds) as average_session_duration_seconds,
        avg(behavioural_score) as average_behavioural_score,
        stddev_samp(behavioural_score) as stddev_behavioural_score,
        avg(income_imputed) as average_income,
        stddev_samp(income_imputed) as stddev_income,
        avg(age) as average_age,
        avg(loyalty_rank) as average_loyalty_rank,
        avg(case when loyalty_rank >= 2 then 1.0d else 0.0d end) as share_gold_or_platinum,
        avg(education_rank) as average_education_rank,
        avg(lifetime_value) as average_lifetime_value
    from segmented
    group by segment_id
),

category_counts as (
    select
        segment_id,
        preferred_category,
        count(*) as customers
    from segmented
    where preferred_category is not null
    group by segment_id, preferred_category
),

top_categories as (
    select
        segment_id,
        preferred_category as top_preferred_category,
        customers / sum(customers) over (partition by segment_id) as top_preferred_category_share,
        row_number() over (
            partition by segment_id order by customers desc, preferred_category asc
        ) as category_rank
    from category_counts
),

overall as (
    select
        count(*) as all_customers,
        avg(total_spend) as overall_total_spend,
        avg(engagement_score) as overall_engagement_score,
        avg(behavioural_score) as overall_behavioural_score,
        avg(transactions_count) as overall_transactions_count
    from segmented
),

ranked as (
    select
        profiles.*,
        top_categories.top_preferred_category,
        top_categories.top_preferred_category_share,
        profiles.customers / overall.all_customers as customer_share,
        profiles.average_total_spend / overall.overall_total_spend as spend_index,
        profiles.average_engagement_score / overall.overall_engagement_score as engagement_index,
        profiles.average_behavioural_score / overall.overall_behavioural_score as browsing_index,
        profiles.average_transactions_count / overall.overall_transactions_count as frequency_index,
        rank() over (order by profiles.average_total_spend desc) as spend_rank,
        rank() over (order by profiles.average_behavioural_score desc) as browsing_rank,
        rank() over (order by profiles.average_transactions_count asc) as inactivity_rank
    from profiles
    cross join overall
    left join top_categories
        on
            profiles.segment_id = top_categories.segment_id
            and top_categories.category_rank = 1
),

labelled as (
    select
        *,
        -- Persona: the least active segment is dormant; the top spender the
        -- premium one; the heaviest browser the digital one; others value.
        case
            when inactivity_rank = 1 and frequency_index < 0.5 then 'Dormant / at risk'
            when spend_rank = 1 then 'Premium loyalists'
            when browsing_rank = 1 then 'Digital browsers'
            else 'Value shoppers'
        end as segment_persona,
        concat_ws(
            ', ',
            case
                when spend_index >= 1.25 then 'high spend'
                when spend_index <= 0.75 then 'low spend'
                else 'average spend'
            end,
            case
                when engagement_index >= 1.25 then 'engaged by e-mail'
                when engagement_index <= 0.75 then 'rarely opens e-mail'
                else 'average e-mail engagement'
            end,
            case
                when browsing_index >= 1.25 then 'heavy web use'
                when browsing_index <= 0.75 then 'light web use'
                else 'average web use'
            end
        ) as segment_description
    from ranked
),

final as (
    select
        segment_id,
        concat(segment_persona, ' (segment ', segment_id, ')') as segment_label,
        segment_persona,
        segment_description,
        customers,
        customer_share,
        average_total_spend,
        stddev_total_spend,
        average_transactions_count,
        stddev_transactions_count,
        average_transaction_value,
        stddev_transaction_value,
        average_recency_days,
        stddev_recency_days,
        average_emails_opened,
        average_emails_clicked,
        average_engagement_score,
        stddev_engagement_score,
        average_sessions_count,
        average_pages_viewed,
        average_session_duration_seconds,
        average_behavioural_score,
        stddev_behavioural_score,
        average_income,
        stddev_income,
        average_age,
        average_loyalty_rank,
        share_gold_or_platinum,
        average_education_rank,
        average_lifetime_value,
        top_preferred_category,
        top_preferred_category_share,
        spend_index,
        engagement_index,
        browsing_index,
        frequency_index
    from labelled
)

select * from final
