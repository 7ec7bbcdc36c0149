"""Attribution (seed 000): the customer-day grid, the purchase models and the e-mail lift.

Unit tests of the estimators run fast on generated data; the end-to-end tests read the
session build (`warehouse`) and check the grid row by row against an independent pandas
recomputation, the scorecard against the planted truth, and (one tiny separate dbt run
sequence) that incremental runs equal a full refresh and that no feature looks ahead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import DOCUMENTED_BIAS

from marketing_analytics.generator import GeneratorParams, generate
from marketing_analytics.ml.attribution import (
    DRIVER_GROUPS,
    group_effects,
    prior_corrected_intercept,
    ranking,
)
from marketing_analytics.ml.experiments import lift, sample_ratio_mismatch
from marketing_analytics.warehouse_files import table_folder

# ---------------------------------------------------------------- estimators (fast)


def test_prior_correction_recovers_the_population_intercept() -> None:
    # A rare-event logit, fitted on all events and 5% of the non-events.
    rng = np.random.default_rng(2)
    x = rng.normal(size=400_000)
    y = rng.random(x.size) < 1 / (1 + np.exp(-(-4.0 + 0.8 * x)))
    keep = y | (rng.random(x.size) < 0.05)
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e9).fit(x[keep, None], y[keep])
    corrected = prior_corrected_intercept(fit.intercept_[0], y.mean(), y[keep].mean())
    assert fit.intercept_[0] > -2.0  # the sample's intercept is far off
    assert corrected == pytest.approx(-4.0, abs=0.1)
    assert fit.coef_[0, 0] == pytest.approx(0.8, abs=0.05)


def test_group_effects_and_ranking() -> None:
    effects = group_effects(
        {
            "log_days_since_last_purchase_or_signup": -0.5,
            "loyalty_level": 0.2,
            "is_release_day": 0.3,
            "has_release_in_previous_7_days": 0.1,
            "is_weekend": 0.11,
            "emails_received_last_3_days": 0.07,
        }
    )
    assert effects["recency_loyalty"] == pytest.approx(0.7)
    assert ranking(effects) == list(DRIVER_GROUPS)


def holdout_outcomes(company: Path) -> pd.DataFrame:
    """Per-customer purchase days and spend in the holdout window, from the raw files."""
    raw = company / "raw"
    campaigns = pd.concat(pd.read_csv(p) for p in (raw / "campaigns").glob("*.csv"))
    window = campaigns[campaigns.campaign_type == "holdout_test"].iloc[0]
    assigned = pd.concat(pd.read_csv(p) for p in (raw / "campaign_assignments").glob("*.csv"))
    assigned = assigned[assigned.campaign_id == window.campaign_id]
    tx = pd.concat(pd.read_csv(p) for p in (raw / "transactions").glob("*.csv"))
    tx["day"] = pd.to_datetime(tx.transaction_at).dt.strftime("%Y-%m-%d")
    tx = tx[(tx.day >= window.start_date) & (tx.day <= window.end_date)]
    per_customer = tx.groupby("customer_id").agg(days=("day", "nunique"), spend=("amount", "sum"))
    out = assigned.set_index("customer_id")[["arm"]].join(per_customer).fillna(0.0)
    out["rate"] = out.days / 14
    return out


@pytest.mark.parametrize("email_effect", [0.0, 0.6])
def test_randomized_lift_ci_covers_planted_sate(tmp_path: Path, email_effect: float) -> None:
    # Other seeds and planted effects, including none (generation is fast, no dbt). A 95%
    # interval misses the truth 1 time in 20: over 8 seeds it must cover at least 6 times
    # (binomial chance of fewer below 0.6%), and the planted SATE is 0 exactly when
    # email_effect is 0.
    import json

    covered = {"rate": 0, "spend": 0}
    detected = 0
    for seed in range(11, 19):
        out = tmp_path / str(seed)
        generate(
            GeneratorParams(
                customers=3000,
                days=150,
                seed=seed,
                out=out,
                start_date=date(2025, 1, 1),
                email_effect=email_effect,
            )
        )
        truth = json.loads((out / "truth" / "truth.json").read_text())["email_holdout"]
        outcomes = holdout_outcomes(out)
        treated = outcomes[outcomes.arm == "treatment"]
        control = outcomes[outcomes.arm == "control"]
        rate = lift(treated.rate, control.rate)
        spend = lift(treated.spend, control.spend)
        covered["rate"] += rate.ci_lower <= truth["sate_purchase_day_rate"] <= rate.ci_upper
        covered["spend"] += spend.ci_lower <= truth["sate_spend_per_customer"] <= spend.ci_upper
        detected += rate.ci_lower > 0
        if email_effect == 0.0:
            assert truth["sate_purchase_day_rate"] == 0.0
        assert sample_ratio_mismatch([len(treated), len(control)])[1] > 0.001
        shutil.rmtree(out)
    assert covered["rate"] >= 6 and covered["spend"] >= 6, covered
    if email_effect > 0:
        assert detected >= 6  # a large planted effect is found
    else:
        assert detected <= 2


# ---------------------------------------------------------------- the grid, recomputed


def window_total(
    by_day: pd.DataFrame, first: date, day: date, column: str, back_from: int, back_to: int
) -> float:
    """Sum of `column` over days day-back_from .. day-back_to+1 (not before `first`)."""
    window = [day - pd.Timedelta(days=k) for k in range(back_from, back_to)]
    return float(by_day.reindex([w for w in window if w >= first])[column].sum())


def reference_grid(
    customers: pd.DataFrame, events: pd.DataFrame, releases: pd.Series, start: date, end: date
) -> pd.DataFrame:
    """The grid's features by a plain per-customer loop over days (independent of the SQL)."""
    release_days = pd.to_datetime(releases).value_counts()
    rows = []
    for customer in customers.itertuples():
        mine = events[events.customer_id == customer.customer_id]
        by_day = mine.groupby("day").sum(numeric_only=True)
        first = max(min([customer.signup_date, *list(by_day.index)]), start)
        day = first
        last_purchase = None
        last_email = None
        while day <= end:
            today = by_day.loc[day] if day in by_day.index else None
            sent_today = 0 if today is None else int(today.sent)
            if sent_today:
                last_email = day
            rows.append(
                {
                    "customer_id": customer.customer_id,
                    "calendar_date": day,
                    "is_purchase_day": today is not None and today.tx > 0,
                    "amount": 0.0 if today is None else round(float(today.amount), 2),
                    "emails_received_last_3_days": window_total(by_day, first, day, "sent", 0, 3),
                    "emails_received_last_14_days": window_total(by_day, first, day, "sent", 0, 14),
                    "emails_opened_previous_7_days": window_total(
                        by_day, first, day, "opened", 1, 8
                    ),
                    "transactions_previous_90_days": window_total(by_day, first, day, "tx", 1, 91),
                    "spend_previous_30_days": round(
                        window_total(by_day, first, day, "amount", 1, 31), 2
                    ),
                    "days_since_last_purchase_or_signup": (
                        day - (last_purchase or customer.signup_date)
                    ).days,
                    "days_since_last_email": None
                    if last_email is None
                    else (day - last_email).days,
                    "has_release_in_previous_7_days": any(
                        day - pd.Timedelta(days=k) in release_days.index for k in range(1, 8)
                    ),
                }
            )
            if today is not None and today.tx > 0:
                last_purchase = day
            day = day + pd.Timedelta(days=1)
    return pd.DataFrame(rows)


