"""Glue between the market-mix dbt Python models and the pure functions of ``mmm``."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from . import mmm

COEFFICIENT_SCHEMA = (
    "panel_name string, model_scope string, group_name string, term string, term_role string, "
    "error_type string, estimate double, std_error double, t_statistic double, p_value double, "
    "ci_lower double, ci_upper double, simultaneous_ci_lower double, "
    "simultaneous_ci_upper double, is_significant boolean, vif double, "
    "is_recommended_error_type boolean"
)
DIAGNOSTIC_SCHEMA = (
    "panel_name string, model_scope string, group_name string, n_observations bigint, "
    "n_regressors bigint, r_squared double, adjusted_r_squared double, f_statistic double, "
    "f_p_value double, log_likelihood double, aic double, bic double, durbin_watson double, "
    "jarque_bera double, jarque_bera_p_value double, skewness double, kurtosis double, "
    "omnibus double, omnibus_p_value double, breusch_pagan double, "
    "breusch_pagan_p_value double, condition_number double, is_autocorrelated boolean, "
    "recommended_error_type string, hac_maxlags bigint, dropped_regressors string, "
    "adstock_decay double, half_saturation_ratio double, holdout_rmse double"
)
CONTRIBUTION_SCHEMA = (
    "panel_name string, model_scope string, group_name string, channel string, "
    "estimate double, total_spend double, contribution double, contribution_share double, "
    "return_per_unit_spend double"
)


def settings_from_config(config: dict[str, Any]) -> mmm.FitSettings:
    maxlags = config.get("hac_maxlags")
    return mmm.FitSettings(
        significance_level=float(config["significance_level"]),
        durbin_watson_lower=float(config["durbin_watson_lower"]),
        durbin_watson_upper=float(config["durbin_watson_upper"]),
        hac_maxlags=None if maxlags in (None, "", "None") else int(maxlags),
        min_observations=int(config["min_observations"]),
    )


def fit_configured_panels(panels: Any, settings_json: str) -> dict[str, pd.DataFrame]:
    """Fit every panel of ``int_spend_panels_unpivoted`` (a Spark DataFrame) with the
    ``mmm_settings`` JSON of the model's YAML config; concatenated tidy tables."""
    config = json.loads(settings_json) if isinstance(settings_json, str) else settings_json
    settings = settings_from_config(config)
    # One row per observation and variable of small panels: safe to collect.
    long = panels.toPandas()
    long["value"] = long["value"].astype(float)
    outputs: dict[str, list[pd.DataFrame]] = {
        "coefficients": [],
        "diagnostics": [],
        "contributions": [],
    }
    for panel_name, panel_long in long.groupby("panel_name", sort=True):
        panel_config = config["panels"][panel_name]
        spec = mmm.spec_from_config(panel_config)
        wide = mmm.pivot_panel(panel_long, spec)
        adstock = None
        if panel_config.get("adstock"):
            adstock = {
                "decays": config["adstock_decays"],
                "half_saturation_ratios": config["half_saturation_ratios"],
                "holdout_periods": config["holdout_periods"],
            }
        fitted = mmm.fit_panel(wide, mmm.internal_spec(spec), settings, adstock)
        for key, frame in fitted.items():
            outputs[key].append(frame.assign(panel_name=panel_name))
    return {
        key: pd.concat(frames, ignore_index=True) if frames else None
        for key, frames in outputs.items()
    }


def to_spark(session: Any, frame: pd.DataFrame | None, schema: str) -> Any:
    """The frame's schema columns, in order, as a Spark DataFrame (empty when no panel)."""
    columns = [part.strip().split(" ")[0] for part in schema.split(",")]
    if frame is None:
        return session.createDataFrame([], schema)
    frame = frame.reindex(columns=columns)
    rows = [
        tuple(None if _is_missing(value) else _plain(value) for value in row)
        for row in frame.itertuples(index=False, name=None)
    ]
    return session.createDataFrame(rows, schema)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _plain(value: Any) -> Any:
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
