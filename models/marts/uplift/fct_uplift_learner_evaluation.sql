-- Headline evaluation of every uplift learner on its held-out experiment units:
-- Qini coefficient (area between the Qini curve and random targeting), AUUC,
-- uplift@10/20/30%, the Qini coefficient as a share of the oracle's (synthetic
-- company), the share the learner selects and, where the planted truth exists,
-- the share of true persuadables among its top 20%. Values on the original
-- sample; 95% CIs are percentiles of the paired Poisson bootstrap.
with

curves as (
    select * from {{ ref('int_uplift_curves_bootstrapped') }}
),

scores as (
    select
        dataset,
        outcome,
        learner,
        unit_id,
        uplift_score,
        true_uplift_type
    from {{ ref('int_uplift_scores_unioned') }}
    where population = 'experiment' and split = 'holdout'
),

curve_segments as (
    select
        dataset,
        outcome,
        learner,
        replicate,
        percentile_bin,
        depth,
        qini,
        uplift_gain,
        treated_rate,
        control_rate,
        depth - lag(depth) over curve_window as segment_width,
        qini - depth * max(case when percentile_bin = 100 then qini end) over replicate_window
            as qini_above_random,
        lag(qini) over curve_window
        - lag(depth) over curve_window
        * max(case when percentile_bin = 100 then qini end) over replicate_window
            as previous_qini_above_random,
        lag(uplift_gain) over curve_window as previous_uplift_gain
    from curves
    window
        curve_window as (
            partition by dataset, outcome, learner, replicate order by percentile_bin
        ),
        replicate_window as (partition by dataset, outcome, learner, replicate)
),

replicate_metrics as (
    select
        dataset,
        outcome,
        learner,
        replicate,
        sum(segment_width * (qini_above_random + previous_qini_above_random) / 2.0)
            as qini_coefficient,
        sum(segment_width * (uplift_gain + previous_uplift_gain) / 2.0) as auuc,
        max(case when percentile_bin = 10 then treated_rate - control_rate end)
            as uplift_at_10_percent,
        max(case when percentile_bin = 20 then treated_rate - control_rate end)
            as uplift_at_20_percent,
        max(case when percentile_bin = 30 then treated_rate - control_rate end)
            as uplift_at_30_percent,
        max(case when percentile_bin = 100 then treated_rate - control_rate end)
            as average_treatment_effect
    from curve_segments
    group by dataset, outcome, learner, replicate
),

with_oracle as (
    select
        replicate_metrics.*,
        replicate_metrics.qini_coefficient / nullif(oracle.qini_coefficient, 0)
            as qini_share_of_oracle
    from replicate_metrics
    left join replicate_metrics as oracle
        on
            replicate_metrics.dataset = oracle.dataset
            and replicate_metrics.outcome = oracle.outcome
            and replicate_metrics.replicate = oracle.replicate
            and oracle.learner = 'oracle'
),

long_metrics as (
    select
        dataset,
        outcome,
        learner,
        replicate,
        metric,
        value
    from with_oracle
    lateral view stack(
        6,
        'qini_coefficient', qini_coefficient,
        'auuc', auuc,
        'uplift_at_10_percent', uplift_at_10_percent,
        'uplift_at_20_percent', uplift_at_20_percent,
        'uplift_at_30_percent', uplift_at_30_percent,
        'qini_share_of_oracle', qini_share_of_oracle
    ) as metric, value
),

summarized as (
    select
        dataset,
        outcome,
        learner,
        metric,
        max(case when replicate = 0 then value end) as value,
        percentile(case when replicate > 0 then value end, 0.025) as ci_lower,
        percentile(case when replicate > 0 then value end, 0.975) as ci_upper,
        cast(count(case when replicate > 0 then value end) as bigint) as bootstrap_replicates
    from long_metrics
    group by dataset, outcome, learner, metric
),

ranked_scores as (
    select
        *,
        percent_rank() over (
            partition by dataset, outcome, learner
            order by uplift_score desc, xxhash64(unit_id, {{ var('uplift_seed') | int }})
        ) as score_rank
    from scores
),

selection_metrics as (
    select
        dataset,
        outcome,
        learner,
        'selected_share' as metric,
        avg(case when uplift_score > 0 then 1.0 else 0.0 end) as value
    from scores
    group by dataset, outcome, learner
    union all
    select
        dataset,
        outcome,
        learner,
        'persuadable_precision_at_20_percent' as metric,
        avg(case when true_uplift_type = 'persuadable' then 1.0 else 0.0 end) as value
    from ranked_scores
    where score_rank < 0.2 and true_uplift_type is not null
    group by dataset, outcome, learner
    union all
    select
        dataset,
        outcome,
        learner,
        'persuadable_precision_of_selected' as metric,
        avg(case when true_uplift_type = 'persuadable' then 1.0 else 0.0 end) as value
    from scores
    where uplift_score > 0 and true_uplift_type is not null
    group by dataset, outcome, learner
),

final as (
    select * from summarized
    union all
    select
        dataset,
        outcome,
        learner,
        metric,
        value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        cast(0 as bigint) as bootstrap_replicates
    from selection_metrics
)

select * from final