pytest_slow = pytest.mark.slow


@pytest_slow
def test_grid_matches_independent_recomputation(warehouse) -> None:
    ids = "select customer_id from staging.stg_synthetic__customers where customer_id % 60 = 7"
    customers = warehouse.query(
        f"select customer_id, signup_date from staging.stg_synthetic__customers "
        f"where customer_id in ({ids})"
    )
    tx = warehouse.query(
        f"select customer_id, to_date(transaction_at) as day, amount "
        f"from staging.stg_synthetic__transactions where customer_id in ({ids})"
    )
    emails = warehouse.query(
        f"select customer_id, to_date(event_at) as day, event_type "
        f"from staging.stg_synthetic__email_events where customer_id in ({ids})"
    )
    sessions = warehouse.query(
        f"select customer_id, to_date(session_started_at) as day "
        f"from staging.stg_synthetic__web_sessions where customer_id in ({ids})"
    )
    releases = warehouse.query("select release_date from staging.stg_synthetic__releases")
    bounds = warehouse.query(
        "select min(calendar_date) as s, max(calendar_date) as e "
        "from intermediate.int_calendar_days"
    )
    # HiveServer2 hands dates over as text.
    customers["signup_date"] = pd.to_datetime(customers.signup_date)
    for frame in (tx, emails, sessions):
        frame["day"] = pd.to_datetime(frame.day)
    releases["release_date"] = pd.to_datetime(releases.release_date)
    bounds = bounds.apply(pd.to_datetime)
    events = pd.concat(
        [
            tx.assign(tx=1, amount=tx.amount.astype(float), sent=0, opened=0),
            emails.assign(
                tx=0,
                amount=0.0,
                sent=(emails.event_type == "send").astype(int),
                opened=(emails.event_type == "open").astype(int),
            ).drop(columns="event_type"),
            sessions.assign(tx=0, amount=0.0, sent=0, opened=0),
        ]
    )
    expected = reference_grid(
        customers, events, releases.release_date, bounds.s.iat[0], bounds.e.iat[0]
    )
    actual = warehouse.query(
        f"select * from marts.fct_customer_day_features where customer_id in ({ids})"
    )
    actual["calendar_date"] = pd.to_datetime(actual.calendar_date)
    assert len(customers) >= 40
    merged = expected.merge(
        actual, on=["customer_id", "calendar_date"], how="outer", indicator=True
    )
    assert (merged["_merge"] == "both").all(), "grid rows differ from the reference days"
    for column in expected.columns.drop(["customer_id", "calendar_date"]):
        left, right = merged[f"{column}_x"], merged[f"{column}_y"]
        if column in ("amount", "spend_previous_30_days"):
            right = right.astype(float)
        same = (left.astype(object).where(left.notna(), None) == right.astype(object)) | (
            left.isna() & right.isna()
        )
        if not same.all():
            bad = merged.loc[~same, ["customer_id", "calendar_date", f"{column}_x", f"{column}_y"]]
            raise AssertionError(f"{column} differs:\n{bad.head(10)}")


