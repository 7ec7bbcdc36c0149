-- Scorecard rows of the market mix: the pooled OLS of each default panel
-- beside its reference. Campaign-Data and Advertising: the published figures
-- (naive OLS, to the printed precision); synthetic company: the planted
-- coefficients, which the simultaneous 95% CI of the recommended errors (HAC
-- under the planted AR(1) errors) must cover. Rows of absent panels vanish in
-- the joins.
with

coefficients as (
    select * from {{ ref('ml_channels_ols_coefficients') }}
    where model_scope = 'pooled'
),

diagnostics as (
    select * from {{ ref('ml_panels_ols_diagnostics') }}
    where model_scope = 'pooled'
),

planted_metrics as (
    select * from {{ ref('stg_truth__planted_metrics') }}
    where analysis = 'mmm'
),

published_figures as (
    -- panel, metric, figure, tolerance (half a unit of the printed digit), source
    select * from values
        ('sales_campaigns', 'r_squared', 0.480, 0.0005, 'seed 004 OLS summary'),
        ('sales_campaigns', 'f_statistic', 342.1, 0.05, 'seed 004 OLS summary'),
        ('sales_campaigns', 'durbin_watson', 0.624, 0.0005, 'seed 004 OLS summary'),
        ('sales_campaigns', 'coefficient_campaign_flyer_spend', 3.34, 0.005, 'seed 004 table'),
        ('sales_campaigns', 'coefficient_sales_contact_1_spend', 4.24, 0.005, 'seed 004 table'),
        ('sales_campaigns', 'coefficient_sales_contact_2_spend', 3.64, 0.005, 'seed 004 table'),
        ('sales_campaigns', 'coefficient_sales_contact_3_spend', 2.34, 0.005, 'seed 004 table'),
        ('sales_campaigns', 'coefficient_sales_contact_4_spend', 10.95, 0.005, 'seed 004 table'),
        ('advertising', 'r_squared', 0.897, 0.0005, 'ISLR Table 3.6'),
        ('advertising', 'f_statistic', 570.0, 0.5, 'ISLR Table 3.6'),
        ('advertising', 'coefficient_intercept', 2.939, 0.0005, 'ISLR Table 3.4'),
        ('advertising', 'coefficient_tv_spend', 0.046, 0.0005, 'ISLR Table 3.4'),
        ('advertising', 'coefficient_radio_spend', 0.189, 0.0005, 'ISLR Table 3.4'),
        ('advertising', 'coefficient_newspaper_spend', -0.001, 0.0005, 'ISLR Table 3.4')
        as published (panel_name, metric, figure, tolerance, reference_source)
),

published_significance as (
    -- panel, channel, significant at 5% in the publication
    select * from values
        ('sales_campaigns', 'campaign_email_spend', false),
        ('sales_campaigns', 'campaign_flyer_spend', true),
        ('sales_campaigns', 'campaign_phone_spend', false),
        ('sales_campaigns', 'sales_contact_1_spend', true),
        ('sales_campaigns', 'sales_contact_2_spend', true),
        ('sales_campaigns', 'sales_contact_3_spend', true),
        ('sales_campaigns', 'sales_contact_4_spend', true),
        ('sales_campaigns', 'sales_contact_5_spend', false)
        as published (panel_name, channel, is_significant)
),

naive_coefficients as (
    select
        panel_name,
        'coefficient_' || term as metric,
        term,
        estimate as value,
        ci_lower,
        ci_upper,
        p_value
    from coefficients
    where error_type = 'naive'
),

fit_figures as (
    select
        panel_name,
        stack(
            3,
            'r_squared', r_squared,
            'f_statistic', f_statistic,
            'durbin_watson', durbin_watson
        ) as (metric, value),
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper
    from diagnostics
),

measured_figures as (
    select
        panel_name,
        metric,
        value,
        ci_lower,
        ci_upper
    from naive_coefficients
    union all
    select
        panel_name,
        metric,
        value,
        ci_lower,
        ci_upper
    from fit_figures
),

published_figures_judged as (
    select
        published_figures.panel_name as dataset,
        published_figures.metric,
        measured_figures.value,
        measured_figures.ci_lower,
        measured_figures.ci_upper,
        cast(published_figures.figure as double) as reference_value,
        published_figures.reference_source,
        '|value - reference| <= ' || cast(published_figures.tolerance as string)
        as consistency_rule,
        abs(measured_figures.value - published_figures.figure)
        <= published_figures.tolerance as is_consistent
    from published_figures
    inner join measured_figures
        on
            published_figures.panel_name = measured_figures.panel_name
            and published_figures.metric = measured_figures.metric
),

