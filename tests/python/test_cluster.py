"""The project runs unchanged on a real Spark cluster through the ``connect`` target.

A Spark standalone cluster from the pyspark distribution (a master, two workers
with 1 core and 1 GB each) and a Spark Connect server submitting to it run on
127.0.0.1. ``dbt build`` of a tiny company's seeds and models goes through the
Connect server; the test checks that the executors on both workers ran tasks and
that every table equals the same build on the embedded Spark. No data tests: they
passed on the embedded build, and equal tables pass them again (data tests through
Connect run in test_python_models.py).

The company and the reference are those of ``broken_company_build`` (the tiny
company with every bad-input case planted, built once on the embedded Spark for the
reliability tests): the cluster build adds one build, and the bad rows must be
rejected identically on a cluster. Building the 3,000-customer session company
again on two 1-core executors would take far longer.
"""

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as pads
import pytest
from conftest import free_port
from dbt_runner import PROJECT_ROOT, DbtEnv, run_dbt

from marketing_analytics import servers
from marketing_analytics.spark_env import profile_spark_conf
from marketing_analytics.warehouse_files import table_folder

pytestmark = pytest.mark.slow


WORKERS = ("worker-1", "worker-2")
# SQL models must give the same rows; doubles may differ in the last bits when
# a sum's order changes with the partitioning. Models computed from a Python
# (MLlib/statsmodels) model's output get an optimizer's tolerance.
SQL_RTOL = 1e-9
ML_RTOL, ML_ATOL = 1e-3, 1e-6


@dataclass(frozen=True)
class Cluster:
    master_url: str
    webui_port: int
    connect_url: str
    state: Path
    env: DbtEnv


