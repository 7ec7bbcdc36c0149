"""Uplift modelling (seed 001): the reference metrics, and the warehouse against truth.

Unit tests check the numpy reference definitions and the experiment statistics against hand
computations and scipy. End-to-end tests (marked slow) read the shared build: the Spark-computed
Qini coefficient is recomputed in numpy from the held-out scores, the voucher ATE covers the
planted one, the learners rank against the planted oracle, the features do not leak the test
month, and the Artea / Hillstrom checks reproduce the published figures from the raw files.
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_public

from marketing_analytics.generator.experiments import uplift_type_probabilities
from marketing_analytics.ml.uplift import (
    POISSON_ONE_CDF,
    auuc,
    expected_profit,
    poisson_weight,
    qini_coefficient,
    qini_curve,
    uplift_at_k,
    uplift_curve,
)

# --- unit tests (fast) --------------------------------------------------------------------------


def test_poisson_weights_have_the_poisson_one_distribution() -> None:
    draws = np.array([poisson_weight(u) for u in np.arange(0, 1, 1e-5)])
    assert draws.mean() == pytest.approx(1.0, abs=2e-3)
    assert draws.var() == pytest.approx(1.0, abs=5e-3)
    assert (draws == 0).mean() == pytest.approx(math.exp(-1), abs=1e-4)
    assert POISSON_ONE_CDF[1] == pytest.approx(2 * math.exp(-1))


def test_qini_curve_by_hand() -> None:
    # Sorted by score: T1 y1, C y0, T y0, C y1.
    score = [0.9, 0.8, 0.7, 0.6]
    treated = [True, False, True, False]
    outcome = [1, 0, 0, 1]
    depth, qini = qini_curve(score, treated, outcome, bins=4)
    assert depth.tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    # depth 0.25: no control yet -> 0; 0.5: 1 - 0 * 1/1 = 1; 0.75: 1 - 0 * 2/1 = 1;
    # 1.0: 1 - 1 * 2/2 = 0 (per unit: / 4).
    assert qini.tolist() == pytest.approx([0, 0, 0.25, 0.25, 0])
    _, gain = uplift_curve(score, treated, outcome, bins=4)
    # 0.5: (1/1 - 0/1) * 2 / 4; 0.75: (1/2 - 0) * 3 / 4; 1: (1/2 - 1/2) * 4 / 4.
    assert gain.tolist() == pytest.approx([0, 0, 0.5, 0.375, 0])
    assert qini_coefficient(score, treated, outcome, bins=4) == pytest.approx(
        0.25 * (0 + 0.125 + 0.25 + 0.125)
    )
    assert auuc(score, treated, outcome, bins=4) == pytest.approx(
        0.25 * (0 + 0.25 + 0.4375 + 0.1875)
    )
    assert uplift_at_k(score, treated, outcome, 0.5, bins=4) == pytest.approx(1.0)


def test_qini_ranks_true_uplift_above_random() -> None:
    rng = np.random.default_rng(1)
    n = 20_000
    tau = rng.choice([0.4, 0.0, -0.2], size=n)
    treated = rng.random(n) < 0.5
    outcome = rng.random(n) < 0.3 + treated * tau
    random_score = rng.random(n)
    assert qini_coefficient(tau + 1e-6 * random_score, treated, outcome) > 0.03
    assert abs(qini_coefficient(random_score, treated, outcome)) < 0.01
    assert qini_coefficient(-tau, treated, outcome) < -0.03


def test_expected_profit_charges_the_voucher_to_every_treated_order() -> None:
    # A sure thing (0.7 -> 0.72) loses money, a persuadable (0.08 -> 0.55) earns it.
    sure_thing = expected_profit(0.72, 0.70, 20.0, 4.0, 0.5)
    persuadable = expected_profit(0.55, 0.08, 20.0, 4.0, 0.5)
    assert sure_thing == pytest.approx(0.02 * 20 - 0.72 * 4 - 0.5)
    assert sure_thing < 0 < persuadable


# --- end to end (shared build) ------------------------------------------------------------------


def _holdout_scores(warehouse, dataset: str, outcome: str, learner: str) -> pd.DataFrame:
    frame = warehouse.query(
        "select unit_id, is_treated, outcome_value, uplift_score, true_uplift_type "
        "from intermediate.int_uplift_scores_unioned "
        f"where dataset = '{dataset}' and outcome = '{outcome}' and learner = '{learner}' "
        "and population = 'experiment' and split = 'holdout'"
    )
    frame["is_treated"] = frame["is_treated"].astype(bool)
    return frame


def _evaluation(warehouse, dataset: str) -> pd.DataFrame:
    return warehouse.query(
        f"select * from marts.fct_uplift_learner_evaluation where dataset = '{dataset}'"
    )


def _metric(frame: pd.DataFrame, learner: str, metric: str, outcome: str | None = None):
    rows = frame[(frame.learner == learner) & (frame.metric == metric)]
    if outcome is not None:
        rows = rows[rows.outcome == outcome]
    assert len(rows) == 1, (learner, metric, outcome)
    return rows.iloc[0]


@pytest.mark.slow
def test_spark_qini_matches_numpy_recomputation(warehouse) -> None:
    evaluation = _evaluation(warehouse, "synthetic")
    # The S-learner's logistic scores have no ties, so the orders agree exactly.
    holdout = _holdout_scores(warehouse, "synthetic", "converted", "s_learner")
    args = (holdout.uplift_score, holdout.is_treated, holdout.outcome_value)
    assert _metric(evaluation, "s_learner", "qini_coefficient").value == pytest.approx(
        qini_coefficient(*args), abs=1e-9
    )
    assert _metric(evaluation, "s_learner", "auuc").value == pytest.approx(auuc(*args), abs=1e-9)
    assert _metric(evaluation, "s_learner", "uplift_at_20_percent").value == pytest.approx(
        uplift_at_k(*args, 0.2), abs=1e-9
    )
    for learner in ("t_learner", "s_learner", "oracle"):
        row = _metric(evaluation, learner, "qini_coefficient")
        assert row.ci_lower <= row.value <= row.ci_upper
        assert row.bootstrap_replicates >= 50


@pytest.mark.slow
def test_voucher_ate_covers_the_planted_effect(warehouse, test_company: Path) -> None:
    truth = json.loads((test_company / "truth" / "truth.json").read_text())["voucher_test"]
    checks = warehouse.query(
        "select metric, value, ci_lower, ci_upper, p_value, is_flagged "
        "from marts.fct_uplift_experiment_checks where dataset = 'synthetic'"
    ).set_index("metric")
    assert checks.loc["treated_units", "value"] == truth["n_treatment"]
    assert checks.loc["control_units", "value"] == truth["n_control"]
    assert not checks.loc["srm_chi_square", "is_flagged"]
    ate = checks.loc["ate_converted"]
    assert ate.ci_lower <= truth["ate_conversion_sample"] <= ate.ci_upper
    assert ate.ci_lower > 0
    # Independent recomputation from the labeled customers.
    labeled = warehouse.query(
        "select is_treated, cast(is_converted as int) as converted "
        "from intermediate.int_voucher_test_customers_labeled"
    )
    rates = labeled.groupby(labeled.is_treated.astype(bool)).converted.mean()
    assert ate.value == pytest.approx(rates[True] - rates[False])


@pytest.mark.slow
def test_learners_rank_persuadables_first(warehouse) -> None:
    """Qini against the planted oracle, and the share of true persuadables selected.

    The oracle ranks by the planted p_t - p_c, i.e. it knows each customer's latent type; a model
    only sees pre-test behaviour, from which the type follows a multinomial logit. The best any
    model can do is the Bayes ranking E[uplift | behaviour] under the planted logit, recomputed
    here with the generator's own function: on this company it reaches ~84% of the oracle's
    Qini. The learners must reach 85% of that ceiling and 60% of the oracle (the issue's target).
    """
    evaluation = _evaluation(warehouse, "synthetic")
    features = warehouse.query(
        "select cast(labeled.customer_id as string) as unit_id, labeled.purchase_days_per_30_days,"
        " labeled.sessions_per_30_days, labeled.days_since_last_purchase, labeled.income,"
        " labeled.loyalty_level from intermediate.int_voucher_test_customers_labeled as labeled"
    )
    holdout = _holdout_scores(warehouse, "synthetic", "converted", "oracle").merge(
        features, on="unit_id"
    )
    probabilities = uplift_type_probabilities(
        holdout.purchase_days_per_30_days.astype(float).to_numpy(),
        holdout.sessions_per_30_days.astype(float).to_numpy(),
        holdout.days_since_last_purchase.astype(float).to_numpy(),
        holdout.income.astype(float).to_numpy(),
        holdout.loyalty_level.to_numpy(),
    )
    # Type order of the generator: persuadable, sure_thing, lost_cause, sleeping_dog.
    type_uplift = np.array([0.55 - 0.08, 0.72 - 0.70, 0.04 - 0.03, 0.12 - 0.45])
    bayes = qini_coefficient(probabilities @ type_uplift, holdout.is_treated, holdout.outcome_value)
    oracle = _metric(evaluation, "oracle", "qini_coefficient").value
    assert 0 < bayes < oracle
    best = max(
        _metric(evaluation, learner, "qini_coefficient").value
        for learner in ("t_learner", "s_learner")
    )
    assert best >= 0.85 * bayes
    assert best >= 0.6 * oracle
    for learner in ("t_learner", "s_learner"):
        assert _metric(evaluation, learner, "qini_coefficient").ci_lower > 0
        # Persuadables are about a third of the customers: the top 20% must hold 1.5x that.
        share = (holdout.true_uplift_type == "persuadable").mean()
        precision = _metric(evaluation, learner, "persuadable_precision_at_20_percent").value
        assert precision >= 1.5 * share
    # The seed's rule, by comparison, is no better than random targeting here.
    assert _metric(evaluation, "seed_rule", "qini_coefficient").value < best


@pytest.mark.slow
def test_features_use_only_days_before_the_test(warehouse, test_company: Path) -> None:
    truth = json.loads((test_company / "truth" / "truth.json").read_text())["voucher_test"]
    window = warehouse.query(
        "select cast(test_start_date as string) as test_start_date "
        "from intermediate.int_voucher_tests_resolved"
    )
    assert window.test_start_date.iloc[0] == truth["month_start"]
    transactions = pd.concat(
        pd.read_csv(path, usecols=["customer_id", "transaction_at"])
        for path in sorted((test_company / "raw" / "transactions").glob("part-*.csv"))
    )
    day = transactions.transaction_at.str[:10]
    before = transactions[day < truth["month_start"]].assign(day=day)
    expected = before.groupby("customer_id").day.nunique()
    features = warehouse.query(
        "select customer_id, purchase_days_per_30_days * observed_days / 30.0 as purchase_days, "
        "cast(last_event_date as string) as last_event_date "
        "from intermediate.int_customers_featured_at_snapshots "
        "where snapshot_name = 'voucher_test'"
    ).set_index("customer_id")
    recomputed = expected.reindex(features.index, fill_value=0)
    assert np.allclose(features.purchase_days.astype(float), recomputed, atol=1e-6)
    assert (features.last_event_date.dropna() < truth["month_start"]).all()


@pytest.mark.slow
def test_targeting_maximizes_expected_profit(warehouse) -> None:
    targets = warehouse.query(
        "select dataset, expected_profit, is_sent, profit_rank "
        "from marts.fct_uplift_next_campaign_targets where dataset = 'synthetic'"
    )
    assert len(targets) > 0
    assert (targets.is_sent.astype(bool) == (targets.expected_profit > 0)).all()
    depth = warehouse.query(
        "select depth_percentile, expected_profit, is_best_depth "
        "from marts.fct_uplift_targeting_depth_profit where dataset = 'synthetic'"
    )
    assert len(depth) == 100
    best = depth[depth.is_best_depth.astype(bool)]
    assert best.expected_profit.iloc[0] == pytest.approx(
        targets.expected_profit.clip(lower=0).sum(), rel=0.02
    )


@pytest.mark.slow
def test_uplift_scorecard_rows_are_consistent(warehouse) -> None:
    scorecard = warehouse.query(
        "select * from reports.rpt_validation_scorecard where analysis = 'uplift'"
    )
    synthetic = scorecard[scorecard.dataset == "synthetic"].set_index("metric")
    for metric in (
        "ate_converted",
        "srm_p_value",
        "qini_coefficient_converted_t_learner",
        "qini_coefficient_converted_s_learner",
        "qini_share_of_oracle_t_learner",
        "persuadable_precision_at_20_percent_t_learner",
    ):
        assert synthetic.loc[metric, "is_consistent"], synthetic.loc[metric].to_dict()


@pytest.mark.slow
def test_artea_reproduces_the_published_rates(warehouse, public_data) -> None:
    folder = Path(require_public(public_data, "artea"))
    # Read as published: pandas strips the BOM with utf-8-sig; Spark must agree.
    raw = pd.read_csv(folder / "artea_ab_experiment.csv", encoding="utf-8-sig")
    # The published "transaction rate" is the mean number of transactions per customer.
    rates = raw.groupby("test_coupon").trans_after.mean()
    assert round(rates[0], 4) == 0.1257 and round(rates[1], 4) == 0.1519
    checks = warehouse.query(
        "select metric, value, ci_lower, ci_upper, p_value, is_flagged "
        "from marts.fct_uplift_experiment_checks where dataset = 'artea'"
    ).set_index("metric")
    assert checks.loc["control_mean_transactions", "value"] == pytest.approx(rates[0])
    assert checks.loc["treated_mean_transactions", "value"] == pytest.approx(rates[1])
    ate = checks.loc["ate_transactions"]
    assert ate.ci_lower < rates[1] - rates[0] < ate.ci_upper
    assert not checks.loc["srm_chi_square", "is_flagged"]
    evaluation = _evaluation(warehouse, "artea")
    # A small effect on a 2,000-customer holdout: above random as a point estimate; the CI
    # (reported) is wider than the estimate.
    qini = _metric(evaluation, "t_learner", "qini_coefficient")
    assert qini.value > 0 and qini.ci_lower < qini.value < qini.ci_upper
    next_campaign = pd.read_csv(folder / "artea_next_campaign.csv", encoding="utf-8-sig")
    targets = warehouse.query(
        "select customer_id, is_sent from marts.fct_uplift_next_campaign_targets "
        "where dataset = 'artea'"
    )
    assert sorted(targets.customer_id) == sorted(next_campaign["id"])
    assert 0 < targets.is_sent.astype(bool).mean() < 1
    groups = warehouse.query(
        "select attribute, group_value from marts.fct_uplift_group_effects where dataset = 'artea'"
    )
    assert set(groups.attribute) == {"race", "gender"}


@pytest.mark.slow
def test_hillstrom_email_uplift_and_heterogeneity(warehouse, public_data) -> None:
    folder = Path(require_public(public_data, "hillstrom"))
    raw = pd.read_csv(folder / "hillstrom.csv")
    raw["treated"] = raw.segment != "No E-Mail"
    checks = warehouse.query(
        "select metric, value, ci_lower, ci_upper, is_flagged "
        "from marts.fct_uplift_experiment_checks where dataset = 'hillstrom'"
    ).set_index("metric")
    visit = raw.groupby("treated").visit.mean()
    assert checks.loc["ate_visit", "value"] == pytest.approx(visit[True] - visit[False])
    assert round(visit[False], 4) == 0.1062
    assert not checks.loc["srm_chi_square", "is_flagged"]
    evaluation = _evaluation(warehouse, "hillstrom")
    # Visits: the ranking beats random with its CI. Conversions (~1%) are reported only.
    for learner in ("t_learner", "s_learner"):
        assert _metric(evaluation, learner, "qini_coefficient", "visit").ci_lower > 0
    assert not _evaluation(warehouse, "hillstrom").query("outcome == 'conversion'").empty
    groups = warehouse.query(
        "select group_value, observed_uplift, mean_predicted_uplift "
        "from marts.fct_uplift_group_effects "
        "where dataset = 'hillstrom' and outcome = 'visit' and attribute = 'past_purchase_group'"
    ).set_index("group_value")
    # Independent recomputation of the effect by past-purchase flags.
    for group, mask in {
        "mens_only": (raw.mens == 1) & (raw.womens == 0),
        "womens_only": (raw.mens == 0) & (raw.womens == 1),
        "mens_and_womens": (raw.mens == 1) & (raw.womens == 1),
    }.items():
        subset = raw[mask].groupby("treated").visit.mean()
        assert groups.loc[group, "observed_uplift"] == pytest.approx(subset[True] - subset[False])
