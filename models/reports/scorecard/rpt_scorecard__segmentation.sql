-- Scorecard rows of the customer segmentation (seed 002): recovery of the
-- planted segments (adjusted Rand index from contingency counts), the chosen
-- k and each index's best k against the planted number of segments, and the
-- stability of the chosen k. With a user's own data (no truth) the
-- references are null.
with

assignments as (
    select
        customer_id,
        segment_id,
        gmm_segment_id
    from {{ ref('ml_customers_segment_assignments') }}
),

selection as (
    select * from {{ ref('ml_customers_segment_selection') }}
),

truth_customers as (
    select
        customer_id,
        true_segment
    from {{ ref('stg_truth__customers') }}
),

planted_metrics as (
    select
        metric,
        planted_value
    from {{ ref('stg_truth__planted_metrics') }}
    where analysis = 'segmentation'
),

planted_k as (
    select cast(nullif(count(*), 0) as double) as planted_segments
    from planted_metrics
    where metric like 'segments.counts.%'
),

labelled as (
    select
        assignments.segment_id,
        assignments.gmm_segment_id,
        truth_customers.true_segment
    from assignments
    inner join truth_customers
        on assignments.customer_id = truth_customers.customer_id
),

{%- for model_name, label_column in [('kmeans', 'segment_id'), ('gmm', 'gmm_segment_id')] %}

{{ model_name }}_cells as (
    select
        {{ label_column }} as cluster_id,
        true_segment,
        cast(count(*) as double) as pairs_base
    from labelled
    group by {{ label_column }}, true_segment
),

{{ model_name }}_cluster_sizes as (
    select
        cluster_id,
        sum(pairs_base) as size
    from {{ model_name }}_cells
    group by cluster_id
),

{{ model_name }}_segment_sizes as (
    select
        true_segment,
        sum(pairs_base) as size
    from {{ model_name }}_cells
    group by true_segment
),

{{ model_name }}_pair_sums as (
    select
        (select sum(pairs_base * (pairs_base - 1) / 2) from {{ model_name }}_cells) as index_pairs,
        (select sum(size * (size - 1) / 2) from {{ model_name }}_cluster_sizes) as cluster_pairs,
        (select sum(size * (size - 1) / 2) from {{ model_name }}_segment_sizes) as segment_pairs,
        (select sum(pairs_base) from {{ model_name }}_cells) as customers
),

{{ model_name }}_ari as (
    select
        (
            index_pairs - cluster_pairs * segment_pairs / (customers * (customers - 1) / 2)
        ) / (
            (cluster_pairs + segment_pairs) / 2
            - cluster_pairs * segment_pairs / (customers * (customers - 1) / 2)
        ) as adjusted_rand_index
    from {{ model_name }}_pair_sums
),
{%- endfor %}

recovery_rows as (
    select
        'ari_kmeans_vs_planted_segments' as metric,
        kmeans_ari.adjusted_rand_index as value,
        -- No truth (a user's own data): no rows joined, no reference.
        case when kmeans_ari.adjusted_rand_index is not null then 1.0 end as reference_value,
        'stg_truth__customers.true_segment (planted segments)' as reference_source,
        'value >= 0.9 (segments recovered; issue 5)' as consistency_rule,
        kmeans_ari.adjusted_rand_index >= 0.9 as is_consistent
    from kmeans_ari
    union all
    -- The GMM at the chosen k is the comparison model, not the published one:
    -- its recovery is reported as a diagnostic (MLlib's EM from a random start
    -- merges and splits planted segments; see docs/segmentation.md).
    select
        'ari_gmm_vs_planted_segments' as metric,
        gmm_ari.adjusted_rand_index as value,
        cast(null as double) as reference_value,
        'diagnostic, not judged (comparison model)' as reference_source,
        'none' as consistency_rule,
        cast(null as boolean) as is_consistent
    from gmm_ari
),

best_k as (
    select
        'chosen_k' as metric,
        max(case when is_chosen then k end) as best
    from selection
    {%- for column, direction, algorithm in [
        ('silhouette', 'desc', 'kmeans'),
        ('davies_bouldin', 'asc', 'kmeans'),
        ('calinski_harabasz', 'desc', 'kmeans'),
        ('bic', 'asc', 'gmm'),
    ] %}
    union all
    select
        '{{ algorithm }}_best_k_by_{{ column }}' as metric,
        max_by(k, {% if direction == 'asc' %}-{% endif %}{{ column }}) as best
    from selection
    where algorithm = '{{ algorithm }}' and {{ column }} is not null
    {%- endfor %}
),

k_rows as (
    -- chosen_k is judged against the planted number of segments; the best k of
    -- each single index is a diagnostic (not judged: a single index can prefer
    -- a neighbouring k, which is why the selection rule weighs stability).
    select
        best_k.metric,
        cast(best_k.best as double) as value,
        case when best_k.metric = 'chosen_k' then planted_k.planted_segments end
            as reference_value,
        case
            when best_k.metric = 'chosen_k'
                then 'stg_truth__planted_metrics (number of planted segments)'
            else 'diagnostic, not judged'
        end as reference_source,
        case when best_k.metric = 'chosen_k' then 'equal' else 'none' end as consistency_rule,
        cast(best_k.best as double) = planted_k.planted_segments as is_consistent
    from best_k
    cross join planted_k
),

stability_rows as (
    select
        'stability_ari_at_chosen_k' as metric,
        stability_ari as value,
        cast({{ var('segmentation_min_stability') }} as double) as reference_value,
        'var segmentation_min_stability' as reference_source,
        'value >= reference (bootstrap ARI, mean of n_bootstrap subsamples)' as consistency_rule,
        stability_ari >= {{ var('segmentation_min_stability') }} as is_consistent
    from selection
    where is_chosen
),

unioned as (
    select * from recovery_rows
    union all
    select * from k_rows
    union all
    select * from stability_rows
),

final as (
    select
        'segmentation' as analysis,
        'synthetic' as dataset,
        metric,
        cast(value as double) as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        cast(reference_value as double) as reference_value,
        reference_source,
        consistency_rule,
        case when reference_value is not null then is_consistent end as is_consistent
    from unioned
)

select * from final
