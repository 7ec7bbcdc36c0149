"""Fit and diagnostics of every OLS of every configured spend panel: one row per panel
and model (pooled or one group)."""

from marketing_analytics.ml import mmm_dbt


def model(dbt, session):
    dbt.config(materialized="table")
    panels = dbt.ref("int_spend_panels_unpivoted")
    results = mmm_dbt.fit_configured_panels(panels, dbt.config.meta_get("mmm_settings"))
    return mmm_dbt.to_spark(session, results["diagnostics"], mmm_dbt.DIAGNOSTIC_SCHEMA)
