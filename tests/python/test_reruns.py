"""Reruns and failures: a rerun gives identical tables; a run killed mid-model leaves
every table in place and the rerun gives the same tables again.

Uses the warehouse of ``broken_company_build`` (its end-of-run checksums are the
reference) and adds two ``dbt run`` invocations on it (models only, no tests): one of the
marts, SIGKILLed while the first of them is being written, then a rerun of the marts, the
Python (MLlib, statsmodels) models and the reports, whose seeds must make them reproducible. The
SQL models upstream are checked against another execution in test_cluster.py.
"""

import re

import pytest
from reliability_support import checksums, query_warehouse, run_dbt_watched

from marketing_analytics.warehouse_files import table_folder

pytestmark = pytest.mark.slow

# Tables left by the table materialization mid-swap are not readers' tables.
LEFTOVER = re.compile(r"__dbt_(tmp_[0-9a-f]+|backup)$")
# A run killed inside the swap of this table, after its first statement: its tmp table
# points at the table's files, and its own folder holds the new files, unreferenced.
SWAPPED, INTERRUPTED = "rpt_validation_scorecard", "rpt_validation_scorecard__dbt_tmp_0000dead"


def real_tables(sums: dict) -> dict:
    return {name: value for name, value in sums.items() if not LEFTOVER.search(name)}


@pytest.fixture(scope="module")
def killed_and_rerun(broken_company_build):
    build = broken_company_build
    reference = checksums(build.run.stdout)["end"]
    # Kill the run as soon as a mart's new version is being written (its tmp
    # location appears in the warehouse), before the swap. Only the marts are selected,
    # so the kill comes within seconds instead of after every upstream model.
    warehouse = build.dbt_env.state_dir / "warehouse"
    killed = run_dbt_watched(
        ["run", "--select", "path:models/marts"],
        build.dbt_env,
        build.dbt_vars,
        kill_when=warehouse / "marts.db" / "*__dbt_tmp_*",
    )
    # The reports are not in the killed run: their files are where the first build put them.
    reports = warehouse / "reports.db"
    query_warehouse(
        build.dbt_env,
        [
            f"create table reports.{INTERRUPTED} as select * from reports.{SWAPPED}",
            f"alter table reports.{INTERRUPTED} set location '{table_folder(reports, SWAPPED)}'",
        ],
    )
    rerun = run_dbt_watched(
        ["run", "--select", "path:models/marts", "path:python_models", "path:models/reports"],
        build.dbt_env,
        build.dbt_vars,
    )
    return reference, killed, rerun


def test_reference_covers_every_layer(killed_and_rerun) -> None:
    reference, _, _ = killed_and_rerun
    schemas = {name.split(".")[0] for name in reference}
    assert {"staging", "intermediate", "marts", "ml", "reports"} <= schemas
    assert reference["reports.rpt_validation_scorecard"][0] > 0


def test_kill_happened_mid_model(killed_and_rerun) -> None:
    _, killed, _ = killed_and_rerun
    assert killed.killed and killed.returncode == -9
    assert "START sql table model marts." in killed.stdout


def test_no_table_missing_or_half_written_after_the_kill(killed_and_rerun) -> None:
    reference, _, rerun = killed_and_rerun
    after_kill = checksums(rerun.stdout)["start"]  # what a reader finds after the kill
    assert real_tables(after_kill) == reference


def test_rerun_gives_identical_tables(killed_and_rerun) -> None:
    reference, _, rerun = killed_and_rerun
    assert rerun.returncode == 0, rerun.stdout[-5000:]
    assert "OK created python table model ml." in rerun.stdout  # the models were rebuilt
    end = checksums(rerun.stdout)["end"]
    assert real_tables(end) == reference
    # and leaves no tmp or backup table behind
    assert not [name for name in end if LEFTOVER.search(name)]


def test_swap_interrupted_by_a_kill_leaves_no_folder_behind(
    killed_and_rerun, broken_company_build
) -> None:
    """The planted leftover of a swap cut short shares the table's files: the rerun must drop
    it without deleting them (the checksums above) and delete the folder only it knew."""
    _, _, rerun = killed_and_rerun
    assert rerun.returncode == 0, rerun.stdout[-5000:]
    reports = broken_company_build.dbt_env.state_dir / "warehouse" / "reports.db"
    assert not (reports / INTERRUPTED).exists()
    # one folder holds the table (table_folder raises when two complete ones could)
    assert table_folder(reports, SWAPPED).is_dir()


def test_tables_are_swapped_never_dropped_first(killed_and_rerun, broken_company_build) -> None:
    """Every table model is written under its tmp name and swapped in by pointing the table
    at the new files: no statement drops or renames a table that readers use."""
    log = (broken_company_build.dbt_env.target_dir / "logs" / "dbt.log").read_text()
    log = log[log.rfind("Running with dbt=") :]  # the rerun only
    assert "alter table reports.rpt_validation_scorecard set location '" in log
    assert not re.findall(r"alter table (\w+\.\w+) rename to", log)
    # (raw and truth tables are re-registered over the files on every run: not models)
    drops = [
        name
        for name in re.findall(r"drop table if exists (\w+\.\w+)", log)
        if not name.startswith(("raw.", "truth."))
    ]
    assert drops and all(LEFTOVER.search(name) for name in drops), drops
    assert "create table reports.rpt_validation_scorecard\n" not in log