published_significance_judged as (
    select
        published_significance.panel_name as dataset,
        'p_value_' || published_significance.channel as metric,
        naive_coefficients.p_value as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        cast(0.05 as double) as reference_value,
        'seed 004 table (significant predictors p < 0.05)' as reference_source,
        case
            when published_significance.is_significant then 'value < reference'
            else 'value >= reference'
        end as consistency_rule,
        case
            when published_significance.is_significant
                then naive_coefficients.p_value < 0.05
            else naive_coefficients.p_value >= 0.05
        end as is_consistent
    from published_significance
    inner join naive_coefficients
        on
            published_significance.panel_name = naive_coefficients.panel_name
            and published_significance.channel = naive_coefficients.term
),

planted_terms as (
    select
        planted_value,
        metric as planted_metric,
        case
            when metric = 'panel.intercept' then 'intercept'
            when metric like 'panel.beta.%' then substr(metric, length('panel.beta.') + 1)
            when metric like 'panel.client_type_effect.%'
                then 'group_' || regexp_replace(
                    lower(substr(metric, length('panel.client_type_effect.') + 1)),
                    '[^a-z0-9]+',
                    '_'
                )
        end as term
    from planted_metrics
),

recommended_coefficients as (
    -- The recommended errors' simultaneous 95% interval (Bonferroni over the
    -- model's terms): all planted terms are judged at once, and k separate
    -- 95% intervals would all cover only about 0.95^k of the time (0.54 for
    -- the 12 terms here; docs/mmm.md has the Monte Carlo).
    select
        term,
        error_type,
        estimate,
        simultaneous_ci_lower as ci_lower,
        simultaneous_ci_upper as ci_upper
    from coefficients
    where
        panel_name = 'synthetic_sales'
        and is_recommended_error_type
),

synthetic_coefficients_judged as (
    select
        'synthetic' as dataset,
        'coefficient_' || recommended_coefficients.term as metric,
        recommended_coefficients.estimate as value,
        recommended_coefficients.ci_lower,
        recommended_coefficients.ci_upper,
        planted_terms.planted_value as reference_value,
        'planted truth ' || coalesce(planted_terms.planted_metric, 'absent')
        as reference_source,
        'reference within the simultaneous 95% CI (Bonferroni over the terms of the model) of the '
        || recommended_coefficients.error_type || ' errors'
        as consistency_rule,
        planted_terms.planted_value
        between recommended_coefficients.ci_lower
        and recommended_coefficients.ci_upper as is_consistent
    from recommended_coefficients
    left join planted_terms
        on recommended_coefficients.term = planted_terms.term
),

planted_rho as (
    select planted_value as rho from planted_metrics
    where metric = 'panel.rho'
),

synthetic_hac_ratios as (
    select
        'synthetic' as dataset,
        'hac_to_naive_std_error_ratio_' || hac.term as metric,
        hac.std_error / naive.std_error as value,
        cast(null as double) as ci_lower,
        cast(null as double) as ci_upper,
        case when planted_rho.rho > 0 then cast(1.0 as double) end as reference_value,
        'planted AR(1) errors (panel.rho > 0) inflate the variance of terms constant within client'
        as reference_source,
        'value > reference' as consistency_rule,
        case
            when planted_rho.rho > 0 then hac.std_error > naive.std_error
        end as is_consistent
    from coefficients as hac
    inner join coefficients as naive
        on
            hac.panel_name = naive.panel_name
            and hac.term = naive.term
            and naive.error_type = 'naive'
    left join planted_rho
        on true
    where
        hac.panel_name = 'synthetic_sales'
        and hac.error_type = 'hac'
        and hac.term_role in ('intercept', 'group')
),

unioned as (
    select * from published_figures_judged
    union all
    select * from published_significance_judged
    union all
    select * from synthetic_coefficients_judged
    union all
    select * from synthetic_hac_ratios
),

final as (
    select
        'mmm' as analysis,
        dataset,
        metric,
        cast(value as double) as value,
        cast(ci_lower as double) as ci_lower,
        cast(ci_upper as double) as ci_upper,
        cast(reference_value as double) as reference_value,
        reference_source,
        consistency_rule,
        is_consistent
    from unioned
)

select * from final