@pytest_slow
def test_attribution_scorecard_matches_truth(warehouse) -> None:
    card = warehouse.query(
        "select * from reports.rpt_validation_scorecard where analysis = 'attribution'"
    ).set_index("metric")
    for metric in (
        "email_holdout_purchase_day_rate_lift",
        "email_holdout_spend_per_customer_lift",
    ):
        row = card.loc[metric]
        assert row.ci_lower <= row.reference_value <= row.ci_upper, metric
    assert card.loc["email_holdout_srm_p_value", "value"] > 0.001
    assert card.loc["driver_group_ranking_matches_planted", "value"] == 1.0
    # The daily model leaves out the latent segment, whose intercepts go with e-mail volume:
    # its e-mail coefficient is above the planted one (README, Attribution); checked as that,
    # not by whether one sample's CI happens to reach the planted value.
    biased = [metric for analysis, metric in DOCUMENTED_BIAS if analysis == "attribution"]
    assert biased == ["purchase_model_email_coefficient"]
    email = card.loc["purchase_model_email_coefficient"]
    assert email.value > email.reference_value
    judged = card[card.reference_value.notna()].drop(index=biased)
    assert judged.is_consistent.astype(bool).all(), judged.to_string()


@pytest_slow
def test_sampled_fit_recovers_the_full_grid_fit(warehouse, project_build) -> None:
    """Case-control sample + MLlib + prior correction give what a logit on every training
    day gives (statsmodels, independently): each term's CI covers the full-grid estimate."""
    import statsmodels.api as sm

    from marketing_analytics.ml.attribution import DRIVER_FEATURES

    coefficients = warehouse.query(
        "select term, coefficient, ci_lower, ci_upper, training_customer_days "
        "from ml.ml_customer_days_purchase_coefficients"
    ).set_index("term")
    marts = project_build.state_dir / "warehouse" / "marts.db"
    grid = pd.read_parquet(
        table_folder(marts, "fct_customer_day_features"),
        columns=["calendar_date", "is_purchase_day", *DRIVER_FEATURES],
    )
    test_days = 60  # var attribution_test_days
    split = grid.calendar_date.max() - pd.Timedelta(days=test_days - 1)
    train = grid[grid.calendar_date < split]
    # The same training days as the model's (a changed test_days var would show here).
    assert len(train) == coefficients.training_customer_days.iloc[0]
    features = sm.add_constant(train[list(DRIVER_FEATURES)].astype(float))
    full = sm.Logit(train.is_purchase_day.astype(float), features).fit(disp=0)
    # The intercept too: the prior correction undoes the sample's purchase-day share.
    for term, full_term in [("intercept", "const"), *[(name, name) for name in DRIVER_FEATURES]]:
        row = coefficients.loc[term]
        estimate = full.params[full_term]
        assert row.ci_lower <= estimate <= row.ci_upper, (term, estimate, row.to_dict())


