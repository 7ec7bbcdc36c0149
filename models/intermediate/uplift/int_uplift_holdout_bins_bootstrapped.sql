-- Held-out experiment units of every learner, ranked by uplift score (best
-- first; ties in random order by a hash of the unit) into 100 equal-count bins,
-- and summed per bin for the original sample (replicate 0) and for
-- uplift_bootstrap_replicates Poisson bootstrap replicates: each unit's weight
-- is a Poisson(1) draw from a hash of (unit, replicate), the same in every
-- learner, so learners are compared on the same resamples.
{% set seed = var('uplift_seed') | int %}
{% set replicates = var('uplift_bootstrap_replicates') | int %}
{#- P(X <= k) of a Poisson(1) variable, k = 0..6 (as in marketing_analytics.ml.uplift). #}
{% set poisson_one_cdf = [0.367879441, 0.735758882, 0.919698603, 0.981011843, 0.996340153, 0.999405815, 0.999916759] %}
with

scores as (
    select
        dataset,
        outcome,
        learner,
        unit_id,
        is_treated,
        outcome_value,
        uplift_score
    from {{ ref('int_uplift_scores_unioned') }}
    where population = 'experiment' and split = 'holdout'
),

binned as (
    select
        *,
        ntile(100) over (
            partition by dataset, outcome, learner
            order by uplift_score desc, xxhash64(unit_id, {{ seed }})
        ) as percentile_bin
    from scores
),

replicates as (
    select explode(sequence(0, {{ replicates }})) as replicate
),

draws as (
    select
        binned.dataset,
        binned.outcome,
        binned.learner,
        binned.percentile_bin,
        binned.is_treated,
        binned.outcome_value,
        replicates.replicate,
        pmod(xxhash64(binned.unit_id, replicates.replicate, {{ seed }}), 1000000) / 1000000.0
            as uniform_draw
    from binned
    cross join replicates
),

weighted as (
    select
        *,
        case
            when replicate = 0 then 1
            else case
                {%- for cdf in poisson_one_cdf %}
                    when uniform_draw < {{ cdf }} then {{ loop.index0 }}
                {%- endfor %}
                else {{ poisson_one_cdf | length }}
            end
        end as weight
    from draws
),

summed as (
    select
        dataset,
        outcome,
        learner,
        replicate,
        percentile_bin,
        sum(case when is_treated then weight else 0 end) as treated_units,
        sum(case when is_treated then weight * outcome_value else 0 end) as treated_outcome,
        sum(case when not is_treated then weight else 0 end) as control_units,
        sum(case when not is_treated then weight * outcome_value else 0 end) as control_outcome
    from weighted
    group by dataset, outcome, learner, replicate, percentile_bin
)

select * from summed
