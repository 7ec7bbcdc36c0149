"""Market mix (seed 004): OLS + diagnostics + HAC against statsmodels/numpy directly, the
published Campaign-Data and ISLR figures, the synthetic panel's planted truth, and the marts."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import SHARED_DATA, TEST_COMPANY, require_public
from scipy import stats
from statsmodels.stats.stattools import durbin_watson

from marketing_analytics.generator import config as generator_config
from marketing_analytics.generator.panel import build_panel
from marketing_analytics.ml import mmm

CAMPAIGN_COLUMNS = {
    "Campaign (Email)": "campaign_email_spend",
    "Campaign (Flyer)": "campaign_flyer_spend",
    "Campaign (Phone)": "campaign_phone_spend",
    "Sales Contact 1": "sales_contact_1_spend",
    "Sales Contact 2": "sales_contact_2_spend",
    "Sales Contact 3": "sales_contact_3_spend",
    "Sales Contact 4": "sales_contact_4_spend",
    "Sales Contact 5": "sales_contact_5_spend",
}
CHANNELS = tuple(CAMPAIGN_COLUMNS.values())


def campaign_data() -> pd.DataFrame:
    path = SHARED_DATA / "sales_campaigns" / "Campaign-Data.csv"
    if not path.is_file():
        pytest.skip(f"public dataset sales_campaigns not found under {SHARED_DATA}")
    return pd.read_csv(path).rename(
        columns={
            **CAMPAIGN_COLUMNS,
            "Amount Collected": "amount_collected",
            "Client ID": "client_id",
        }
    )


def synthetic_panel(rho: float, seed: int = TEST_COMPANY.seed) -> pd.DataFrame:
    table, _ = build_panel(seed, date(2025, 1, 1), 250, 12, rho)
    frame = table.to_pandas()
    for column in [*CHANNELS, "amount_collected"]:
        frame[column] = frame[column].astype(float)
    return frame.sort_values(["client_id", "month"]).reset_index(drop=True)


SYNTHETIC_SPEC = mmm.PanelSpec(
    target="amount_collected",
    channels=CHANNELS,
    group="client_type",
    group_fixed_effects=True,
    baseline_group="Private Facility",
    entity="client_id",
    time="month",
)


# ------------------------------------------------------------------ unit tests (fast)
def test_campaign_data_reproduces_the_seed_table() -> None:
    data = campaign_data()
    spec = mmm.PanelSpec(target="amount_collected", channels=CHANNELS, entity="client_id")
    result = mmm.fit_ols(data, spec)
    diagnostics = result.diagnostics
    assert diagnostics["n_observations"] == 2976
    assert round(diagnostics["r_squared"], 3) == 0.480
    assert round(diagnostics["f_statistic"], 1) == 342.1
    assert round(diagnostics["durbin_watson"], 3) == 0.624
    naive = result.coefficients[result.coefficients.error_type == "naive"].set_index("term")
    published = {
        "campaign_flyer_spend": 3.34,
        "sales_contact_1_spend": 4.24,
        "sales_contact_2_spend": 3.64,
        "sales_contact_3_spend": 2.34,
        "sales_contact_4_spend": 10.95,
    }
    for term, figure in published.items():
        assert round(naive.loc[term, "estimate"], 2) == figure, term
        assert naive.loc[term, "p_value"] < 0.05, term
    for term in ["campaign_email_spend", "campaign_phone_spend", "sales_contact_5_spend"]:
        assert naive.loc[term, "p_value"] >= 0.05, term
    # DW 0.624 < 1.5: the HAC refit is reported beside the naive one and recommended.
    assert diagnostics["is_autocorrelated"] and diagnostics["recommended_error_type"] == "hac"
    assert set(result.coefficients.error_type) == {"naive", "hac"}


def test_advertising_reproduces_islr_tables() -> None:
    path = SHARED_DATA / "advertising" / "Advertising.csv"
    if not path.is_file():
        pytest.skip(f"public dataset advertising not found under {SHARED_DATA}")
    data = pd.read_csv(path)
    spec = mmm.PanelSpec(target="Sales", channels=("TV", "Radio", "Newspaper"))
    result = mmm.fit_ols(data, spec)
    estimates = result.coefficients.set_index("term")["estimate"]
    # ISLR Table 3.4 (coefficients) and 3.6 (R2 0.897, F 570).
    assert [round(estimates[t], 3) for t in ["intercept", "TV", "Radio", "Newspaper"]] == [
        2.939,
        0.046,
        0.189,
        -0.001,
    ]
    assert round(result.diagnostics["r_squared"], 3) == 0.897
    assert round(result.diagnostics["f_statistic"]) == 570
    assert not result.diagnostics["is_autocorrelated"]  # DW ~2.08: naive errors only
    assert set(result.coefficients.error_type) == {"naive"}


def test_diagnostics_match_statsmodels_and_numpy() -> None:
    panel = synthetic_panel(rho=0.6)
    result = mmm.fit_ols(panel, SYNTHETIC_SPEC)
    design = mmm.design_matrix(panel, SYNTHETIC_SPEC, with_groups=True)
    y = panel.amount_collected.to_numpy()
    fit = sm.OLS(y, design).fit()
    d = result.diagnostics
    assert d["aic"] == pytest.approx(fit.aic) and d["bic"] == pytest.approx(fit.bic)
    assert d["adjusted_r_squared"] == pytest.approx(fit.rsquared_adj)
    assert d["durbin_watson"] == pytest.approx(durbin_watson(fit.resid))
    assert d["condition_number"] == pytest.approx(fit.condition_number)
    # Numpy: least squares, residual DW, and VIF = 1 / (1 - R2 of the regressor on the others).
    beta, *_ = np.linalg.lstsq(design.to_numpy(), y, rcond=None)
    naive = result.coefficients[result.coefficients.error_type == "naive"].set_index("term")
    np.testing.assert_allclose(naive.loc[design.columns, "estimate"], beta, rtol=1e-8)
    residual = y - design.to_numpy() @ beta
    assert d["durbin_watson"] == pytest.approx(np.sum(np.diff(residual) ** 2) / np.sum(residual**2))
    others = design.drop(columns=["campaign_flyer_spend"]).to_numpy()
    x = design["campaign_flyer_spend"].to_numpy()
    fitted = others @ np.linalg.lstsq(others, x, rcond=None)[0]
    r2 = 1 - np.sum((x - fitted) ** 2) / np.sum((x - x.mean()) ** 2)
    assert naive.loc["campaign_flyer_spend", "vif"] == pytest.approx(1 / (1 - r2))
    # HAC: statsmodels' Newey-West within client with T - 1 = 11 lags.
    hac_fit = sm.OLS(y, design).fit(
        cov_type="hac-panel",
        cov_kwds={
            "groups": pd.factorize(panel.client_id)[0],
            "maxlags": 11,
            "use_correction": True,
        },
    )
    hac = result.coefficients[result.coefficients.error_type == "hac"].set_index("term")
    np.testing.assert_allclose(hac.loc[design.columns, "std_error"], hac_fit.bse, rtol=1e-10)


def planted_terms() -> dict[str, float]:
    planted = {"intercept": generator_config.PANEL_INTERCEPT}
    planted |= dict(zip(CHANNELS, generator_config.PANEL_BETA, strict=True))
    for client_type, effect in zip(
        generator_config.CLIENT_TYPES, generator_config.PANEL_CLIENT_TYPE_EFFECT, strict=True
    ):
        if client_type != "Private Facility":
            planted[mmm.group_dummy_name(client_type)] = effect
    return planted


def covered(table: pd.DataFrame, error_type: str, lower: str, upper: str) -> pd.Series:
    rows = table[table.error_type == error_type].set_index("term")
    planted = pd.Series(planted_terms())
    return (rows.loc[planted.index, lower] <= planted) & (planted <= rows.loc[planted.index, upper])


@pytest.mark.parametrize("seed", [7, 42])  # the test and the demo company
def test_planted_coefficients_inside_the_simultaneous_hac_interval(seed: int) -> None:
    result = mmm.fit_ols(synthetic_panel(rho=0.6, seed=seed), SYNTHETIC_SPEC)
    assert result.diagnostics["is_autocorrelated"]  # planted rho = 0.6: DW well below 1.5
    table = result.coefficients
    # The scorecard's rule (rpt_scorecard__mmm): all 12 planted terms at once.
    inside = covered(table, "hac", "simultaneous_ci_lower", "simultaneous_ci_upper")
    assert inside.all(), inside[~inside]
    # Bonferroni: each simultaneous interval is the per-term one at level 1 - 0.05 / k.
    hac = table[table.error_type == "hac"]
    z = stats.norm.ppf(1 - 0.05 / (2 * len(hac)))
    np.testing.assert_allclose(hac.simultaneous_ci_upper, hac.estimate + z * hac.std_error)
    # AR(1) errors within client inflate the variance of terms constant within client.
    naive = table[table.error_type == "naive"].set_index("term")
    for term in [
        "intercept",
        "group_large_facility",
        "group_medium_facility",
        "group_small_facility",
    ]:
        assert hac.set_index("term").loc[term, "std_error"] > 1.2 * naive.loc[term, "std_error"]


@pytest.mark.slow
def test_interval_coverage_over_many_planted_panels() -> None:
    """Monte Carlo over 100 generator seeds: the HAC intervals keep their level, the naive ones
    do not for the terms constant within client, and 12 per-term 95% intervals all cover only
    about 0.95^12 of the time, which is why the scorecard judges the simultaneous interval."""
    per_term = {"naive": [], "hac": []}
    all_simultaneous = []
    for seed in range(100):
        table = mmm.fit_ols(synthetic_panel(rho=0.6, seed=seed), SYNTHETIC_SPEC).coefficients
        for error_type in per_term:
            per_term[error_type].append(covered(table, error_type, "ci_lower", "ci_upper"))
        simultaneous = covered(table, "hac", "simultaneous_ci_lower", "simultaneous_ci_upper")
        all_simultaneous.append(simultaneous.all())
    hac = pd.concat(per_term["hac"], axis=1).mean(axis=1)
    naive = pd.concat(per_term["naive"], axis=1).mean(axis=1)
    groups = [term for term in hac.index if term.startswith("group_")]
    assert hac.between(0.88, 1.0).all(), hac  # nominal 0.95; binomial sd 0.022 at n = 100
    assert naive[groups].max() < 0.85, naive  # too narrow under within-client AR(1)
    assert pd.concat(per_term["hac"], axis=1).all(axis=0).mean() < 0.75  # ~0.95^12 = 0.54
    assert np.mean(all_simultaneous) >= 0.9  # family-wise level 0.95


def test_no_planted_autocorrelation_means_no_hac() -> None:
    result = mmm.fit_ols(synthetic_panel(rho=0.0), SYNTHETIC_SPEC)
    assert 1.5 < result.diagnostics["durbin_watson"] < 2.5
    assert set(result.coefficients.error_type) == {"naive"}


def test_contributions_are_coefficient_times_spend() -> None:
    panel = synthetic_panel(rho=0.6)
    result = mmm.fit_ols(panel, SYNTHETIC_SPEC)
    contributions = result.contributions.set_index("channel")
    hac = result.coefficients[result.coefficients.error_type == "hac"].set_index("term")
    flyer = contributions.loc["campaign_flyer_spend"]
    assert flyer.contribution == pytest.approx(
        hac.loc["campaign_flyer_spend", "estimate"] * panel.campaign_flyer_spend.sum()
    )
    assert flyer.return_per_unit_spend == pytest.approx(hac.loc["campaign_flyer_spend", "estimate"])
    positive = contributions.contribution.clip(lower=0).sum()
    assert flyer.contribution_share == pytest.approx(flyer.contribution / positive)


def test_adstock_and_saturation() -> None:
    spend = np.array([10.0, 0.0, 0.0, 5.0, 1.0, 0.0])
    entity = np.array([1, 1, 1, 2, 2, 2])
    np.testing.assert_allclose(
        mmm.geometric_adstock(spend, 0.5, entity), [10.0, 5.0, 2.5, 5.0, 3.5, 1.75]
    )
    assert mmm.hill_saturation(np.array([4.0]), 4.0)[0] == pytest.approx(2.0)  # k/2 at k
    with pytest.raises(ValueError):
        mmm.geometric_adstock(spend, 1.0)


def test_grid_search_recovers_a_planted_decay() -> None:
    rng = np.random.default_rng(11)
    entities, periods = 60, 24
    frame = pd.DataFrame(
        {
            "entity": np.repeat(np.arange(entities), periods),
            "period": np.tile(np.arange(periods), entities),
            "tv": rng.gamma(2.0, 50.0, entities * periods),
        }
    )
    stock = mmm.geometric_adstock(frame.tv.to_numpy(), 0.6, frame.entity.to_numpy())
    frame["sales"] = 100 + 2.0 * stock + rng.normal(0, 20, len(frame))
    spec = mmm.PanelSpec(target="sales", channels=("tv",), entity="entity", time="period")
    grid = mmm.grid_search_transforms(frame, spec, [0.0, 0.3, 0.6, 0.9], [None, 1.0], 4)
    best = grid[grid.is_selected].iloc[0]
    assert best.decay == 0.6 and pd.isna(best.half_saturation_ratio)
    fitted = mmm.fit_panel(
        frame.rename(columns={"entity": "entity_id", "period": "time_index"}).assign(
            group_name=None
        ),
        mmm.PanelSpec(target="sales", channels=("tv",), entity="entity_id", time="time_index"),
        adstock={"decays": [0.0, 0.6], "half_saturation_ratios": [None], "holdout_periods": 4},
    )
    assert fitted["diagnostics"].adstock_decay.iloc[0] == 0.6
    tv = fitted["coefficients"].query("term == 'tv' and error_type == 'naive'").iloc[0]
    assert tv.ci_lower <= 2.0 <= tv.ci_upper


def test_pivot_panel_round_trip() -> None:
    long = pd.DataFrame(
        {
            "observation_id": [2, 2, 1, 1],
            "entity_id": ["a", "a", "a", "a"],
            "group_name": [None] * 4,
            "time_index": [2, 2, 1, 1],
            "variable_name": ["y", "x", "y", "x"],
            "value": [4.0, 2.0, 3.0, 1.0],
        }
    )
    wide = mmm.pivot_panel(long, mmm.PanelSpec(target="y", channels=("x",), entity="e"))
    assert wide.observation_id.tolist() == [1, 2]
    assert wide.x.tolist() == [1.0, 2.0] and wide.y.tolist() == [3.0, 4.0]


# ------------------------------------------------------------------ end to end (slow)
@pytest.mark.slow
def test_mmm_scorecard_rows_are_consistent(warehouse, public_data) -> None:
    rows = warehouse.query("select * from reports.rpt_validation_scorecard where analysis = 'mmm'")
    synthetic = rows[rows.dataset == "synthetic"]
    assert len(synthetic[synthetic.metric.str.startswith("coefficient_")]) == 12
    assert synthetic.reference_value.notna().all()
    if "sales_campaigns" in public_data:
        assert len(rows[rows.dataset == "sales_campaigns"]) == 16
    inconsistent = rows[rows.reference_value.notna() & (rows.is_consistent != True)]  # noqa: E712
    assert inconsistent.empty, inconsistent.to_string()


@pytest.mark.slow
def test_marts_match_an_independent_statsmodels_fit(warehouse) -> None:
    panel = warehouse.query(
        "select * from staging.stg_synthetic__sales_activity order by client_id, month_start_date"
    )
    for column in [*CHANNELS, "amount_collected"]:
        panel[column] = panel[column].astype(float)
    dummies = pd.get_dummies(panel.client_type, dtype=float).drop(columns="Private Facility")
    fit = sm.OLS(panel.amount_collected, sm.add_constant(panel[list(CHANNELS)].join(dummies))).fit()
    coefficients = warehouse.query(
        "select term, estimate, std_error from marts.fct_channel_coefficients where "
        "panel_name = 'synthetic_sales' and model_scope = 'pooled' and error_type = 'naive'"
    ).set_index("term")
    for channel in CHANNELS:
        assert coefficients.loc[channel, "estimate"] == pytest.approx(fit.params[channel], rel=1e-8)
        assert coefficients.loc[channel, "std_error"] == pytest.approx(fit.bse[channel], rel=1e-8)
    diagnostics = warehouse.query(
        "select * from marts.fct_panel_diagnostics where panel_name = 'synthetic_sales'"
    )
    assert sorted(diagnostics.group_name) == sorted(["all", *panel.client_type.unique()])
    pooled = diagnostics[diagnostics.model_scope == "pooled"].iloc[0]
    assert pooled.r_squared == pytest.approx(fit.rsquared)
    assert pooled.durbin_watson == pytest.approx(durbin_watson(fit.resid))


@pytest.mark.slow
def test_recommendations_follow_the_documented_rule(warehouse) -> None:
    recommendations = warehouse.query("select * from marts.fct_channel_recommendations")
    assert not recommendations.empty
    for row in recommendations.itertuples():
        if row.ci_lower is None or pd.isna(row.ci_lower):
            expected = "insufficient evidence"
        elif row.ci_lower > row.break_even_return:
            expected = "increase"
        elif row.ci_upper < row.break_even_return:
            expected = "cut"
        elif row.ci_lower > 0:
            expected = "keep"
        else:
            expected = "insufficient evidence"
        assert row.recommendation == expected, row
    pooled = recommendations[
        (recommendations.panel_name == "synthetic_sales")
        & (recommendations.model_scope == "pooled")
    ].set_index("channel")
    # Planted zero-effect channels are cut, the planted effective ones are not.
    for channel in ["campaign_email_spend", "campaign_phone_spend", "sales_contact_5_spend"]:
        assert pooled.loc[channel, "recommendation"] == "cut"
    assert pooled.loc["sales_contact_3_spend", "recommendation"] == "increase"


@pytest.mark.slow
def test_campaign_data_marts(warehouse, public_data) -> None:
    require_public(public_data, "sales_campaigns")
    diagnostics = warehouse.query(
        "select * from marts.fct_panel_diagnostics where panel_name = 'sales_campaigns'"
    )
    pooled = diagnostics[diagnostics.model_scope == "pooled"].iloc[0]
    assert pooled.n_observations == 2976 and round(pooled.durbin_watson, 3) == 0.624
    assert set(diagnostics.group_name) == {
        "all",
        "Large Facility",
        "Medium Facility",
        "Small Facility",
        "Private Facility",
    }
