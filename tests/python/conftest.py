"""Shared fixtures: one synthetic test company, one full ``dbt build``, one Thrift server.

The whole project is built once per test session (with the public datasets of
../shared/data when present); tests read the marts through the Spark Thrift
Server, which then owns the warehouse (Derby admits one Spark process).
"""

import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from dbt_runner import PROJECT_ROOT, DbtEnv, DbtWorker

from marketing_analytics import servers
from marketing_analytics.generator import GeneratorParams, generate
from marketing_analytics.public_data import find_public_data
from marketing_analytics.spark_env import profile_spark_conf

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

# Small enough for 2 cores, large enough for the planted effects to be found.
TEST_COMPANY = GeneratorParams(
    customers=3000, days=365, seed=7, out=Path("unused"), start_date=date(2025, 1, 1)
)


# Scorecard rows that are documented as off their reference (README, Attribution): the daily
# purchase model leaves out the latent segment, so its e-mail coefficient sits above the
# planted one. test_attribution checks that bias; the "all consistent" checks skip the row.
DOCUMENTED_BIAS = {("attribution", "purchase_model_email_coefficient")}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def public_data() -> dict[str, str]:
    """Public datasets found in ../shared/data (empty on a user's machine)."""
    return find_public_data(SHARED_DATA) if SHARED_DATA.is_dir() else {}


def require_public(public_data: dict[str, str], name: str) -> str:
    if name not in public_data:
        pytest.skip(f"public dataset {name} not found under {SHARED_DATA}")
    return public_data[name]


@pytest.fixture(scope="session")
def test_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("company")
    generate(GeneratorParams(**{**TEST_COMPANY.__dict__, "out": out}))
    return out


def company_vars(company: Path, public_data: dict[str, str] | None = None) -> dict:
    return {
        "raw_path": str(company / "raw"),
        "truth_path": str(company / "truth"),
        "public_data": public_data or {},
    }


@pytest.fixture(scope="session")
def project_build(
    test_company: Path, public_data: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> DbtEnv:
    """``dbt build`` and ``dbt docs generate`` of the whole project, once, in one JVM."""
    root = tmp_path_factory.mktemp("build")
    dbt_env = DbtEnv(state_dir=root / "spark", target_dir=root / "target")
    dbt_vars = company_vars(test_company, public_data)
    with DbtWorker(dbt_env) as dbt:
        dbt.run(["build"], dbt_vars)
        dbt.run(["docs", "generate"], dbt_vars)
    return dbt_env


class Warehouse:
    """SQL over the built warehouse through a real HiveServer2 client (PyHive)."""

    def __init__(self, host: str, port: int) -> None:
        from pyhive import hive

        self.connection = hive.connect(host=host, port=port, username="tests")

    def query(self, sql: str) -> pd.DataFrame:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql)
            columns = [column[0].split(".")[-1] for column in cursor.description]
            return pd.DataFrame(cursor.fetchall(), columns=columns)
        finally:
            cursor.close()

    def scalar(self, sql: str):
        return self.query(sql).iat[0, 0]


@pytest.fixture(scope="session")
def thrift_server(project_build: DbtEnv) -> Iterator[servers.Server]:
    conf = profile_spark_conf("local", PROJECT_ROOT / "profiles", project_build.environ())
    server = servers.start_thrift_server(conf, project_build.state_dir, port=free_port())
    try:
        yield server
    finally:
        servers.stop("thrift", project_build.state_dir)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A small in-memory SparkSession (no Hive catalog, so no Derby metastore and no clash
    with a build) for tests of the Python modules and SQL macros: one JVM for all of them."""
    import os

    from pyspark.sql import SparkSession

    from marketing_analytics.class_archive import java_options
    from marketing_analytics.spark_env import spark_environment

    for key, value in spark_environment().items():
        os.environ.setdefault(key, value)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark_warehouse")))
        .config("spark.driver.memory", "1g")
        .config("spark.driver.extraJavaOptions", java_options())
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def warehouse(thrift_server: servers.Server) -> Warehouse:
    return Warehouse(thrift_server.host, thrift_server.port)


# The reliability suite's one tiny build with planted bad input (shared by
# test_bad_input, test_reruns and test_security).
from reliability_support import broken_company_build  # noqa: E402, F401

# `make test` runs the suite on two pytest-xdist workers (--dist loadgroup). A worker
# builds each session fixture it needs, so every test that reads one shared build runs on
# the same worker: the project build's readers on one, the broken company's on the other.
SHARED_BUILDS = {"project_build": "project", "broken_company_build": "reliability"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        groups = {group for name, group in SHARED_BUILDS.items() if name in item.fixturenames}
        if len(groups) > 1:
            raise pytest.UsageError(f"{item.nodeid} reads two shared builds: {sorted(groups)}")
        if not groups and item.get_closest_marker("slow"):
            # Module-scoped fixtures (a fixture project's build, a cluster) are built once
            # per worker: the slow tests of a module stay together.
            groups = {item.path.stem}
        if groups:
            item.add_marker(pytest.mark.xdist_group(groups.pop()))


def pytest_xdist_node_collection_finished(node, ids: list[str]) -> None:
    # xdist groups by a suffix it appends to the node ids; pytest 9.2 ignores that write, so
    # the groups silently vanish and each worker builds everything (pytest-xdist#1386).
    if node.config.getoption("dist") == "loadgroup" and not any("@" in i for i in ids):
        pytest.exit(
            "pytest-xdist grouped no test: this pytest and pytest-xdist do not group together "
            "(pytest-xdist#1386); keep the pins of pyproject.toml",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
