"""CRM campaign analytics (seed 003): loader, cleaning, features, campaign marts, contact policy.

Unit tests of the helpers are fast; the rest reads the session build (``warehouse``) and
recomputes the figures independently with pandas from the raw files (the Kaggle file as
published, the synthetic company's CSVs).
"""

import csv
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import company_vars, require_public
from dbt_runner import PROJECT_ROOT, DbtEnv, DbtWorker

from marketing_analytics.warehouse_files import table_folder

KAGGLE = "kaggle_marketing_campaign"
FLAGS = ["AcceptedCmp1", "AcceptedCmp2", "AcceptedCmp3", "AcceptedCmp4", "AcceptedCmp5"]
MNT = [
    "MntWines",
    "MntFruits",
    "MntMeatProducts",
    "MntFishProducts",
    "MntSweetProducts",
    "MntGoldProds",
]


# --------------------------------------------------------------------------- helpers


def read_kaggle(folder: str) -> pd.DataFrame:
    """The published file read independently of the project (pandas, its own quirks)."""
    return pd.read_csv(Path(folder) / "marketing_campaign.csv", sep=";", encoding="utf-8-sig")


def by_metric(frame: pd.DataFrame) -> pd.Series:
    return frame.set_index("metric")["value"]


# --------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_kaggle_reference_figures_and_independent_recount(warehouse, public_data) -> None:
    raw = read_kaggle(require_public(public_data, KAGGLE))
    checks = warehouse.query(
        "select rule_name, customers_affected from marts.fct_crm_quality_checks "
        f"where dataset = '{KAGGLE}'"
    ).set_index("rule_name")["customers_affected"]
    assert checks["customers"] == len(raw) == 2240
    assert checks["income_imputed"] == raw.Income.isna().sum() == 24
    assert checks["marital_status_alone_to_single"] == (raw.Marital_Status == "Alone").sum()
    assert checks["marital_status_absurd_to_unknown"] == (raw.Marital_Status == "Absurd").sum()
    assert checks["marital_status_yolo_to_unknown"] == (raw.Marital_Status == "YOLO").sum()
    assert checks["birth_year_implausible"] == (raw.Year_Birth < 1920).sum() > 0
    assert checks["z_cost_contact_not_3"] == 0 and checks["z_revenue_not_11"] == 0

    rates = warehouse.query(
        "select campaign, acceptance_rate, acceptance_rate_ci_lower, acceptance_rate_ci_upper "
        f"from marts.fct_crm_campaign_by_cluster where dataset = '{KAGGLE}' "
        "and segment_type = 'all'"
    ).set_index("campaign")
    published = dict(
        zip([*FLAGS, "Response"], [0.0643, 0.0134, 0.0728, 0.0746, 0.0728, 0.1491], strict=True)
    )
    for campaign, reference in published.items():
        assert rates.loc[campaign, "acceptance_rate"] == pytest.approx(raw[campaign].mean())
        assert round(rates.loc[campaign, "acceptance_rate"], 4) == reference
        assert rates.loc[campaign, "acceptance_rate_ci_lower"] < reference
        assert rates.loc[campaign, "acceptance_rate_ci_upper"] > reference


@pytest.mark.slow
def test_kaggle_cleaning_matches_pandas(warehouse, public_data) -> None:
    raw = read_kaggle(require_public(public_data, KAGGLE))
    cleaned = warehouse.query(
        "select customer_id, income, is_income_imputed, income_capped, mnt_wines, "
        "mnt_wines_capped, age_years, is_birth_year_implausible, customer_since_date "
        f"from intermediate.int_crm_customers_cleaned where dataset = '{KAGGLE}'"
    ).set_index("customer_id")
    raw = raw.set_index("ID").loc[cleaned.index]
    median = raw.Income.median()
    assert cleaned.income.astype(float).values == pytest.approx(raw.Income.fillna(median).values)
    low, high = np.percentile(raw.MntWines, [1, 99])
    assert cleaned.mnt_wines_capped.values == pytest.approx(raw.MntWines.clip(low, high).values)
    # caps from the observed incomes, applied to the imputed ones
    low, high = np.percentile(raw.Income.dropna(), [1, 99])
    assert cleaned.income_capped.values == pytest.approx(
        raw.Income.fillna(median).clip(low, high).values
    )
    assert cleaned.age_years[raw.Year_Birth < 1920].isna().all()
    assert pd.to_datetime(cleaned.customer_since_date).dt.strftime("%Y-%m-%d").tolist() == (
        raw.Dt_Customer.tolist()
    )