@pytest_slow
def test_driver_ranking_equals_planted(warehouse, test_company) -> None:
    import json

    truth = json.loads((test_company / "truth" / "truth.json").read_text())["purchase_model"]
    groups = warehouse.query(
        "select driver_group, standardized_effect from marts.fct_purchase_driver_groups"
    )
    recovered = ranking(dict(zip(groups.driver_group, groups.standardized_effect, strict=True)))
    assert recovered == truth["planted_ranking"]


@pytest_slow
def test_propensity_is_calibrated_and_discriminates(warehouse) -> None:
    metrics = warehouse.query(
        "select metric, value from ml.ml_customer_days_purchase_metrics "
        "where model_name = 'purchase_propensity'"
    ).set_index("metric")["value"]
    assert metrics["roc_auc"] > 0.6
    # Prior correction keeps the mean prediction near the observed rate.
    assert metrics["mean_predicted_probability"] == pytest.approx(
        metrics["observed_purchase_day_rate"], rel=0.25
    )
    calibration = warehouse.query("select * from marts.fct_purchase_propensity_calibration")
    assert len(calibration) == 10
    assert calibration.sort_values(
        "probability_decile"
    ).observed_purchase_day_rate.is_monotonic_increasing or (
        calibration.observed_purchase_day_rate.corr(calibration.mean_predicted_probability) > 0.9
    )


# ---------------------------------------------------------------- incremental = full refresh


def read_grid(state_dir: Path) -> pd.DataFrame:
    table = state_dir / "warehouse" / "intermediate.db" / "int_customer_days_windowed"
    frame = pd.read_parquet(table)
    frame["calendar_month"] = frame["calendar_month"].astype(str)
    return frame.sort_values(["customer_id", "calendar_date"]).reset_index(drop=True)


@pytest.fixture
def grid_warehouses(tmp_path: Path) -> Iterator[tuple]:
    """An incremental and a full-refresh warehouse, each served by one warm dbt process."""
    from dbt_runner import DbtEnv, DbtWorker

    incremental = DbtEnv(tmp_path / "incremental", tmp_path / "t1")
    full = DbtEnv(tmp_path / "full", tmp_path / "t2")
    with DbtWorker(incremental) as incremental_dbt, DbtWorker(full) as full_dbt:
        yield incremental_dbt, full_dbt