@pytest.fixture(scope="module")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Master + 2 workers + Connect server, all on 127.0.0.1, stopped by PID at the end."""
    root = tmp_path_factory.mktemp("cluster")
    state = root / "spark"
    dbt_env = DbtEnv(state, root / "target")
    started: list[str] = []
    try:
        port, webui_port = free_port(), free_port()
        servers.start_master(state, port, webui_port)
        started.append("master")
        master_url = f"spark://127.0.0.1:{port}"
        for name in WORKERS:
            servers.start_worker(state, master_url, free_port(), free_port(), name)
            started.append(name)
        servers.wait_for_workers(webui_port, len(WORKERS))
        conf = profile_spark_conf("local", PROJECT_ROOT / "profiles", dbt_env.environ())
        conf.update(
            {
                "spark.master": master_url,
                "spark.driver.memory": "1g",
                "spark.executor.memory": "768m",
                "spark.executor.cores": "1",
                # Tiny data: C2's compiles cost the executors more CPU than they save
                # (206 -> 124 CPU-s per build), CPU the other test worker needs.
                "spark.executor.extraJavaOptions": "-XX:TieredStopAtLevel=1",
                "spark.cores.max": str(len(WORKERS)),
                # MLlib on Connect runs the model's driver logic in the dbt
                # process; the k grids' pandas UDFs run on the executors, in the
                # venv's Python (which has the project and scikit-learn).
                "spark.pyspark.python": sys.executable,
                "spark.app.name": "marketing_analytics cluster test",
            }
        )
        connect_port = free_port()
        servers.start_connect_server(
            conf, state, port=connect_port, env={"PYSPARK_PYTHON": sys.executable}
        )
        started.append("connect")
        yield Cluster(master_url, webui_port, f"sc://127.0.0.1:{connect_port}", state, dbt_env)
    finally:
        # The client first, then the workers (they end their executors), the master last.
        for name in reversed(started):
            servers.stop(name, state)


@pytest.fixture(scope="module")
def cluster_build(broken_company_build, spark_cluster: Cluster) -> Cluster:
    client = DbtEnv(spark_cluster.state.parent / "client", spark_cluster.env.target_dir)
    run_dbt(
        ["build", "--resource-type", "model", "--resource-type", "seed"],
        client,
        broken_company_build.dbt_vars,
        DBT_TARGET="connect",
        SPARK_CONNECT_URL=spark_cluster.connect_url,
    )
    # Nothing was written by a Spark of the dbt process itself.
    assert not (client.state_dir / "warehouse").exists()
    return spark_cluster


def finished_tasks(work_dir: Path) -> int:
    """'Finished task' lines in the executor logs a worker keeps per application."""
    return sum(
        log.read_text(errors="replace").count("Finished task")
        for log in work_dir.glob("app-*/*/stderr")
    )


def test_tasks_ran_on_both_workers(cluster_build: Cluster) -> None:
    status = servers.master_status(cluster_build.webui_port)
    assert status["status"] == "ALIVE"
    workers = status["workers"]
    assert len(workers) == len(WORKERS)
    assert all(w["state"] == "ALIVE" and w["host"] == "127.0.0.1" for w in workers)
    apps = [a for a in status["activeapps"] if a["name"] == "marketing_analytics cluster test"]
    assert len(apps) == 1, status["activeapps"]
    # The Connect server's application holds one core on each worker.
    assert apps[0]["cores"] == len(WORKERS)
    assert [w["coresused"] for w in workers] == [1] * len(WORKERS)
    for name in WORKERS:
        tasks = finished_tasks(cluster_build.state / "work" / name)
        assert tasks > 0, f"no executor of {name} finished a task"


def built_tables(target_dir: Path) -> dict[str, dict]:
    """Table models of the build, by unique id, with their schema and alias."""
    manifest = json.loads((target_dir / "manifest.json").read_text())
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    built = {r["unique_id"] for r in results if r["status"] == "success"}
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if uid in built
        and node["resource_type"] == "model"
        and node["config"]["materialized"] in ("table", "incremental")
    }


def python_derived(nodes: dict[str, dict], manifest_nodes: dict[str, dict]) -> set[str]:
    """Python models and every model downstream of one (their figures carry optimizer noise)."""
    derived = {uid for uid, node in manifest_nodes.items() if node.get("language") == "python"}
    changed = True
    while changed:
        changed = False
        for uid, node in manifest_nodes.items():
            if uid not in derived and derived & set(node.get("depends_on", {}).get("nodes", [])):
                derived.add(uid)
                changed = True
    return derived & set(nodes)


def read_table(warehouse: Path, schema: str, alias: str) -> pd.DataFrame:
    dataset = pads.dataset(
        table_folder(warehouse / f"{schema}.db", alias), format="parquet", partitioning="hive"
    )
    return dataset.to_table().to_pandas()


def _sort_key(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "\0null"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def assert_same_rows(left: pd.DataFrame, right: pd.DataFrame, rtol: float, atol: float) -> None:
    """Same columns and rows in any order; doubles within tolerance, the rest exact."""
    assert list(left.columns) == list(right.columns)
    assert len(left) == len(right)
    floats = [c for c in left.columns if pd.api.types.is_float_dtype(left[c])]
    exact = [c for c in left.columns if c not in floats]
    order = exact + floats

    def canonical(frame: pd.DataFrame) -> pd.DataFrame:
        keys = frame[order].map(_sort_key)
        return frame.loc[keys.sort_values(order).index].reset_index(drop=True)

    left, right = canonical(left), canonical(right)
    for column in exact:
        mismatch = [
            i
            for i, (a, b) in enumerate(zip(left[column], right[column], strict=True))
            if _sort_key(a) != _sort_key(b) and not (isinstance(a, Decimal) and a == b)
        ]
        assert not mismatch, (
            f"{column}: {left[column][mismatch[:3]]} vs {right[column][mismatch[:3]]}"
        )
    for column in floats:
        assert np.allclose(
            left[column].to_numpy(float), right[column].to_numpy(float), rtol, atol, equal_nan=True
        ), column


def test_every_table_equals_the_local_build(cluster_build: Cluster, broken_company_build) -> None:
    local_build = broken_company_build.dbt_env
    tables = built_tables(cluster_build.env.target_dir)
    local_tables = built_tables(local_build.target_dir)
    assert set(tables) == set(local_tables)
    marts = [uid for uid, node in tables.items() if node["schema"] in ("marts", "ml")]
    assert marts, "the build made no marts"
    manifest = json.loads((cluster_build.env.target_dir / "manifest.json").read_text())
    noisy = python_derived(tables, manifest["nodes"])
    cluster_warehouse = cluster_build.state / "warehouse"
    local_warehouse = local_build.state_dir / "warehouse"
    for uid, node in sorted(tables.items()):
        cluster_rows = read_table(cluster_warehouse, node["schema"], node["alias"])
        local_rows = read_table(local_warehouse, node["schema"], node["alias"])
        rtol, atol = (ML_RTOL, ML_ATOL) if uid in noisy else (SQL_RTOL, 0.0)
        try:
            assert_same_rows(cluster_rows, local_rows, rtol, atol)
        except AssertionError as error:
            raise AssertionError(f"{uid} differs between cluster and local: {error}") from None
