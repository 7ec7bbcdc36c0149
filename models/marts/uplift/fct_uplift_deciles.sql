-- Observed uplift by decile of every learner's score on the held-out
-- experiment units (decile 1 = highest scores), with 95% bootstrap CIs.
with

bins as (
    select * from {{ ref('int_uplift_holdout_bins_bootstrapped') }}
),

deciles as (
    select
        dataset,
        outcome,
        learner,
        replicate,
        cast(ceil(percentile_bin / 10.0) as int) as score_decile,
        sum(treated_units) as treated_units,
        sum(treated_outcome) as treated_outcome,
        sum(control_units) as control_units,
        sum(control_outcome) as control_outcome
    from bins
    group by dataset, outcome, learner, replicate, cast(ceil(percentile_bin / 10.0) as int)
),

rated as (
    select
        *,
        treated_outcome / nullif(treated_units, 0) as treated_rate,
        control_outcome / nullif(control_units, 0) as control_rate,
        treated_outcome / nullif(treated_units, 0)
        - control_outcome / nullif(control_units, 0) as observed_uplift
    from deciles
),

summarized as (
    select
        dataset,
        outcome,
        learner,
        score_decile,
        cast(max(case when replicate = 0 then treated_units end) as bigint) as treated_units,
        cast(max(case when replicate = 0 then control_units end) as bigint) as control_units,
        max(case when replicate = 0 then treated_rate end) as treated_rate,
        max(case when replicate = 0 then control_rate end) as control_rate,
        max(case when replicate = 0 then observed_uplift end) as observed_uplift,
        percentile(case when replicate > 0 then observed_uplift end, 0.025)
            as observed_uplift_ci_lower,
        percentile(case when replicate > 0 then observed_uplift end, 0.975)
            as observed_uplift_ci_upper
    from rated
    group by dataset, outcome, learner, score_decile
)

select * from summarized
