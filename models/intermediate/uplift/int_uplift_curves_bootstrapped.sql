-- Qini and uplift (cumulative gain) curves of every learner on its holdout, for
-- the original sample (replicate 0) and every bootstrap replicate, at 101 depths
-- (bin 0 = nobody targeted). Both curves are per unit of the holdout:
-- qini = (Y_t - Y_c * N_t / N_c) / N and gain = (Y_t / N_t - Y_c / N_c) * (N_t + N_c) / N
-- over the units targeted so far (best scores first).
with

bins as (
    select * from {{ ref('int_uplift_holdout_bins_bootstrapped') }}
),

cumulated as (
    select
        dataset,
        outcome,
        learner,
        replicate,
        percentile_bin,
        sum(treated_units) over cumulative_window as treated_units,
        sum(treated_outcome) over cumulative_window as treated_outcome,
        sum(control_units) over cumulative_window as control_units,
        sum(control_outcome) over cumulative_window as control_outcome,
        sum(treated_units + control_units) over whole_window as total_units
    from bins
    window
        cumulative_window as (
            partition by dataset, outcome, learner, replicate
            order by percentile_bin
            rows between unbounded preceding and current row
        ),
        whole_window as (partition by dataset, outcome, learner, replicate)
),

with_origin as (
    select * from cumulated
    union all
    select distinct
        dataset,
        outcome,
        learner,
        replicate,
        0 as percentile_bin,
        cast(0 as double) as treated_units,
        cast(0 as double) as treated_outcome,
        cast(0 as double) as control_units,
        cast(0 as double) as control_outcome,
        total_units
    from cumulated
),

curves as (
    select
        dataset,
        outcome,
        learner,
        replicate,
        percentile_bin,
        treated_units,
        treated_outcome,
        control_units,
        control_outcome,
        total_units,
        cast((treated_units + control_units) / total_units as double) as depth,
        case when treated_units > 0 then treated_outcome / treated_units end
            as treated_rate,
        case when control_units > 0 then control_outcome / control_units end
            as control_rate,
        case
            when control_units > 0
                then (treated_outcome - control_outcome * treated_units / control_units)
                / total_units
            else 0.0
        end as qini,
        case
            when treated_units > 0 and control_units > 0
                then (treated_outcome / treated_units - control_outcome / control_units)
                * (treated_units + control_units) / total_units
            else 0.0
        end as uplift_gain
    from with_origin
    where total_units > 0
)

select * from curves
