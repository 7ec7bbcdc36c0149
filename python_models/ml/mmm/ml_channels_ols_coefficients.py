"""OLS coefficients of every configured spend panel (var mmm_panels): naive and, when
Durbin-Watson signals autocorrelation, Newey-West HAC; pooled and per group."""

from marketing_analytics.ml import mmm_dbt


def model(dbt, session):
    dbt.config(materialized="table")
    panels = dbt.ref("int_spend_panels_unpivoted")
    results = mmm_dbt.fit_configured_panels(panels, dbt.config.meta_get("mmm_settings"))
    return mmm_dbt.to_spark(session, results["coefficients"], mmm_dbt.COEFFICIENT_SCHEMA)
