"""Market-mix OLS with the diagnostics analysts ask for (pure functions, no Spark).

A panel is a pandas frame with one row per observation, already in time order
(within entity when there is one). ``fit_panel`` fits OLS of the target on an
intercept, the channel columns, the control columns and optional group dummies
and returns tidy tables: coefficients (naive and, when the Durbin-Watson
statistic signals autocorrelation, Newey-West HAC), fit diagnostics, VIF per
regressor and channel contributions. Optional geometric adstock + saturation
transforms are chosen by grid search on held-out periods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.diagnostic import het_breuschpagan
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest

INTERCEPT = "intercept"


@dataclass(frozen=True)
class PanelSpec:
    """Roles of the columns of one panel (from the dbt config)."""

    target: str
    channels: Sequence[str]
    controls: Sequence[str] = ()
    group: str | None = None
    group_fixed_effects: bool = False
    baseline_group: str | None = None
    entity: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class FitSettings:
    """Tunables (dbt vars)."""

    significance_level: float = 0.05
    durbin_watson_lower: float = 1.5
    durbin_watson_upper: float = 2.5
    hac_maxlags: int | None = None
    min_observations: int = 30


@dataclass
class FitResult:
    """Tidy outputs of one OLS fit (one scope: pooled or one group)."""

    coefficients: pd.DataFrame
    diagnostics: dict[str, float | int | bool | str | None]
    contributions: pd.DataFrame
    residuals: np.ndarray = field(repr=False)


def group_dummy_name(group_value: str) -> str:
    """Regressor name of a group dummy, e.g. ``group_large_facility``."""
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in str(group_value).lower())
    return "group_" + "_".join(part for part in cleaned.split("_") if part)


def design_matrix(panel: pd.DataFrame, spec: PanelSpec, with_groups: bool) -> pd.DataFrame:
    """Intercept, channels, controls and (optionally) group dummies, as float columns."""
    columns = {INTERCEPT: np.ones(len(panel))}
    for name in [*spec.channels, *spec.controls]:
        columns[name] = panel[name].astype(float).to_numpy()
    if with_groups and spec.group:
        levels = sorted(panel[spec.group].astype(str).unique())
        baseline = spec.baseline_group if spec.baseline_group in levels else levels[0]
        for level in levels:
            if level != baseline:
                columns[group_dummy_name(level)] = (
                    (panel[spec.group].astype(str) == level).astype(float).to_numpy()
                )
    return pd.DataFrame(columns, index=panel.index)


def default_hac_maxlags(panel: pd.DataFrame, spec: PanelSpec) -> int:
    """Longest lag that can matter: periods per entity - 1 for a panel, else Newey-West's rule."""
    if spec.entity:
        return max(1, int(panel.groupby(spec.entity).size().max()) - 1)
    return max(1, int(np.floor(4.0 * (len(panel) / 100.0) ** (2.0 / 9.0))))


def vif_table(design: pd.DataFrame) -> pd.Series:
    """Variance inflation factor of every regressor but the intercept (null for the intercept)."""
    values = design.to_numpy()
    result = {}
    for index, name in enumerate(design.columns):
        if name == INTERCEPT:
            result[name] = np.nan
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                result[name] = float(variance_inflation_factor(values, index))
    return pd.Series(result)


def _coefficient_frame(fit, error_type: str, alpha: float, vif: pd.Series) -> pd.DataFrame:
    ci = np.asarray(fit.conf_int(alpha=0.05))
    # Simultaneous 95% intervals (Bonferroni over the model's k terms): all k cover their true
    # values with probability >= 95%, where k separate 95% intervals all cover only ~0.95^k.
    simultaneous = np.asarray(fit.conf_int(alpha=0.05 / len(fit.params)))
    frame = pd.DataFrame(
        {
            "term": list(fit.model.exog_names),
            "error_type": error_type,
            "estimate": np.asarray(fit.params, dtype=float),
            "std_error": np.asarray(fit.bse, dtype=float),
            "t_statistic": np.asarray(fit.tvalues, dtype=float),
            "p_value": np.asarray(fit.pvalues, dtype=float),
            "ci_lower": ci[:, 0],
            "ci_upper": ci[:, 1],
            "simultaneous_ci_lower": simultaneous[:, 0],
            "simultaneous_ci_upper": simultaneous[:, 1],
        }
    )
    frame["is_significant"] = frame["p_value"] < alpha
    frame["vif"] = frame["term"].map(vif).astype(float)
    return frame


