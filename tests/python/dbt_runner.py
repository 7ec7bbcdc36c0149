"""Run the project's dbt in a subprocess with its own warehouse, target and logs."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")


@dataclass(frozen=True)
class DbtEnv:
    """Where one warehouse lives: Spark state (warehouse + metastore) and dbt's target."""

    state_dir: Path
    target_dir: Path

    def environ(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            SPARK_STATE_DIR=str(self.state_dir),
            DBT_TARGET_PATH=str(self.target_dir),
            DBT_LOG_PATH=str(self.target_dir / "logs"),
            DBT_PROFILES_DIR=str(PROJECT_ROOT / "profiles"),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            # Two cores: keep the embedded Spark's heap modest beside a Thrift server.
            SPARK_DRIVER_MEMORY=os.environ.get("SPARK_DRIVER_MEMORY", "3g"),
        )
        env.update(extra)
        return env


def run_dbt(
    args: list[str],
    dbt_env: DbtEnv,
    dbt_vars: dict | None = None,
    project_dir: Path = PROJECT_ROOT,
    check: bool = True,
    timeout: float = 1800,
    **extra_env: str,
) -> subprocess.CompletedProcess:
    """``dbt <args>`` in ``project_dir``; raises with dbt's output when ``check`` fails."""
    command = [DBT, "--no-use-colors", *args]
    if dbt_vars is not None:
        command += ["--vars", json.dumps(dbt_vars)]
    result = subprocess.run(
        command,
        cwd=project_dir,
        env=dbt_env.environ(**extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-20000:]}"
            f"\n{result.stderr[-5000:]}"
        )
    return result


def run_results(dbt_env: DbtEnv) -> dict:
    return json.loads((dbt_env.target_dir / "run_results.json").read_text())
