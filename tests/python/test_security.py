"""Exposure: every server and the embedded Spark listen on loopback only; no secret in
the repository; vars cannot inject SQL into identifiers or paths."""

import re
import subprocess
from pathlib import Path

import pytest
from conftest import free_port
from dbt_runner import PROJECT_ROOT, DbtEnv, run_dbt
from reliability_support import is_loopback, listening_sockets, process_tree

from marketing_analytics import servers
from marketing_analytics.spark_env import profile_spark_conf


def test_loopback_parsing() -> None:
    assert is_loopback("127.0.0.1:10000")
    assert is_loopback("[0000:0000:0000:0000:0000:0000:0000:0001]:80")
    assert not is_loopback("0.0.0.0:10000")
    assert not is_loopback("10.0.0.5:4040")
    assert not is_loopback("[0000:0000:0000:0000:0000:0000:0000:0000]:80")


@pytest.mark.slow
def test_embedded_spark_of_a_build_listens_on_loopback_only(broken_company_build) -> None:
    # Sampled every half second over the whole build, dbt and its JVM.
    listening = broken_company_build.run.listening
    assert listening, "no listening socket seen: the sampling did not work"
    assert all(is_loopback(address) for address in listening), listening


@pytest.mark.slow
def test_thrift_server_listens_on_loopback_only(thrift_server) -> None:
    listening = listening_sockets(process_tree(thrift_server.pid))
    assert f"127.0.0.1:{thrift_server.port}" in listening
    assert all(is_loopback(address) for address in listening), listening


@pytest.mark.slow
def test_connect_server_listens_on_loopback_only(tmp_path) -> None:
    dbt_env = DbtEnv(tmp_path / "spark", tmp_path / "target")
    conf = profile_spark_conf("local", PROJECT_ROOT / "profiles", dbt_env.environ())
    server = servers.start_connect_server(conf, dbt_env.state_dir, port=free_port())
    try:
        listening = listening_sockets(process_tree(server.pid))
        assert f"127.0.0.1:{server.port}" in listening
        assert all(is_loopback(address) for address in listening), listening
    finally:
        servers.stop("connect", dbt_env.state_dir)


@pytest.mark.parametrize(
    "dbt_vars, message",
    [
        ({"raw_path": "data/x'; drop table raw.customers; --"}, "Invalid path"),
        ({"raw_path": "data/x`) using csv --"}, "Invalid path"),
        ({"raw_format": "csv options (path '/etc') --"}, "Invalid identifier"),
        ({"raw_path": "", "truth_path": "/tmp/x' or '1'='1"}, "Invalid path"),
    ],
)
@pytest.mark.slow
def test_injection_through_a_var_fails_clearly(tmp_path, dbt_vars, message) -> None:
    """The check runs before any SQL: the run stops at the registration hook."""
    dbt_env = DbtEnv(tmp_path / "spark", tmp_path / "target")
    result = run_dbt(["run-operation", "register_raw_tables"], dbt_env, dbt_vars, check=False)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-3000:]
    # nothing was created: the warehouse was never written
    assert not (dbt_env.state_dir / "warehouse" / "raw.db").exists()


SECRET = re.compile(
    r"(password|passwd|secret|token|api[_-]?key)\s*[:=]\s*['\"]?(?!\{\{|\$|<|None|null|''|\"\")[^\s'\"#]{6,}",
    re.IGNORECASE,
)


PRIVATE_KEY = "BEGIN " + "PRIVATE KEY"


def test_secret_pattern_finds_literals_not_env_vars() -> None:
    assert SECRET.search("    password: hunter2hunter2")
    assert SECRET.search('token = "dapi0123456789abcdef"')
    assert not SECRET.search("    token: \"{{ env_var('SPARK_TOKEN') }}\"")
    assert not SECRET.search("    password: $SPARK_PASSWORD")


def test_no_secrets_in_tracked_files() -> None:
    files = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    hits = []
    for name in files:
        path = PROJECT_ROOT / name
        if path.suffix not in {".py", ".yml", ".yaml", ".sql", ".md", ".toml", ".cfg", ".txt", ""}:
            continue
        if not path.is_file() or path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if SECRET.search(line) or PRIVATE_KEY in line:
                hits.append(f"{name}:{number}: {line.strip()}")
    assert not hits, hits


def test_profiles_take_hosts_and_credentials_from_the_environment() -> None:
    text = (PROJECT_ROOT / "profiles" / "profiles.yml").read_text()
    for key in ("host", "port", "user", "token", "password"):
        for match in re.finditer(rf"^\s+{key}:\s*(.+)$", text, re.MULTILINE):
            value = match.group(1)
            # a literal is allowed only for the embedded session (no remote host)
            assert "env_var(" in value or value.strip() == "localhost", match.group(0)
