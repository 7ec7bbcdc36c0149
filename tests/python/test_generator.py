"""Fast unit tests of the synthetic-data generator (small sizes; the whole file runs in seconds)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marketing_analytics.generator import RAW_TABLES, GeneratorParams, generate
from marketing_analytics.generator import config as c
from marketing_analytics.generator.panel import build_panel

COLUMNS = {
    "customers": [
        "customer_id",
        "signup_date",
        "birth_year",
        "gender",
        "education",
        "marital_status",
        "income",
        "kid_home",
        "teen_home",
        "location",
        "loyalty_status",
    ],
    "transactions": [
        "transaction_id",
        "customer_id",
        "transaction_at",
        "product_category",
        "channel",
        "amount",
        "is_discounted",
        "campaign_id",
    ],
    "email_events": ["event_id", "campaign_id", "customer_id", "event_type", "event_at"],
    "web_sessions": [
        "session_id",
        "customer_id",
        "session_start_at",
        "pages_viewed",
        "duration_seconds",
    ],
    "releases": ["release_id", "release_date", "product_category", "title", "is_major"],
    "campaigns": [
        "campaign_id",
        "campaign_name",
        "channel",
        "campaign_type",
        "start_date",
        "end_date",
        "cost_per_contact",
        "revenue_per_response",
        "discount_rate",
    ],
    "campaign_assignments": ["campaign_id", "customer_id", "arm", "assigned_at"],
    "sales_activity": [
        "client_id",
        "month",
        "client_type",
        "number_of_customers",
        "monthly_target",
        "amount_collected",
        "units_sold",
        *c.PANEL_SPEND_CHANNELS,
        "number_of_competition",
    ],
}
SMALL = {"customers": 300, "days": 120, "seed": 7, "panel_clients": 40, "panel_months": 6}


def _params(out: Path, **overrides: object) -> GeneratorParams:
    return GeneratorParams(**{**SMALL, "out": out, **overrides})


def read(out: Path, table: str) -> pd.DataFrame:
    parts = sorted((out / "raw" / table).glob("part-*.csv"))
    return pd.concat([pd.read_csv(p) for p in parts], ignore_index=True)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(_params(out))
    return out


@pytest.fixture(scope="module")
def tables(small: Path) -> dict[str, pd.DataFrame]:
    return {t: read(small, t) for t in RAW_TABLES}


def test_deterministic_bytes(small: Path, tmp_path: Path) -> None:
    generate(_params(tmp_path))
    files = sorted(p.relative_to(small) for p in small.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(files) >= len(RAW_TABLES) + 4
    for f in files:
        assert (small / f).read_bytes() == (tmp_path / f).read_bytes(), f


def test_other_seed_differs(small: Path, tmp_path: Path) -> None:
    generate(_params(tmp_path, seed=8))
    a = (small / "raw/transactions/part-00000.csv").read_bytes()
    assert a != (tmp_path / "raw/transactions/part-00000.csv").read_bytes()


def test_manifest_matches_rows(small: Path, tables: dict[str, pd.DataFrame]) -> None:
    manifest = pd.read_csv(small / "manifest.csv")
    assert list(manifest.columns) == ["table_name", "row_count"]
    counts = dict(zip(manifest.table_name, manifest.row_count, strict=True))
    assert set(counts) == set(RAW_TABLES)
    for name, df in tables.items():
        assert counts[name] == len(df), name
    meta = json.loads((small / "manifest.json").read_text())
    assert {k: v["row_count"] for k, v in meta["tables"].items()} == counts
    assert meta["params"]["customers"] == SMALL["customers"]
    assert counts["customers"] == SMALL["customers"]
    assert counts["sales_activity"] == SMALL["panel_clients"] * SMALL["panel_months"]


def test_csv_format_and_columns(small: Path, tables: dict[str, pd.DataFrame]) -> None:
    for name, cols in COLUMNS.items():
        raw = (small / "raw" / name / "part-00000.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and b'"' not in raw
        assert raw.split(b"\n", 1)[0].decode() == ",".join(cols), name
        assert list(tables[name].columns) == cols
    ts = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
    money = re.compile(r"^\d+\.\d\d$")
    tx_lines = (small / "raw/transactions/part-00000.csv").read_text().splitlines()[1:50]
    for line in tx_lines:
        f = line.split(",")
        assert ts.match(f[2]) and money.match(f[5]) and f[6] in ("0", "1")
    cust = tables["customers"]
    assert re.match(r"^\d{4}-\d\d-\d\d$", cust.signup_date[0])
    assert cust.customer_id.tolist() == list(range(1, SMALL["customers"] + 1))
    assert cust.income.isna().any() and cust.loyalty_status.isna().any()
    assert set(cust.loyalty_status.dropna()) <= set(c.LOYALTY)
    assert set(cust.education) <= set(c.EDUCATION) and set(cust.location) <= set(c.REGIONS)


def test_keys_unique(tables: dict[str, pd.DataFrame]) -> None:
    for table, key in [
        ("customers", "customer_id"),
        ("transactions", "transaction_id"),
        ("email_events", "event_id"),
        ("web_sessions", "session_id"),
        ("releases", "release_id"),
        ("campaigns", "campaign_id"),
    ]:
        assert tables[table][key].is_unique, table
    assert not tables["campaign_assignments"].duplicated(["campaign_id", "customer_id"]).any()
    assert not tables["sales_activity"].duplicated(["client_id", "month"]).any()


def test_referential_integrity(tables: dict[str, pd.DataFrame]) -> None:
    customers = set(tables["customers"].customer_id)
    campaigns = set(tables["campaigns"].campaign_id)
    for t in ("transactions", "email_events", "web_sessions", "campaign_assignments"):
        assert set(tables[t].customer_id) <= customers, t
    assert set(tables["transactions"].campaign_id.dropna().astype(int)) <= campaigns
    assert set(tables["email_events"].campaign_id) <= campaigns
    assert set(tables["campaign_assignments"].campaign_id) <= campaigns


def test_value_domains(tables: dict[str, pd.DataFrame]) -> None:
    tx = tables["transactions"]
    assert (tx.amount > 0).all() and set(tx.channel) <= set(c.CHANNELS)
    assert set(tx.product_category) == set(c.CATEGORIES)
    assert (tx[tx.campaign_id.notna()].is_discounted == 1).all()
    ws = tables["web_sessions"]
    assert (ws.pages_viewed >= 1).all() and (ws.duration_seconds >= 1).all()
    camp = tables["campaigns"]
    assert set(camp.campaign_type) == {"newsletter", "offer", "holdout_test", "voucher_test"}
    offers = camp[camp.campaign_type == "offer"]
    assert offers.campaign_id.tolist() == [1, 2, 3, 4, 5, 6]
    assert (offers.cost_per_contact == 3.0).all() and (camp.revenue_per_response == 11.0).all()
    assert offers.start_date.is_monotonic_increasing
    signup = pd.to_datetime(tables["customers"].signup_date)
    assert signup.min() >= pd.Timestamp("2024-01-01") and signup.max() < pd.Timestamp("2025-05-01")


def test_activity_after_signup(tables: dict[str, pd.DataFrame]) -> None:
    signup = tables["customers"].set_index("customer_id").signup_date.map(pd.Timestamp)
    for t, col in [
        ("transactions", "transaction_at"),
        ("web_sessions", "session_start_at"),
        ("email_events", "event_at"),
    ]:
        df = tables[t]
        assert (pd.to_datetime(df[col]) >= df.customer_id.map(signup).to_numpy()).all(), t


def test_opens_and_clicks_follow_sends(tables: dict[str, pd.DataFrame]) -> None:
    ev = tables["email_events"].assign(at=lambda d: pd.to_datetime(d.event_at))
    first = ev.groupby(["campaign_id", "customer_id", "event_type"]).at.min().unstack()
    assert len(ev[ev.event_type == "open"]) > 0 and len(ev[ev.event_type == "click"]) > 0
    opened = first[first.open.notna()]
    assert (opened.open > opened.send).all()
    clicked = first[first.click.notna()]
    assert (clicked.click > clicked.open).all()


def test_email_holdout(small: Path, tables: dict[str, pd.DataFrame]) -> None:
    truth = json.loads((small / "truth/truth.json").read_text())["email_holdout"]
    asg = tables["campaign_assignments"]
    ho = asg[asg.campaign_id == truth["campaign_id"]]
    n = len(ho)
    treated = set(ho[ho.arm == "treatment"].customer_id)
    assert abs(len(treated) / n - 0.5) < 4 * np.sqrt(0.25 / n)
    assert (truth["n_treatment"], truth["n_control"]) == (len(treated), n - len(treated))
    sends = tables["email_events"].query("campaign_id == @truth['campaign_id']")
    sends = sends[sends.event_type == "send"]
    assert set(sends.customer_id) == treated
    assert len(sends) == 4 * len(treated)
    assert pd.to_datetime(sends.event_at).dt.strftime("%Y-%m-%d").isin(truth["send_dates"]).all()
    assert truth["sate_purchase_day_rate"] > 0


def test_voucher_test(small: Path, tables: dict[str, pd.DataFrame]) -> None:
    truth = json.loads((small / "truth/truth.json").read_text())["voucher_test"]
    assert truth["month_start"] == "2025-03-01" and truth["month_end"] == "2025-03-31"
    asg = tables["campaign_assignments"].query("campaign_id == @truth['campaign_id']")
    cust = tables["customers"]
    assert set(asg.customer_id) == set(cust[cust.signup_date < "2025-03-01"].customer_id)
    tx = tables["transactions"].query("campaign_id == @truth['campaign_id']")
    treated = set(asg[asg.arm == "treatment"].customer_id)
    assert set(tx.customer_id) <= treated and (tx.is_discounted == 1).all()
    assert tx.transaction_at.between("2025-03-01", "2025-04-01").all()
    ct = pd.read_csv(small / "truth/customers_truth.csv")
    assert list(ct.columns) == [
        "customer_id",
        "segment",
        "uplift_type",
        "voucher_p_control",
        "voucher_p_treatment",
    ]
    eligible = ct[ct.customer_id.isin(asg.customer_id)]
    assert eligible.uplift_type.notna().all() and ct.uplift_type.notna().sum() == len(asg)
    expected = (eligible.voucher_p_treatment - eligible.voucher_p_control).mean()
    assert truth["ate_conversion_expected"] == pytest.approx(expected, abs=1e-3)
    assert abs(sum(truth["type_shares"].values()) - 1) < 1e-9


def test_purchase_model_ranking_and_rate(small: Path) -> None:
    pm = json.loads((small / "truth/truth.json").read_text())["purchase_model"]
    assert pm["realised_ranking"] == pm["planted_ranking"] == list(c.PLANTED_RANKING)
    g = pm["group_standardized_effects"]
    assert g["release_calendar"] > 4 * g["email"] and g["recency_loyalty"] > 4 * g["email"]
    assert 25 <= pm["days_per_purchase"] <= 70
    assert pm["coefficients"]["b_email"] == SMALL.get("email_effect", 0.15)


def test_zero_email_effect(tmp_path: Path) -> None:
    generate(_params(tmp_path, email_effect=0.0, customers=120))
    truth = json.loads((tmp_path / "truth/truth.json").read_text())
    ho = truth["email_holdout"]
    assert ho["sate_purchase_day_rate"] == 0 and ho["sate_spend_per_customer"] == 0
    assert truth["purchase_model"]["realised_ranking"][-1] == "email"


def test_parquet_output(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    summary = generate(_params(tmp_path, fmt="parquet", customers=100))
    for name in RAW_TABLES:
        table = pq.read_table(sorted((tmp_path / "raw" / name).glob("part-*.parquet")))
        assert table.column_names == COLUMNS[name]
        assert table.num_rows == summary["rows"][name]
    assert (tmp_path / "truth/customers_truth.csv").exists()


def test_invalid_params() -> None:
    with pytest.raises(ValueError):
        GeneratorParams(days=30)
    with pytest.raises(ValueError):
        GeneratorParams(fmt="json")


def test_segments_recoverable_by_kmeans(tmp_path: Path) -> None:
    cluster = pytest.importorskip("sklearn.cluster")
    metrics = pytest.importorskip("sklearn.metrics")
    generate(_params(tmp_path, customers=2000, days=365, seed=11))
    tx, ev, ws = (read(tmp_path, t) for t in ("transactions", "email_events", "web_sessions"))
    f = read(tmp_path, "customers").set_index("customer_id")[["income"]]
    f["spend"] = tx.groupby("customer_id").amount.sum()
    f["orders"] = tx.groupby("customer_id").size()
    f["aov"] = f.spend / f.orders
    for t in ("open", "click"):
        f[t] = ev[ev.event_type == t].groupby("customer_id").size()
    f["sessions"] = ws.groupby("customer_id").size()
    f["pages"] = ws.groupby("customer_id").pages_viewed.sum()
    f["duration"] = ws.groupby("customer_id").duration_seconds.sum()
    f = f.fillna({col: 0.0 for col in f.columns if col != "income"})
    f["income"] = f.income.fillna(f.income.median())
    x = ((f - f.mean()) / f.std()).to_numpy()
    labels = cluster.KMeans(4, n_init=10, random_state=0).fit_predict(x)
    truth = pd.read_csv(tmp_path / "truth/customers_truth.csv").set_index("customer_id")
    assert metrics.adjusted_rand_score(truth.segment.loc[f.index], labels) >= 0.9


def _ols(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    names = ["const", *c.PANEL_SPEND_CHANNELS, *c.CLIENT_TYPES[:3]]
    x = np.column_stack(
        [np.ones(len(df)), df[list(c.PANEL_SPEND_CHANNELS)].to_numpy(float)]
        + [(df.client_type == t).to_numpy(float) for t in c.CLIENT_TYPES[:3]]
    )
    y = df.amount_collected.to_numpy(float)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    sigma2 = resid @ resid / (len(y) - x.shape[1])
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(x.T @ x)))
    return beta, se, names


def test_panel_ols_recovers_coefficients() -> None:
    table, _ = build_panel(3, date(2025, 1, 1), 250, 12, 0.0)
    df = table.to_pandas()
    beta, se, names = _ols(df)
    planted = [c.PANEL_INTERCEPT, *c.PANEL_BETA, *c.PANEL_CLIENT_TYPE_EFFECT[:3]]
    for name, b, s, p in zip(names, beta, se, planted, strict=True):
        assert abs(b - p) < 4 * s, (name, b, p, s)
    assert (df.amount_collected > 0).all() and (df[list(c.PANEL_SPEND_CHANNELS)] >= 0).all().all()


def test_panel_autocorrelation() -> None:
    rho = 0.6
    _, err = build_panel(3, date(2025, 1, 1), 400, 12, rho)
    e = err.reshape(400, 12)
    est = np.corrcoef(e[:, 1:].ravel(), e[:, :-1].ravel())[0, 1]
    assert abs(est - rho) < 0.06
    assert abs(e.std() / c.PANEL_ERROR_SD - 1) < 0.1


def test_multiple_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import marketing_analytics.generator as gen

    monkeypatch.setattr(gen, "CHUNK_SIZE", 128)
    rows = generate(_params(tmp_path, customers=300))["rows"]
    assert len(list((tmp_path / "raw/customers").glob("part-*.csv"))) == 3
    cust, tx = read(tmp_path, "customers"), read(tmp_path, "transactions")
    assert cust.customer_id.tolist() == list(range(1, 301))
    assert tx.transaction_id.tolist() == list(range(1, rows["transactions"] + 1))
    assert set(tx.customer_id) <= set(cust.customer_id) and tx.customer_id.max() > 256
    truth = pd.read_csv(tmp_path / "truth/customers_truth.csv")
    assert truth.customer_id.tolist() == list(range(1, 301))