def fit_ols(
    panel: pd.DataFrame,
    spec: PanelSpec,
    settings: FitSettings = FitSettings(),
    with_groups: bool | None = None,
) -> FitResult:
    """OLS with the full diagnostic set; HAC (Newey-West) refit when DW signals autocorrelation.

    ``panel`` must be in time order (within entity when ``spec.entity`` is set). With an entity
    the HAC errors are Newey-West within entity (statsmodels ``hac-panel``), otherwise
    Newey-West over the row order (``HAC``).
    """
    if with_groups is None:
        with_groups = spec.group_fixed_effects
    design = design_matrix(panel, spec, with_groups)
    # Drop regressors with no variation (a channel never used in a group): not estimable.
    constant = [
        name for name in design.columns if name != INTERCEPT and design[name].nunique() <= 1
    ]
    design = design.drop(columns=constant)
    target = panel[spec.target].astype(float).to_numpy()
    model = sm.OLS(target, design)
    naive = model.fit()
    residuals = np.asarray(naive.resid)
    dw = float(durbin_watson(residuals))
    autocorrelated = bool(dw < settings.durbin_watson_lower or dw > settings.durbin_watson_upper)
    maxlags = (
        settings.hac_maxlags
        if settings.hac_maxlags is not None
        else default_hac_maxlags(panel, spec)
    )
    vif = vif_table(design)
    coefficients = [_coefficient_frame(naive, "naive", settings.significance_level, vif)]
    if autocorrelated:
        if spec.entity:
            groups = pd.factorize(panel[spec.entity])[0]
            hac = model.fit(
                cov_type="hac-panel",
                cov_kwds={"groups": groups, "maxlags": maxlags, "use_correction": True},
            )
        else:
            hac = model.fit(cov_type="HAC", cov_kwds={"maxlags": maxlags, "use_correction": True})
        coefficients.append(_coefficient_frame(hac, "hac", settings.significance_level, vif))
    table = pd.concat(coefficients, ignore_index=True)
    recommended = "hac" if autocorrelated else "naive"
    table["is_recommended_error_type"] = table["error_type"] == recommended

    jb, jb_p, skew, kurtosis = jarque_bera(residuals)
    omnibus, omnibus_p = omni_normtest(residuals)
    bp_lm, bp_lm_p, _, _ = het_breuschpagan(residuals, design.to_numpy())
    diagnostics: dict[str, float | int | bool | str | None] = {
        "n_observations": int(naive.nobs),
        "n_regressors": int(design.shape[1]),
        "r_squared": float(naive.rsquared),
        "adjusted_r_squared": float(naive.rsquared_adj),
        "f_statistic": float(naive.fvalue),
        "f_p_value": float(naive.f_pvalue),
        "log_likelihood": float(naive.llf),
        "aic": float(naive.aic),
        "bic": float(naive.bic),
        "durbin_watson": dw,
        "jarque_bera": float(jb),
        "jarque_bera_p_value": float(jb_p),
        "skewness": float(skew),
        "kurtosis": float(kurtosis),
        "omnibus": float(omnibus),
        "omnibus_p_value": float(omnibus_p),
        "breusch_pagan": float(bp_lm),
        "breusch_pagan_p_value": float(bp_lm_p),
        "condition_number": float(np.linalg.cond(design.to_numpy())),
        "is_autocorrelated": autocorrelated,
        "recommended_error_type": recommended,
        "hac_maxlags": int(maxlags) if autocorrelated else None,
        "dropped_regressors": ",".join(constant),
    }
    contributions = channel_contributions(panel, spec, table[table.is_recommended_error_type])
    return FitResult(table, diagnostics, contributions, residuals)


