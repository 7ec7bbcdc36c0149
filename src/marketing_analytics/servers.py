"""Start and stop the Spark servers of the project, each tracked by its PID file.

Every server binds to 127.0.0.1 unless a host is given explicitly.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from marketing_analytics.spark_env import SPARK_HOME, spark_environment

THRIFT_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
CONNECT_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"


@dataclass(frozen=True)
class Server:
    name: str
    host: str
    port: int
    pid: int
    log: Path


def _pid_file(name: str, state: Path) -> Path:
    return state / "run" / f"{name}.pid"


def wait_for_port(host: str, port: int, timeout: float, pid: int | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid is not None and not _alive(pid):
            raise RuntimeError(f"process {pid} exited before listening on {host}:{port}")
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.5)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child still answers kill(0): check its state.
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return True
    return status != "Z"


def start_spark_server(
    name: str,
    main_class: str,
    conf: dict[str, str],
    host: str,
    port: int,
    state: Path,
    args: list[str] | None = None,
    timeout: float = 180,
    env: dict[str, str] | None = None,
) -> Server:
    """spark-submit ``main_class`` in the background and wait until it listens.

    ``state`` holds the PID file and the log (``run/<name>.pid``, ``logs/<name>.log``).
    """
    command = [str(SPARK_HOME / "bin" / "spark-submit"), "--class", main_class]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    command += ["spark-internal", *(args or [])]
    return _start_process(name, command, host, port, state, timeout, env)


def _start_process(
    name: str,
    command: list[str],
    host: str,
    port: int,
    state: Path,
    timeout: float,
    env: dict[str, str] | None = None,
) -> Server:
    """:func:`start_process` in pyspark's Spark environment (SPARK_HOME, Java 17+, loopback).

    spark-submit and spark-class exec java, so the PID is the server's JVM.
    """
    spark_env = {**spark_environment(), **(env or {})}
    return start_process(name, command, host, port, state, env=spark_env, timeout=timeout)


def start_thrift_server(
    conf: dict[str, str],
    state: Path,
    host: str = "127.0.0.1",
    port: int = 10000,
    hiveconf: dict[str, str] | None = None,
) -> Server:
    """The Spark Thrift Server (HiveServer2 protocol) for BI tools over JDBC/ODBC.

    ``hiveconf`` adds HiveServer2 settings (authentication, TLS, transport mode).
    """
    args = [
        "--hiveconf", f"hive.server2.thrift.bind.host={host}",
        "--hiveconf", f"hive.server2.thrift.port={port}",
    ]  # fmt: skip
    for key, value in (hiveconf or {}).items():
        args += ["--hiveconf", f"{key}={value}"]
    return start_spark_server("thrift", THRIFT_CLASS, conf, host, port, state, args)


def start_connect_server(
    conf: dict[str, str],
    state: Path,
    host: str = "127.0.0.1",
    port: int = 15002,
    name: str = "connect",
    env: dict[str, str] | None = None,
) -> Server:
    """A Spark Connect server (gRPC) running the given Spark configuration.

    With ``spark.master=spark://...`` in ``conf`` it submits to that cluster.
    """
    conf = {
        **conf,
        "spark.connect.grpc.binding.address": host,
        "spark.connect.grpc.binding.port": str(port),
    }
    return start_spark_server(name, CONNECT_CLASS, conf, host, port, state, env=env)


# Heap of the master and worker daemons (they only schedule; executors do the work).
DAEMON_MEMORY = "256m"


def start_master(
    state: Path, port: int, webui_port: int, host: str = "127.0.0.1", name: str = "master"
) -> Server:
    """A Spark standalone master: ``spark://host:port``, status JSON on ``webui_port``."""
    command = [
        str(SPARK_HOME / "bin" / "spark-class"), MASTER_CLASS,
        "--host", host, "--port", str(port), "--webui-port", str(webui_port),
    ]  # fmt: skip
    env = {
        "SPARK_DAEMON_MEMORY": DAEMON_MEMORY,
        # No REST submission server (it would listen on the fixed port 6066).
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
    }
    server = _start_process(name, command, host, port, state, 120, env)
    wait_for_port(host, webui_port, 60, pid=server.pid)
    return server


def start_worker(
    state: Path,
    master_url: str,
    port: int,
    webui_port: int,
    name: str,
    cores: int = 1,
    memory: str = "1g",
    host: str = "127.0.0.1",
) -> Server:
    """A standalone worker offering ``cores`` and ``memory`` to the master's applications.

    Executor folders (their stdout/stderr) go to ``state/work/<name>``.
    """
    work_dir = state / "work" / name
    work_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(SPARK_HOME / "bin" / "spark-class"), WORKER_CLASS, master_url,
        "--cores", str(cores), "--memory", memory,
        "--host", host, "--port", str(port), "--webui-port", str(webui_port),
        "--work-dir", str(work_dir),
    ]  # fmt: skip
    return _start_process(
        name, command, host, port, state, 120, {"SPARK_DAEMON_MEMORY": DAEMON_MEMORY}
    )


def master_status(webui_port: int, host: str = "127.0.0.1") -> dict:
    """The standalone master's status JSON (workers, applications, cores in use)."""
    with urllib.request.urlopen(f"http://{host}:{webui_port}/json", timeout=10) as response:
        return json.load(response)


def wait_for_workers(webui_port: int, count: int, timeout: float = 120) -> dict:
    """Wait until ``count`` workers are ALIVE at the master; returns its status."""
    deadline = time.monotonic() + timeout
    status: dict = {}
    while time.monotonic() < deadline:
        status = master_status(webui_port)
        alive = [w for w in status.get("workers", []) if w.get("state") == "ALIVE"]
        if len(alive) >= count:
            return status
        time.sleep(0.5)
    raise TimeoutError(f"{count} workers not registered after {timeout:.0f} s: {status}")


def running(name: str, state: Path) -> int | None:
    """PID of the named server if it runs."""
    pid_file = _pid_file(name, state)
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text())
    return pid if _alive(pid) else None


def stop(name: str, state: Path, timeout: float = 30) -> bool:
    """Stop the named server by its PID (SIGTERM, then SIGKILL); True if one ran."""
    pid_file = _pid_file(name, state)
    pid = running(name, state)
    pid_file.unlink(missing_ok=True)
    if pid is None:
        return False
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(pid):
        _signal_group(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def start_process(
    name: str,
    command: list[str],
    host: str,
    port: int,
    state: Path,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> Server:
    """Start any command in the background under a PID file and wait until it listens."""
    existing = running(name, state)
    if existing is not None:
        raise RuntimeError(f"{name} already runs (pid {existing}); stop it first")
    log = state / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    _pid_file(name, state).parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    _pid_file(name, state).write_text(str(process.pid))
    try:
        wait_for_port(host, port, timeout, pid=process.pid)
    except Exception:
        stop(name, state)
        raise RuntimeError(f"{name} did not start; see {log}") from None
    return Server(name, host, port, process.pid, log)


def start_docs_server(
    target_dir: Path, state: Path, host: str = "127.0.0.1", port: int = 8080
) -> Server:
    """The dbt docs site of ``target_dir`` (``make docs``) over plain HTTP, loopback only."""
    import sys

    command = [
        sys.executable, "-m", "marketing_analytics", "docs-site",
        "--target", str(Path(target_dir).resolve()), "--host", host, "--port", str(port),
    ]  # fmt: skip
    return start_process("docs", command, host, port, state)