@pytest_slow
def test_incremental_runs_equal_full_refresh_and_no_lookahead(
    tmp_path: Path, grid_warehouses: tuple
) -> None:
    # Needs its own dbt runs: incremental runs with moving end dates (backfills of 14 and 37
    # days), a no-op, late events, and a copy of the raw files with planted events. A
    # 150-customer company keeps each run short.
    from conftest import company_vars

    incremental, full = grid_warehouses
    company = tmp_path / "company"
    generate(GeneratorParams(customers=150, days=130, seed=5, out=company))
    # Models and the seeds they read, no data tests: eight runs in two warm JVMs.
    select = [
        "build", "-s", "+int_customer_days_windowed",
        "--resource-type", "model", "--resource-type", "seed",
    ]  # fmt: skip
    base_vars = company_vars(company)
    for end in ("2025-03-20", "2025-04-03", ""):
        incremental.run(select, {**base_vars, "attribution_end_date": end})
    full.run([*select, "--full-refresh"], base_vars)
    incremental_state, full_state = incremental.dbt_env.state_dir, full.dbt_env.state_dir
    incremental_grid, full_grid = read_grid(incremental_state), read_grid(full_state)
    pd.testing.assert_frame_equal(incremental_grid, full_grid)

    # A failed day (its input folder is missing), then the day rerun: nothing new to build,
    # no duplicates, no gaps, still equal to the full refresh.
    failed = incremental.run(
        select, {**base_vars, "raw_path": str(tmp_path / "missing")}, check=False
    )
    assert failed.returncode != 0 and "missing" in failed.stdout
    rerun = incremental.run(select, base_vars)
    assert "int_customer_days_windowed: nothing new to build, built through 2025-05-10" in (
        rerun.stdout
    )
    rerun_grid = read_grid(incremental_state)
    assert not rerun_grid.duplicated(["customer_id", "calendar_date"]).any()
    span = rerun_grid.groupby("customer_id").calendar_date.agg(["min", "max", "count"])
    assert ((span["max"] - span["min"]).map(lambda gap: gap.days + 1) == span["count"]).all()
    pd.testing.assert_frame_equal(rerun_grid, full_grid)

    # Late events: a purchase and an e-mail of customer 3 on 2025-05-08 arrive after that day
    # was built. A run that reprocesses 3 days equals a full refresh with them; rows before
    # that day do not move (no look-ahead).
    late_day = date(2025, 5, 8)
    assert full_grid[full_grid.customer_id == 3].calendar_date.min() < late_day
    planted = tmp_path / "planted"
    shutil.copytree(company, planted)
    (planted / "raw" / "transactions" / "part-99999.csv").write_text(
        "transaction_id,customer_id,transaction_at,product_category,channel,amount,"
        "is_discounted,campaign_id\n999999999,3,2025-05-08 12:00:00,wines,web,50.00,0,\n"
    )
    (planted / "raw" / "email_events" / "part-99999.csv").write_text(
        "event_id,campaign_id,customer_id,event_type,event_at\n"
        "999999999,9,3,send,2025-05-08 08:30:00\n"
    )
    late = incremental.run(select, {**company_vars(planted), "attribution_reprocess_days": 3})
    assert "int_customer_days_windowed: computing the days from 2025-05-08 to 2025-05-10" in (
        late.stdout
    )
    full.run([*select, "--full-refresh"], company_vars(planted))
    planted_grid = read_grid(full_state)
    pd.testing.assert_frame_equal(read_grid(incremental_state), planted_grid)
    before = full_grid.calendar_date < late_day
    pd.testing.assert_frame_equal(
        planted_grid[planted_grid.calendar_date < late_day].reset_index(drop=True),
        full_grid[before].reset_index(drop=True),
    )
    changed = planted_grid.merge(full_grid, on=["customer_id", "calendar_date"])
    changed = changed[changed.customer_id == 3]
    moved = changed[changed.emails_received_last_3_days_x != changed.emails_received_last_3_days_y]
    assert set(moved.calendar_date) == {date(2025, 5, 8), date(2025, 5, 9), date(2025, 5, 10)}
    bought = changed[
        changed.transactions_previous_30_days_x != changed.transactions_previous_30_days_y
    ]
    assert set(bought.calendar_date) == {date(2025, 5, 9), date(2025, 5, 10)}

    # The grid's key and not-null tests in a build check only the days the build wrote (the
    # files it wrote); `dbt test` checks every row. A copy of a March file, older than the
    # run, duplicates keys the build does not write: only `dbt test` may see them.
    march = incremental_state / "warehouse" / "intermediate.db" / "int_customer_days_windowed"
    part = sorted((march / "calendar_month=2025-03-01").glob("part-*.parquet"))[0]
    planted_part = part.with_name(f"planted-{part.name}")
    shutil.copy(part, planted_part)
    os.utime(planted_part, (time.time() - 86400,) * 2)
    key_test = r"unique_combination_int_customer_days_windowed_customer_id__calendar_date"
    built = incremental.run(
        ["build", "-s", "int_customer_days_windowed"],
        {**company_vars(planted), "attribution_reprocess_days": 3},
    )
    assert "computing the days from 2025-05-08 to 2025-05-10" in built.stdout
    assert re.search(rf"PASS {key_test} ", built.stdout), built.stdout
    tested = incremental.run(
        ["test", "-s", "int_customer_days_windowed"], company_vars(planted), check=False
    )
    duplicates = pd.read_parquet(planted_part).shape[0]
    assert re.search(rf"FAIL {duplicates} {key_test} ", tested.stdout), tested.stdout
    # The failing rows are kept for audit. A full refresh rewrites every file, so its tests
    # check every row: they pass, and the passing test drops the view of the failure.
    refreshed = incremental.run(
        ["build", "-s", "int_customer_days_windowed", "--full-refresh"], company_vars(planted)
    )
    assert re.search(rf"PASS {key_test} ", refreshed.stdout), refreshed.stdout
    pd.testing.assert_frame_equal(read_grid(incremental_state), planted_grid)
    target = incremental.dbt_env.target_dir
    nodes = json.loads((target / "manifest.json").read_text())["nodes"].values()
    (view,) = [f"audit.{n['alias']}" for n in nodes if n["name"] == key_test]
    log = (target / "logs" / "dbt.log").read_text()
    created = log.rfind(f"create or replace view {view}\n")
    assert -1 < created < log.rfind(f"drop view if exists {view}\n")
