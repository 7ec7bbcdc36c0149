"""Run the project's dbt in a subprocess with its own warehouse, target and logs."""

import json
import os
import select
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
    command = [DBT, *dbt_arguments(args, dbt_vars)]
    result = subprocess.run(
        command,
        cwd=project_dir,
        env=dbt_env.environ(**extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise_failed(args, result)
    return result


def dbt_arguments(args: list[str], dbt_vars: dict | None) -> list[str]:
    var_args = [] if dbt_vars is None else ["--vars", json.dumps(dbt_vars)]
    return ["--no-use-colors", *args, *var_args]


def raise_failed(args: list[str], result: subprocess.CompletedProcess) -> None:
    raise AssertionError(
        f"dbt {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-20000:]}"
        f"\n{result.stderr[-5000:]}"
    )


class DbtWorker:
    """Successive dbt commands on one warehouse in one process, so one warm JVM serves
    them all (``marketing_analytics.dbt_worker``): each later command saves the JVM start
    and runs warm. The environment is fixed when the worker starts; otherwise the same
    arguments and result as ``run_dbt``."""

    def __init__(self, dbt_env: DbtEnv, **extra_env: str) -> None:
        self.dbt_env = dbt_env
        log_dir = dbt_env.target_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log = log_dir / "worker.log"
        read_fd, write_fd = os.pipe()
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "marketing_analytics.dbt_worker", str(write_fd)],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(write_fd,),
                env=dbt_env.environ(**extra_env),
                cwd=PROJECT_ROOT,
                text=True,
            )
        os.close(write_fd)
        self.responses = os.fdopen(read_fd)

    def run(
        self,
        args: list[str],
        dbt_vars: dict | None = None,
        project_dir: Path = PROJECT_ROOT,
        check: bool = True,
        timeout: float = 1800,
    ) -> subprocess.CompletedProcess:
        request = {"args": dbt_arguments(args, dbt_vars), "cwd": str(project_dir)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.responses], [], [], timeout)
        line = self.responses.readline() if ready else ""
        if not line:
            self.close()
            raise AssertionError(
                f"dbt worker: no answer to dbt {' '.join(args)} within {timeout} s:\n"
                f"{self.log.read_text()[-5000:]}"
            )
        response = json.loads(line)
        result = subprocess.CompletedProcess(
            args, response["returncode"], response["stdout"], self.log.read_text()[-5000:]
        )
        if check and result.returncode != 0:
            raise_failed(args, result)
        return result

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.responses.close()

    def __enter__(self) -> "DbtWorker":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def run_results(dbt_env: DbtEnv) -> dict:
    return json.loads((dbt_env.target_dir / "run_results.json").read_text())