def channel_contributions(
    panel: pd.DataFrame,
    spec: PanelSpec,
    coefficients: pd.DataFrame,
    transformed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per channel: coefficient x (transformed) spend summed, share of the channels' total,
    and return per unit of raw spend (= the coefficient when there is no transform)."""
    estimates = coefficients.set_index("term")["estimate"]
    regressors = transformed if transformed is not None else panel
    rows = []
    for channel in spec.channels:
        spend = float(panel[channel].astype(float).sum())
        coef = float(estimates.get(channel, np.nan))
        contribution = coef * float(regressors[channel].astype(float).sum())
        rows.append((channel, coef, spend, contribution))
    frame = pd.DataFrame(rows, columns=["channel", "estimate", "total_spend", "contribution"])
    positive_total = frame["contribution"].clip(lower=0).sum()
    frame["contribution_share"] = (
        frame["contribution"] / positive_total if positive_total > 0 else np.nan
    )
    frame["return_per_unit_spend"] = np.where(
        frame["total_spend"] > 0, frame["contribution"] / frame["total_spend"].replace(0, 1), np.nan
    )
    return frame


# ------------------------------------------------------------------ adstock and saturation
def geometric_adstock(
    spend: np.ndarray, decay: float, entity: np.ndarray | None = None
) -> np.ndarray:
    """a_t = x_t + decay * a_{t-1}, restarting at each entity (rows in time order)."""
    if not 0.0 <= decay < 1.0:
        raise ValueError("decay must be in [0, 1)")
    spend = np.asarray(spend, dtype=float)
    out = np.empty_like(spend)
    carry = 0.0
    for index, value in enumerate(spend):
        if index > 0 and entity is not None and entity[index] != entity[index - 1]:
            carry = 0.0
        carry = value + decay * carry
        out[index] = carry
    return out


def hill_saturation(values: np.ndarray, half_saturation: float) -> np.ndarray:
    """x / (x + k): 0 at no spend, 1/2 at k, tends to 1; scaled by k so units stay spend-like."""
    if half_saturation <= 0:
        raise ValueError("half_saturation must be > 0")
    values = np.asarray(values, dtype=float)
    return half_saturation * values / (values + half_saturation)


def transform_channels(
    panel: pd.DataFrame, spec: PanelSpec, decay: float, half_saturation_ratio: float | None
) -> pd.DataFrame:
    """Copy of the panel with each channel adstocked then saturated (k = ratio x mean adstock)."""
    out = panel.copy()
    entity = panel[spec.entity].to_numpy() if spec.entity else None
    for channel in spec.channels:
        stocked = geometric_adstock(panel[channel].astype(float).to_numpy(), decay, entity)
        if half_saturation_ratio is not None:
            mean = stocked[stocked > 0].mean() if (stocked > 0).any() else 1.0
            stocked = hill_saturation(stocked, half_saturation_ratio * mean)
        out[channel] = stocked
    return out


def grid_search_transforms(
    panel: pd.DataFrame,
    spec: PanelSpec,
    decays: Sequence[float],
    half_saturation_ratios: Sequence[float | None],
    holdout_periods: int,
) -> pd.DataFrame:
    """Held-out RMSE of every (decay, half-saturation ratio): fit on all but the last
    ``holdout_periods`` periods of the time column, predict those. One row per grid point."""
    if not spec.time:
        raise ValueError("adstock/saturation needs a time-ordered panel (a time column)")
    periods = np.sort(panel[spec.time].unique())
    if len(periods) <= holdout_periods + 1:
        raise ValueError("not enough periods for the holdout")
    cutoff = periods[-holdout_periods]
    rows = []
    for decay in decays:
        for ratio in half_saturation_ratios:
            transformed = transform_channels(panel, spec, decay, ratio)
            design = design_matrix(transformed, spec, spec.group_fixed_effects)
            train = (panel[spec.time] < cutoff).to_numpy()
            target = panel[spec.target].astype(float).to_numpy()
            fit = sm.OLS(target[train], design[train]).fit()
            predicted = np.asarray(design[~train].to_numpy() @ fit.params.to_numpy())
            rmse = float(np.sqrt(np.mean((target[~train] - predicted) ** 2)))
            rows.append((float(decay), None if ratio is None else float(ratio), rmse))
    grid = pd.DataFrame(rows, columns=["decay", "half_saturation_ratio", "holdout_rmse"])
    grid["is_selected"] = grid.index == grid["holdout_rmse"].idxmin()
    return grid


POOLED = "pooled"
ALL_GROUPS = "all"


def spec_from_config(config: dict) -> PanelSpec:
    """PanelSpec of one ``mmm_panels`` entry (dbt var)."""
    return PanelSpec(
        target=config["target"],
        channels=tuple(config["channels"]),
        controls=tuple(config.get("controls") or ()),
        group=config.get("group"),
        group_fixed_effects=bool(config.get("group_fixed_effects", False)),
        baseline_group=config.get("baseline_group"),
        entity=config.get("entity"),
        time=config.get("time"),
    )


def pivot_panel(long: pd.DataFrame, spec: PanelSpec) -> pd.DataFrame:
    """One panel of ``int_spend_panels_unpivoted`` back to wide, in observation order.

    Role columns are renamed back to the config's names; entity, group and time index keep
    theirs (``entity_id``, ``group_name``, ``time_index``) and are mapped onto the spec by
    ``internal_spec``.
    """
    keys = ["entity_id", "group_name", "time_index"]
    values = long.pivot(index="observation_id", columns="variable_name", values="value")
    values.columns.name = None
    observations = long.drop_duplicates("observation_id").set_index("observation_id")[keys]
    wide = observations.join(values).sort_index().reset_index()
    if spec.entity:
        starts = wide["entity_id"].ne(wide["entity_id"].shift()).sum()
        if starts != wide["entity_id"].nunique():
            raise ValueError("rows of an entity must be consecutive in the panel's order_by")
    return wide


def internal_spec(spec: PanelSpec) -> PanelSpec:
    """The spec over the pivoted frame's column names for entity, group and time."""
    return PanelSpec(
        target=spec.target,
        channels=spec.channels,
        controls=spec.controls,
        group="group_name" if spec.group else None,
        group_fixed_effects=spec.group_fixed_effects,
        baseline_group=spec.baseline_group,
        entity="entity_id" if spec.entity else None,
        time="time_index" if spec.time else None,
    )


def term_role(term: str, spec: PanelSpec) -> str:
    if term == INTERCEPT:
        return "intercept"
    if term in spec.channels:
        return "channel"
    if term in spec.controls:
        return "control"
    return "group"


def fit_panel(
    wide: pd.DataFrame,
    spec: PanelSpec,
    settings: FitSettings = FitSettings(),
    adstock: dict | None = None,
) -> dict[str, pd.DataFrame]:
    """Pooled model and one model per group: coefficients, diagnostics and contributions.

    ``adstock`` (``decays``, ``half_saturation_ratios``, ``holdout_periods``) turns on the
    transforms, chosen once on the pooled panel by held-out RMSE and used for every scope.
    """
    decay, ratio, holdout_rmse = None, None, None
    transformed = wide
    if adstock:
        grid = grid_search_transforms(
            wide,
            spec,
            adstock["decays"],
            adstock["half_saturation_ratios"],
            int(adstock["holdout_periods"]),
        )
        best = grid[grid.is_selected].iloc[0]
        decay = float(best.decay)
        ratio = None if pd.isna(best.half_saturation_ratio) else float(best.half_saturation_ratio)
        holdout_rmse = float(best.holdout_rmse)
        transformed = transform_channels(wide, spec, decay, ratio)
    scopes: list[tuple[str, str, pd.Series]] = [(POOLED, ALL_GROUPS, wide.index == wide.index)]
    if spec.group:
        for level in sorted(wide[spec.group].astype(str).unique()):
            scopes.append(("group", level, (wide[spec.group].astype(str) == level).to_numpy()))
    coefficients, diagnostics, contributions = [], [], []
    for scope, level, mask in scopes:
        rows = transformed[mask].reset_index(drop=True)
        raw = wide[mask].reset_index(drop=True)
        if len(rows) < settings.min_observations:
            continue
        with_groups = spec.group_fixed_effects if scope == POOLED else False
        result = fit_ols(rows, spec, settings, with_groups=with_groups)
        recommended = result.coefficients[result.coefficients.is_recommended_error_type]
        result.contributions = channel_contributions(raw, spec, recommended, transformed=rows)
        keys = {"model_scope": scope, "group_name": level}
        coefficient_frame = result.coefficients.assign(**keys)
        coefficient_frame["term_role"] = [term_role(t, spec) for t in coefficient_frame.term]
        coefficients.append(coefficient_frame)
        diagnostics.append(
            {
                **keys,
                **result.diagnostics,
                "adstock_decay": decay,
                "half_saturation_ratio": ratio,
                "holdout_rmse": holdout_rmse,
            }
        )
        contributions.append(result.contributions.assign(**keys))
    return {
        "coefficients": pd.concat(coefficients, ignore_index=True),
        "diagnostics": pd.DataFrame(diagnostics),
        "contributions": pd.concat(contributions, ignore_index=True),
    }
