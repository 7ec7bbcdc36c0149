"""The whole project builds on the test company; nothing is lost between files and staging."""

import json

import pandas as pd
import pytest
from conftest import DOCUMENTED_BIAS, TEST_COMPANY
from dbt_runner import run_results

pytestmark = pytest.mark.slow


def test_build_has_no_errors_or_failures(project_build) -> None:
    results = run_results(project_build)["results"]
    bad = [r["unique_id"] for r in results if r["status"] not in ("success", "pass")]
    assert not bad
    assert len(results) > 50


def test_manifest_documents_every_model(project_build) -> None:
    manifest = json.loads((project_build.target_dir / "manifest.json").read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert models
    undocumented = [m["name"] for m in models if not m["description"].strip()]
    assert not undocumented
    missing_columns = [
        m["name"]
        for m in models
        if m["name"].startswith(("stg_", "fct_", "dim_")) and not m["columns"]
    ]
    assert not missing_columns
    assert (project_build.target_dir / "catalog.json").exists()


def test_raw_rows_match_generator_and_reconcile(warehouse, test_company) -> None:
    written = json.loads((test_company / "manifest.json").read_text())
    counts = warehouse.query(
        "select table_name, raw_rows, staged_rows, rejected_rows, generated_rows "
        "from intermediate.int_raw_tables_reconciled"
    ).set_index("table_name")
    assert counts.loc["customers", "raw_rows"] == TEST_COMPANY.customers
    for table, row in counts.iterrows():
        assert row.raw_rows == written["tables"][table]["row_count"] == row.generated_rows
        assert row.raw_rows == row.staged_rows + row.rejected_rows
    # The generator writes clean data: nothing is rejected.
    assert counts.rejected_rows.sum() == 0


def test_scorecard_is_consistent_wherever_it_has_a_reference(warehouse) -> None:
    scorecard = warehouse.query("select * from marts.fct_validation_scorecard")
    foundation = scorecard[scorecard.analysis == "foundation"]
    assert len(foundation) == 16
    documented = pd.MultiIndex.from_frame(scorecard[["analysis", "metric"]]).isin(DOCUMENTED_BIAS)
    judged = scorecard[scorecard.reference_value.notna() & ~documented]
    inconsistent = judged[~judged.is_consistent.astype(bool)]
    assert inconsistent.empty, inconsistent.to_string()