@pytest.mark.slow
def test_kaggle_contact_policy_beats_contacting_everyone(warehouse, public_data) -> None:
    require_public(public_data, KAGGLE)
    policy = warehouse.query(
        f"select * from marts.fct_crm_contact_policy where dataset = '{KAGGLE}'"
    )
    assert policy.contact_all_cost.iloc[0] == pytest.approx(6720)
    assert policy.contact_all_revenue.iloc[0] == pytest.approx(3674)
    assert policy.contact_all_profit.iloc[0] == pytest.approx(-3046)
    assert policy.policy_total_expected_profit.iloc[0] > -3046
    # recompute the policy from the customers' labels and responses
    customers = warehouse.query(
        f"select rfm_label, response from marts.dim_crm_customers where dataset = '{KAGGLE}'"
    )
    baseline = customers.response.mean()
    grouped = customers.groupby("rfm_label").response.agg(["count", "sum", "mean"])
    profit = grouped["sum"] * 11 - grouped["count"] * 3
    roi = profit / (grouped["count"] * 3)
    contact = (roi > 0) & (grouped["mean"] / baseline > 1)
    expected = pd.Series(np.where(contact, "CONTACT", "SKIP"), index=grouped.index)
    decisions = policy.set_index("segment").decision
    assert decisions.sort_index().tolist() == expected.sort_index().tolist()
    assert (decisions == "CONTACT").any()
    assert policy.policy_total_expected_profit.iloc[0] == pytest.approx(profit[contact].sum())


@pytest.mark.slow
def test_synthetic_snapshot_matches_raw_events(warehouse, test_company) -> None:
    raw = test_company / "raw"
    transactions = pd.concat(pd.read_csv(p) for p in sorted((raw / "transactions").glob("*.csv")))
    campaigns = pd.read_csv(raw / "campaigns" / "part-00000.csv")
    offers = campaigns[campaigns.campaign_type == "offer"].sort_values("start_date")
    snapshot_date = pd.Timestamp(offers.start_date.iloc[-1]) - pd.Timedelta(days=1)
    snapshot = warehouse.query(
        "select * from intermediate.int_synthetic_events_aggregated_to_crm_customers"
    ).set_index("customer_id")
    before = transactions[
        (pd.to_datetime(transactions.transaction_at).dt.normalize() <= snapshot_date)
        & transactions.customer_id.isin(snapshot.index)
    ]
    categories = pd.read_csv(Path(__file__).parents[2] / "seeds" / "product_categories.csv")
    spend = (
        before.merge(categories, on="product_category").groupby("kaggle_spend_column").amount.sum()
    )
    columns = dict(
        zip(
            MNT,
            [
                "mnt_wines",
                "mnt_fruits",
                "mnt_meat_products",
                "mnt_fish_products",
                "mnt_sweet_products",
                "mnt_gold_products",
            ],
            strict=True,
        )
    )
    for kaggle_column, column in columns.items():
        assert snapshot[column].astype(float).sum() == pytest.approx(spend[kaggle_column])
    for channel in ["web", "catalog", "store"]:
        assert snapshot[f"num_{channel}_purchases"].sum() == (before.channel == channel).sum()
    assert snapshot.num_deals_purchases.sum() == before.is_discounted.sum()
    for number, campaign_id in enumerate(offers.campaign_id.iloc[:5], start=1):
        takers = set(transactions.customer_id[transactions.campaign_id == campaign_id])
        assert snapshot[f"accepted_cmp{number}"].sum() == len(takers & set(snapshot.index))
    last = offers.campaign_id.iloc[-1]
    responders = set(transactions.customer_id[transactions.campaign_id == last])
    assert snapshot.response.sum() == len(responders & set(snapshot.index)) > 0
    assert (snapshot.z_cost_contact.astype(float) == 3).all()
    assert (snapshot.z_revenue.astype(float) == 11).all()


@pytest.mark.slow
def test_crm_scorecard_rows_are_consistent(warehouse, public_data) -> None:
    rows = warehouse.query("select * from reports.rpt_validation_scorecard where analysis = 'crm'")
    synthetic = rows[rows.dataset == "synthetic"]
    assert len(synthetic) == 6 and synthetic.reference_value.notna().all()
    assert synthetic.is_consistent.astype(bool).all(), synthetic.to_string()
    if KAGGLE in public_data:
        kaggle = rows[rows.dataset == KAGGLE]
        assert len(kaggle) == 12
        assert kaggle.is_consistent.astype(bool).all(), kaggle.to_string()


