"""dbt Python models (MLlib, statsmodels) run under plain ``dbt build`` on open-source
Spark: in the embedded session and through a Spark Connect server."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from conftest import free_port
from dbt_runner import PROJECT_ROOT, DbtEnv, run_dbt, run_results

from marketing_analytics import servers
from marketing_analytics.spark_env import profile_spark_conf

FIXTURE_PROJECT = Path(__file__).parent / "fixtures" / "python_models_project"
PROFILES = ["--profiles-dir", str(PROJECT_ROOT / "profiles")]

pytestmark = pytest.mark.slow


def build_fixture_project(dbt_env: DbtEnv, **env: str) -> str:
    # The singular tests compare the OLS and MLlib outputs with closed forms.
    result = run_dbt(["build", *PROFILES], dbt_env, project_dir=FIXTURE_PROJECT, **env)
    assert "PASS=5" in result.stdout and "ERROR=0" in result.stdout, result.stdout
    return result.stdout


@dataclass(frozen=True)
class EmbeddedBuild:
    returncode: int
    stdout: str
    run_results: dict


@pytest.fixture(scope="module")
def embedded_build(tmp_path_factory: pytest.TempPathFactory):
    """One embedded build with the planted broken model: the good models and the
    closed-form tests must pass beside it (one JVM for both tests below)."""
    root = tmp_path_factory.mktemp("embedded")
    dbt_env = DbtEnv(root / "spark", root / "target")
    result = run_dbt(
        ["build", *PROFILES, "--threads", "4", "--vars", "{include_broken_model: true}"],
        dbt_env,
        project_dir=FIXTURE_PROJECT,
        check=False,
    )
    return EmbeddedBuild(result.returncode, result.stdout, run_results(dbt_env))


def execute_interval(results: dict, model: str) -> tuple[datetime, datetime]:
    (result,) = [r for r in results["results"] if r["unique_id"].endswith(f".{model}")]
    (timing,) = [t for t in result["timing"] if t["name"] == "execute"]
    return (
        datetime.fromisoformat(timing["started_at"].replace("Z", "+00:00")),
        datetime.fromisoformat(timing["completed_at"].replace("Z", "+00:00")),
    )


def test_python_models_build_in_embedded_spark(embedded_build) -> None:
    out = embedded_build.stdout
    assert "OK created python table model analytics.ml_points_ols" in out
    assert "OK created python table model analytics.ml_points_mllib" in out
    # The singular tests compare the OLS and MLlib outputs with closed forms; the one
    # error is the planted model.
    assert "PASS=5" in out and "ERROR=1" in out, out


def test_python_models_run_at_once_on_one_session(embedded_build) -> None:
    # With --threads 4 the two models (both children of `points`) run side by side on the
    # one SparkSession; both still match their closed forms (test above).
    ols = execute_interval(embedded_build.run_results, "ml_points_ols")
    mllib = execute_interval(embedded_build.run_results, "ml_points_mllib")
    assert ols[0] < mllib[1] and mllib[0] < ols[1], (ols, mllib)


def test_python_model_error_shows_model_traceback(embedded_build) -> None:
    assert embedded_build.returncode == 1
    out = embedded_build.stdout
    assert "Python model ml_broken failed" in out
    # The traceback names the model file and the line of the helper that raised.
    assert 'File "<dbt python model python_models/ml_broken.py>", line 2, in fail_on_purpose' in out
    assert "ValueError: planted failure in a helper, 500 rows" in out


def test_python_models_build_through_spark_connect(tmp_path: Path) -> None:
    server_env = DbtEnv(tmp_path / "server", tmp_path / "server-target")
    conf = profile_spark_conf("local", PROJECT_ROOT / "profiles", server_env.environ())
    port = free_port()
    server = servers.start_connect_server(conf, server_env.state_dir, port=port)
    try:
        client_env = DbtEnv(tmp_path / "client", tmp_path / "client-target")
        out = build_fixture_project(
            client_env, DBT_TARGET="connect", SPARK_CONNECT_URL=f"sc://127.0.0.1:{port}"
        )
        assert "OK created python table model analytics.ml_points_mllib" in out
        # The tables live in the server's warehouse, not in a local one.
        assert (server_env.state_dir / "warehouse" / "analytics.db" / "ml_points_ols").is_dir()
        assert not (client_env.state_dir / "warehouse").exists()
        assert server.pid == servers.running("connect", server_env.state_dir)
    finally:
        assert servers.stop("connect", server_env.state_dir)
