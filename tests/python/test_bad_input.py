"""The bad-input matrix (docs/data_quality.md): every broken case is quarantined with its
rule or stops the run with a clear error; every other row flows through.

Quarantine cases share ONE tiny build (``broken_company_build``); the cases that stop a
run share ONE more warehouse and one warm dbt process (``stopping_dbt``).
"""

import json
import shutil
from collections.abc import Iterator

import pytest
from dbt_runner import DbtEnv, DbtWorker, run_results
from reliability_support import query_warehouse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stopping_dbt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtWorker]:
    """The warehouse of the cases that stop a run: one JVM for both."""
    root = tmp_path_factory.mktemp("stopping")
    with DbtWorker(DbtEnv(root / "spark", root / "target")) as dbt:
        yield dbt


@pytest.fixture(scope="module")
def warehouse_rows(broken_company_build) -> dict:
    build = broken_company_build
    rejects, reconciled, staged = query_warehouse(
        build.dbt_env,
        [
            "select table_name, rule_name, raw_record from staging.stg_synthetic__rejects",
            "select * from intermediate.int_raw_tables_reconciled",
            "select 'customers' as table_name, cast(customer_id as string) as id "
            "from staging.stg_synthetic__customers where customer_id >= 900000 "
            "union all select 'transactions', cast(transaction_id as string) "
            "from staging.stg_synthetic__transactions where transaction_id >= 9000000",
        ],
    )
    return {"rejects": rejects, "reconciled": reconciled, "staged": staged}


def test_build_with_bad_input_succeeds_and_drift_warns(broken_company_build) -> None:
    run = broken_company_build.run
    assert run.returncode == 0, run.stdout[-5000:]
    results = json.loads((broken_company_build.dbt_env.target_dir / "run_results.json").read_text())
    status = {r["unique_id"].split(".")[2]: r["status"] for r in results["results"]}
    # The reject rate is far above 1 % in the small tables: a warning, not an error.
    assert status["assert_reject_rate_below_bound"] == "warn"
    assert not [name for name, s in status.items() if s in ("error", "fail")]


@pytest.mark.parametrize(
    "name_table",
    [
        "too_few_fields/customers",
        "unbalanced_quote/customers",
        "null_key/customers",
        "text_in_key/customers",
        "impossible_date/customers",
        "future_date/customers",
        "text_in_amount/customers",
        "unknown_category/customers",
        "latin1_file/customers",
        "too_many_fields/transactions",
        "text_in_amount/transactions",
        "negative_amount/transactions",
        "absurd_amount/transactions",
        "orphan_foreign_key/transactions",
        "customer_rejected_upstream/transactions",
        "future_timestamp/transactions",
        "impossible_timestamp/transactions",
        "unknown_category/transactions",
        "null_key/transactions",
        "unknown_category/email_events",
        "orphan_foreign_key/email_events",
        "zero_pages/web_sessions",
        "unknown_category/releases",
        "text_in_flag/releases",
        "end_before_start/campaigns",
        "unknown_category/campaigns",
        "unknown_category/campaign_assignments",
        "orphan_foreign_key/campaign_assignments",
        "negative_amount/sales_activity",
        "unknown_category/sales_activity",
    ],
)
def test_broken_row_is_rejected_with_its_rule(
    broken_company_build, warehouse_rows, name_table
) -> None:
    name, table = name_table.split("/")
    case = next(c for c in broken_company_build.cases if (c.name, c.table) == (name, table))
    hits = [
        r
        for r in warehouse_rows["rejects"]
        if r["table_name"] == table and case.marker in r["raw_record"]
    ]
    assert [r["rule_name"] for r in hits] == [case.rule] * case.rows, hits


def test_same_file_twice_rejects_exactly_the_copies(broken_company_build, warehouse_rows) -> None:
    case = next(c for c in broken_company_build.cases if c.name == "same_file_twice")
    duplicates = [
        r
        for r in warehouse_rows["rejects"]
        if r["table_name"] == "web_sessions" and r["rule_name"] == "duplicate_key"
    ]
    assert len(duplicates) == case.rows
    assert len({r["raw_record"] for r in duplicates}) == case.rows


def test_duplicate_keys_keep_exactly_one_row(warehouse_rows) -> None:
    rules = [(r["table_name"], r["rule_name"]) for r in warehouse_rows["rejects"]]
    # customer 1 planted again with other content, one sales_activity row copied
    assert rules.count(("customers", "duplicate_key")) == 1
    assert rules.count(("sales_activity", "duplicate_key")) == 1


def test_only_the_broken_rows_are_rejected(broken_company_build, warehouse_rows) -> None:
    expected: dict[str, int] = {}
    for case in broken_company_build.cases:
        if case.rule is not None:
            expected[case.table] = expected.get(case.table, 0) + case.rows
    expected["customers"] += 1  # the changed duplicate of customer 1
    expected["sales_activity"] += 1  # the copied row
    found: dict[str, int] = {}
    for row in warehouse_rows["rejects"]:
        found[row["table_name"]] = found.get(row["table_name"], 0) + 1
    assert found == expected


