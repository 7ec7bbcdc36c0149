"""Channel contributions (coefficient x spend), shares and return per unit spend of every
configured spend panel, from the recommended errors' fit: one row per panel, model and channel."""

from marketing_analytics.ml import mmm_dbt


def model(dbt, session):
    dbt.config(materialized="table")
    panels = dbt.ref("int_spend_panels_unpivoted")
    results = mmm_dbt.fit_configured_panels(panels, dbt.config.meta_get("mmm_settings"))
    return mmm_dbt.to_spark(session, results["contributions"], mmm_dbt.CONTRIBUTION_SCHEMA)
