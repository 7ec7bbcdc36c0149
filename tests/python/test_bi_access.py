"""BI access: the marts through a real HiveServer2 client (PyHive) on the Spark Thrift
Server, checked against the tables' Parquet files read by an independent reader
(DuckDB), the server bound to loopback only, and the file export."""

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dbt_runner import PROJECT_ROOT
from test_docs_site import listening_addresses

from marketing_analytics.export import export_marts
from marketing_analytics.spark_env import profile_spark_conf
from marketing_analytics.warehouse_files import WarehouseFiles

pytestmark = pytest.mark.slow

# What BI reads, plus staging tables whose counts the foundation reconciles.
CHECKED = ["rpt_validation_scorecard", "stg_synthetic__transactions", "stg_synthetic__customers"]


@pytest.fixture(scope="module")
def files(project_build) -> WarehouseFiles:
    conf = profile_spark_conf("local", PROJECT_ROOT / "profiles", project_build.environ())
    return WarehouseFiles(project_build.target_dir, Path(conf["spark.sql.warehouse.dir"]))


def duckdb_count(folder: Path) -> int:
    pattern = str(folder / "**" / "*.parquet")
    query = f"select count(*) from read_parquet('{pattern}', hive_partitioning = true)"
    return duckdb.connect().execute(query).fetchone()[0]


def test_public_marts_are_contracted_documented_and_in_marts_or_reports(project_build) -> None:
    manifest = json.loads((project_build.target_dir / "manifest.json").read_text())
    public = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node.get("access") == "public"
    ]
    assert any(node["name"] == "rpt_validation_scorecard" for node in public)
    for node in public:
        assert node["schema"] in ("marts", "reports"), node["name"]
        assert node["config"]["contract"]["enforced"], node["name"]
        assert node["description"].strip(), node["name"]
        for column in node["columns"].values():
            assert column.get("data_type") and column.get("description"), (node["name"], column)


def test_row_counts_through_hiveserver2_equal_the_parquet_files(warehouse, files) -> None:
    for name in sorted(set(CHECKED) | set(files.public_marts())):
        info = files.info(name)
        through_thrift = int(warehouse.scalar(f"select count(*) from {info.relation}"))
        assert through_thrift > 0, name
        assert through_thrift == duckdb_count(info.folder), name


def test_mart_values_through_hiveserver2_equal_the_parquet_files(warehouse, files) -> None:
    info = files.info("rpt_validation_scorecard")
    columns = "analysis, dataset, metric, value, reference_value, is_consistent"
    through_thrift = warehouse.query(f"select {columns} from {info.relation}")
    from_files = (
        duckdb.connect()
        .execute(f"select {columns} from read_parquet('{info.folder}/*.parquet')")
        .df()
    )
    keys = ["analysis", "dataset", "metric"]
    left = through_thrift.sort_values(keys).reset_index(drop=True)
    right = from_files.sort_values(keys).reset_index(drop=True)
    for column in ("value", "reference_value"):
        left[column] = left[column].astype(float)
        right[column] = right[column].astype(float)
    left["is_consistent"] = left["is_consistent"].astype("boolean")
    right["is_consistent"] = right["is_consistent"].astype("boolean")
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


def test_thrift_server_listens_on_loopback_only(thrift_server, warehouse) -> None:
    assert thrift_server.host == "127.0.0.1"
    assert listening_addresses(thrift_server.port) == {"127.0.0.1"}
    # The schemas BI browses over JDBC.
    schemas = set(warehouse.query("show schemas").iloc[:, 0])
    assert {"marts", "staging", "intermediate"} <= schemas


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_the_public_marts_while_the_server_runs(
    fmt, warehouse, files, tmp_path: Path
) -> None:
    # The Thrift server holds the Derby metastore: the export must not need Spark.
    written = export_marts(files, tmp_path, fmt)
    assert {item.model for item in written} == set(files.public_marts())
    for item in written:
        relation = files.info(item.model).relation
        expected = int(warehouse.scalar(f"select count(*) from {relation}"))
        frame = pd.read_parquet(item.path) if fmt == "parquet" else pd.read_csv(item.path)
        assert item.rows == len(frame) == expected, item.model
    scorecard = next(item for item in written if item.model == "rpt_validation_scorecard")
    frame = pd.read_parquet(scorecard.path) if fmt == "parquet" else pd.read_csv(scorecard.path)
    total = float(warehouse.scalar("select sum(value) from reports.rpt_validation_scorecard"))
    assert frame["value"].astype(float).sum() == pytest.approx(total, rel=1e-12)
    chosen = export_marts(files, tmp_path / "one", fmt, ["stg_synthetic__customers"])
    assert [item.path.name for item in chosen] == [f"stg_synthetic__customers.{fmt}"]
