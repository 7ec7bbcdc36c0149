-- Checks of every uplift experiment (arm sizes, sample-ratio mismatch,
-- covariate balance, outcome means and average treatment effects), for BI.
with

checks as (
    select * from {{ ref('ml_experiments_checks') }}
)

select * from checks