def test_valid_rows_flow_through(broken_company_build, warehouse_rows) -> None:
    staged = {(r["table_name"], r["id"]) for r in warehouse_rows["staged"]}
    flowing = [c for c in broken_company_build.cases if c.rule is None]
    assert {"utf8_bom_file", "valid_row_in_extra_file", "amount_at_bound"} <= {
        c.name for c in flowing
    }
    for case in flowing:
        value = case.marker.split(":")[1].strip('"')
        assert (case.table, value) in staged, case


def test_raw_equals_staged_plus_rejected_and_counts_planted_rows(
    broken_company_build, warehouse_rows
) -> None:
    for row in warehouse_rows["reconciled"]:
        assert row["raw_rows"] == row["staged_rows"] + row["rejected_rows"], row
    by_table = {r["table_name"]: r for r in warehouse_rows["reconciled"]}
    # Raw rows = the generator's rows + the planted lines (the empty and the
    # header-only part files add none).
    raw = broken_company_build.company / "raw"
    for table, row in by_table.items():
        lines = sum(
            max(len(part.read_bytes().splitlines()) - 1, 0) for part in (raw / table).glob("*.csv")
        )
        assert row["raw_rows"] == lines, table
        assert row["raw_rows"] > row["generated_rows"], table


def test_failing_test_rows_are_stored_for_audit(broken_company_build) -> None:
    """The rows of a test that warns or fails are kept as a view of ``audit``; a test that
    passes keeps none (that it drops an earlier failure's view: test_attribution.py)."""
    build = broken_company_build
    manifest = json.loads((build.dbt_env.target_dir / "manifest.json").read_text())["nodes"]
    flagged = {
        manifest[r["unique_id"]]["alias"]
        for r in run_results(build.dbt_env)["results"]
        if r["unique_id"].startswith("test.") and r["status"] in ("warn", "fail")
    }
    assert "assert_reject_rate_below_bound" in flagged
    stored, views = query_warehouse(
        build.dbt_env,
        ["select table_name from audit.assert_reject_rate_below_bound", "show views in audit"],
    )
    assert {"releases", "campaigns"} <= {r["table_name"] for r in stored}
    assert {v["viewName"] for v in views} == flagged


# ---------------------------------------------------------------- cases that stop a run
def test_schema_errors_stop_the_run_naming_file_and_column(
    broken_company_build, stopping_dbt, tmp_path
) -> None:
    """A missing, extra or renamed column, or a missing table folder, fails the base model
    that reads the table with Spark's message naming the file (and the column when
    renamed). One extra run, limited to those base models and their parents (seeds)."""
    raw = tmp_path / "raw"
    shutil.copytree(broken_company_build.company / "raw", raw)
    for part in (raw / "releases").glob("*.csv"):  # missing column: drop is_major
        lines = part.read_text().splitlines()
        part.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    for part in (raw / "campaigns").glob("*.csv"):  # extra column
        lines = part.read_text().splitlines()
        part.write_text("\n".join([lines[0] + ",note"] + [x + ",n" for x in lines[1:]]) + "\n")
    for part in (raw / "sales_activity").glob("*.csv"):  # renamed column
        text = part.read_text()
        part.write_text(text.replace("client_type", "facility_type", 1))
    models = [
        "base_synthetic__releases",
        "base_synthetic__campaigns",
        "base_synthetic__sales_activity",
    ]
    result = stopping_dbt.run(
        ["build", "-s", *[f"+{m}" for m in models]],
        {"raw_path": str(raw), "truth_path": ""},
        check=False,
    )
    assert result.returncode == 1
    results = run_results(stopping_dbt.dbt_env)["results"]
    messages = {r["unique_id"].split(".")[-1]: r["message"] or "" for r in results}
    for model in models:
        assert [r["status"] for r in results if r["unique_id"].endswith(model)] == ["error"]
    assert "Number of column in CSV header is not equal" in messages[models[0]]
    assert "Header length: 4, schema size: 5" in messages[models[0]]
    assert f"{raw}/releases/part-" in messages[models[0]]
    assert "Header length: 10, schema size: 9" in messages[models[1]]
    assert f"{raw}/campaigns/part-" in messages[models[1]]
    assert "CSV header does not conform to the schema" in messages[models[2]]
    assert "facility_type" in messages[models[2]] and "client_type" in messages[models[2]]
    # The rest of the run (the seeds the base models read) still builds.
    seeds = [r["status"] for r in results if r["unique_id"].startswith("seed.")]
    assert seeds and set(seeds) == {"success"}


def test_missing_table_folder_stops_the_run_naming_the_path(
    broken_company_build, stopping_dbt, tmp_path
) -> None:
    """Spark would read a missing folder as an empty table; the registration hook reads
    one line of each folder first. A run-operation: registration only, no model."""
    raw = tmp_path / "raw"
    shutil.copytree(broken_company_build.company / "raw", raw)
    shutil.rmtree(raw / "email_events")
    result = stopping_dbt.run(
        ["run-operation", "register_raw_tables"],
        {"raw_path": str(raw), "truth_path": ""},
        check=False,
    )
    assert result.returncode != 0
    assert "PATH_NOT_FOUND" in result.stdout
    assert f"{raw}/email_events" in result.stdout
