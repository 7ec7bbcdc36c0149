-- Qini and uplift curves of every learner on the held-out experiment units,
-- with 95% bootstrap bands and the random-targeting line.
with

curves as (
    select * from {{ ref('int_uplift_curves_bootstrapped') }}
),

original as (
    select * from curves
    where replicate = 0
),

totals as (
    select
        dataset,
        outcome,
        learner,
        replicate,
        qini as final_qini,
        uplift_gain as final_uplift_gain
    from curves
    where percentile_bin = 100
),

bands as (
    select
        dataset,
        outcome,
        learner,
        percentile_bin,
        percentile(qini, 0.025) as qini_ci_lower,
        percentile(qini, 0.975) as qini_ci_upper,
        percentile(uplift_gain, 0.025) as uplift_gain_ci_lower,
        percentile(uplift_gain, 0.975) as uplift_gain_ci_upper
    from curves
    where replicate > 0
    group by dataset, outcome, learner, percentile_bin
),

final as (
    select
        original.dataset,
        original.outcome,
        original.learner,
        original.percentile_bin,
        original.depth,
        cast(original.treated_units as bigint) as treated_units,
        cast(original.control_units as bigint) as control_units,
        original.treated_outcome,
        original.control_outcome,
        original.treated_rate,
        original.control_rate,
        original.qini,
        bands.qini_ci_lower,
        bands.qini_ci_upper,
        original.depth * totals.final_qini as random_qini,
        original.uplift_gain,
        bands.uplift_gain_ci_lower,
        bands.uplift_gain_ci_upper,
        original.depth * totals.final_uplift_gain as random_uplift_gain
    from original
    inner join totals
        on
            original.dataset = totals.dataset
            and original.outcome = totals.outcome
            and original.learner = totals.learner
            and original.replicate = totals.replicate
    left join bands
        on
            original.dataset = bands.dataset
            and original.outcome = bands.outcome
            and original.learner = bands.learner
            and original.percentile_bin = bands.percentile_bin
)

select * from final