@pytest.mark.slow
def test_clusters_selected_on_a_k_grid_with_stability(warehouse) -> None:
    selection = warehouse.query("select * from ml.ml_crm_clusters_selected")
    for _, table in selection.groupby("dataset"):
        assert sorted(table.k) == [3, 4, 5, 6]
        assert table.is_selected.astype(bool).sum() == 1
        assert table.silhouette.notna().all() and table.stability_ari.between(-1, 1).all()
    labels = warehouse.query(
        "select dataset, count(*) as n, count(distinct cluster_id) as clusters, max(k) as k "
        "from ml.ml_crm_customers_clusters group by dataset"
    ).set_index("dataset")
    customers = warehouse.query(
        "select dataset, count(*) as n from marts.dim_crm_customers group by dataset"
    ).set_index("dataset")
    assert (labels.n == customers.n.loc[labels.index]).all()
    assert (labels.clusters == labels.k).all()


# --------------------------------------------------------------------------- loader variants


def write_variant(
    source: Path,
    target: Path,
    separator: str,
    line_end: str,
    bom: bool,
    day_first: bool,
    drop_column: str | None = None,
) -> None:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header = rows[0]
    date_index = header.index("Dt_Customer")
    keep = [i for i, name in enumerate(header) if name != drop_column]
    out = io.StringIO()
    for number, row in enumerate(rows):
        if day_first and number > 0:
            year, month, day = row[date_index].split("-")
            row[date_index] = f"{day}-{month}-{year}"
        out.write(separator.join(row[i] for i in keep) + line_end)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))


@pytest.mark.slow
def test_loader_accepts_other_forms_and_names_a_missing_column(
    public_data, test_company, tmp_path
) -> None:
    # Own dbt runs: the loader must be run on files that differ from the published one.
    # Only the Kaggle staging model is built (on the session's test company raw files),
    # four times into one warehouse served by one warm dbt process.
    folder = Path(require_public(public_data, KAGGLE))
    raw = read_kaggle(str(folder))
    variants = {
        "tab_ddmmyyyy_lf_nobom": dict(separator="\t", line_end="\n", bom=False, day_first=True),
        "comma_crlf_bom": dict(separator=",", line_end="\r\n", bom=True, day_first=False),
    }
    # This form's folder is given relative to the project, where dbt runs: it must be read
    # from there, not from a folder of that name inside the warehouse.
    given_relative = "comma_crlf_bom"
    dbt_env = DbtEnv(state_dir=tmp_path / "spark", target_dir=tmp_path / "target")
    select = ["build", "-s", "stg_kaggle_marketing_campaign__customers"]
    with DbtWorker(dbt_env) as dbt:
        for name, options in variants.items():
            variant = tmp_path / name / KAGGLE
            write_variant(
                folder / "marketing_campaign.csv", variant / "marketing_campaign.csv", **options
            )
            given = os.path.relpath(variant, PROJECT_ROOT) if name == given_relative else variant
            result = dbt.run(select, company_vars(test_company, {KAGGLE: str(given)}))
            # The hook registers only the source this selection reads.
            assert "register_raw_tables: 1 of " in result.stdout
            schemas = {p.name for p in (dbt_env.state_dir / "warehouse").glob("*.db")}
            assert "raw.db" in schemas
            assert not schemas & {"truth.db", "raw_hillstrom.db", "raw_artea.db"}
            # The staged table read from its Parquet files (the folder of the run that last
            # swapped it in): no `dbt show`.
            warehouse = dbt_env.state_dir / "warehouse" / "staging.db"
            staged = pd.read_parquet(
                table_folder(warehouse, "stg_kaggle_marketing_campaign__customers")
            )
            row = {
                "n": len(staged),
                "with_income": staged["income"].notna().sum(),
                "responses": staged["response"].sum(),
                "wines": staged["mnt_wines"].sum(),
                "first_date": staged["customer_since_date"].min(),
            }
            assert int(row["n"]) == len(raw)
            assert int(row["with_income"]) == raw.Income.notna().sum()
            assert int(row["responses"]) == raw.Response.sum()
            assert float(row["wines"]) == pytest.approx(raw.MntWines.sum())
            assert str(row["first_date"])[:10] == min(raw.Dt_Customer)

        broken = tmp_path / "broken" / KAGGLE
        write_variant(
            folder / "marketing_campaign.csv",
            broken / "marketing_campaign.csv",
            separator=",",
            line_end="\n",
            bom=False,
            day_first=False,
            drop_column="MntFruits",
        )
        result = dbt.run(select, company_vars(test_company, {KAGGLE: str(broken)}), check=False)
    assert result.returncode != 0
    assert "columns missing from the header: MntFruits" in result.stdout
