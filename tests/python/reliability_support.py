"""Support of the reliability tests: broken input files, watched dbt runs, warehouse queries.

``broken_company_build`` (re-exported by conftest.py) is ONE ``dbt build`` of a tiny
company (150 customers x 120 days) into which ``plant_broken_rows`` writes every
bad-input case of docs/data_quality.md; test_bad_input, test_reruns and
test_security all read it, so the whole reliability suite adds one full build.

Run as a script, this module is the query helper: ``python reliability_support.py
OUT.json SQL...`` opens the embedded warehouse of ``SPARK_STATE_DIR`` (one JVM for
all queries) and writes each result as a list of records.
"""

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from dbt_runner import DBT, PROJECT_ROOT, DbtEnv

TINY_COMPANY = {"customers": 150, "days": 120, "seed": 11, "start_date": date(2025, 1, 1)}
CHECKSUM_PATTERN = re.compile(r"RELATION_CHECKSUMS (\w+) (\{.*\})")


@dataclass
class BrokenBuild:
    company: Path
    dbt_env: DbtEnv
    dbt_vars: dict
    cases: list["Case"]
    run: "WatchedRun"


@pytest.fixture(scope="session")
def broken_company_build(tmp_path_factory: pytest.TempPathFactory) -> BrokenBuild:
    """ONE ``dbt build`` of a tiny company with every bad-input case planted (see the
    module docstring): its own data, so it needs its own run; checksums logged."""
    from marketing_analytics.generator import GeneratorParams, generate

    company = tmp_path_factory.mktemp("broken_company")
    generate(GeneratorParams(**TINY_COMPANY, out=company))
    cases = plant_broken_rows(company / "raw")
    root = tmp_path_factory.mktemp("broken_build")
    dbt_env = DbtEnv(state_dir=root / "spark", target_dir=root / "target")
    dbt_vars = {
        "raw_path": str(company / "raw"),
        "truth_path": str(company / "truth"),
        "log_checksums": True,
    }
    run = run_dbt_watched(["build"], dbt_env, dbt_vars)
    return BrokenBuild(company, dbt_env, dbt_vars, cases, run)


# --------------------------------------------------------------------- the bad-input matrix
@dataclass(frozen=True)
class Case:
    """One planted case: rows of `table` whose raw JSON contains `marker`."""

    name: str
    table: str
    marker: str
    rule: str | None  # expected reject rule; None: the rows must be staged
    rows: int = 1


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _line(header: list[str], row: dict[str, str]) -> str:
    return ",".join(row[column] for column in header)


def key(column: str, value: str) -> str:
    """The marker of a value in raw_record (to_json of the all-text raw row)."""
    return f'"{column}":"{value}"'


def plant_broken_rows(raw: Path) -> list[Case]:
    """Write the broken files of every case under ``raw`` (a generated company's raw/)."""
    cases: list[Case] = []
    extra_lines: dict[str, list[str]] = {}

    def add(table: str, line: str, case: Case | None) -> None:
        extra_lines.setdefault(table, []).append(line)
        if case is not None:
            cases.append(case)

    # customers --------------------------------------------------------------
    header, rows = _read(raw / "customers" / "part-00000.csv")
    base = rows[0]

    def customer(**changes: str) -> str:
        return _line(header, {**base, **changes})

    cid = "customer_id"
    add(
        "customers",
        "900001,2025-01-01",
        Case("too_few_fields", "customers", key(cid, "900001"), "malformed_line"),
    )
    add(
        "customers",
        customer(customer_id="900002", signup_date='"2025-01-01'),
        Case("unbalanced_quote", "customers", key(cid, "900002"), "malformed_line"),
    )
    add(
        "customers",
        customer(customer_id="", location="marker_null_key"),
        Case("null_key", "customers", '"marker_null_key"', "missing_key"),
    )
    add(
        "customers",
        customer(customer_id="abc900004"),
        Case("text_in_key", "customers", key(cid, "abc900004"), "key_not_integer"),
    )
    add(
        "customers",
        customer(customer_id="900005", signup_date="2025-02-30"),
        Case("impossible_date", "customers", key(cid, "900005"), "invalid_signup_date"),
    )
    add(
        "customers",
        customer(customer_id="900006", signup_date="2099-01-01"),
        Case("future_date", "customers", key(cid, "900006"), "future_signup_date"),
    )
    add(
        "customers",
        customer(customer_id="900007", income="lots"),
        Case("text_in_amount", "customers", key(cid, "900007"), "income_not_numeric"),
    )
    add(
        "customers",
        customer(customer_id="900008", education="Wizardry"),
        Case("unknown_category", "customers", key(cid, "900008"), "unknown_education"),
    )
    # Same key as an existing customer, different content: one of the two is kept.
    add("customers", customer(location="marker_duplicate"), None)
    add(
        "customers",
        customer(customer_id="900012"),
        Case("valid_row_in_extra_file", "customers", key(cid, "900012"), None),
    )
    # A Latin-1 file: the é is not UTF-8.
    header_line = ",".join(header)
    latin = header_line + "\n" + customer(customer_id="900010", location="Montréal") + "\n"
    (raw / "customers" / "part-90001.csv").write_bytes(latin.encode("latin-1"))
    cases.append(Case("latin1_file", "customers", key(cid, "900010"), "invalid_encoding"))
    # A UTF-8 file with a byte-order mark: Spark strips it, the row flows through.
    bom = header_line + "\n" + customer(customer_id="900011") + "\n"
    (raw / "customers" / "part-90002.csv").write_bytes(b"\xef\xbb\xbf" + bom.encode("utf-8"))
    cases.append(Case("utf8_bom_file", "customers", key(cid, "900011"), None))

    # transactions -----------------------------------------------------------
    header, rows = _read(raw / "transactions" / "part-00000.csv")
    base = rows[0]

    def transaction(**changes: str) -> str:
        return _line(header, {**base, **changes})

    tid = "transaction_id"
    plan = [
        ("too_many_fields", "9000001", {}, "malformed_line"),
        ("text_in_amount", "9000003", {"amount": "twelve"}, "amount_not_numeric"),
        ("negative_amount", "9000004", {"amount": "-5.00"}, "non_positive_amount"),
        ("absurd_amount", "9000005", {"amount": "99999.00"}, "amount_above_bound"),
        ("orphan_foreign_key", "9000006", {"customer_id": "999999"}, "unknown_customer"),
        ("customer_rejected_upstream", "9000007", {"customer_id": "900006"}, "unknown_customer"),
        (
            "future_timestamp",
            "9000008",
            {"transaction_at": "2099-01-01 10:00:00"},
            "future_transaction_at",
        ),
        (
            "impossible_timestamp",
            "9000009",
            {"transaction_at": "2025-02-30 10:00:00"},
            "invalid_transaction_at",
        ),
        ("unknown_category", "9000010", {"product_category": "caviar"}, "unknown_product_category"),
        ("valid_row_in_extra_file", "9000012", {}, None),
        ("customer_from_bom_file", "9000013", {"customer_id": "900011"}, None),
        ("amount_at_bound", "9000014", {"amount": "10000.00"}, None),
    ]
    for name, value, changes, rule in plan:
        line = transaction(transaction_id=value, **changes)
        if name == "too_many_fields":
            line += ",extra"
        add("transactions", line, Case(name, "transactions", key(tid, value), rule))
    add(
        "transactions",
        transaction(transaction_id="", amount="4321.09"),
        Case("null_key", "transactions", key("amount", "4321.09"), "missing_key"),
    )
    # An empty part file and a header-only part file add no rows and no error.
    (raw / "transactions" / "part-90001.csv").write_bytes(b"")
    (raw / "transactions" / "part-90002.csv").write_text(",".join(header) + "\n")

    # email_events -----------------------------------------------------------
    header, rows = _read(raw / "email_events" / "part-00000.csv")
    base = rows[0]
    add(
        "email_events",
        _line(header, {**base, "event_id": "90000001", "event_type": "bounce"}),
        Case("unknown_category", "email_events", key("event_id", "90000001"), "unknown_event_type"),
    )
    add(
        "email_events",
        _line(header, {**base, "event_id": "90000002", "customer_id": "999999"}),
        Case("orphan_foreign_key", "email_events", key("event_id", "90000002"), "unknown_customer"),
    )

    # web_sessions: the same part file loaded twice ----------------------------
    source = raw / "web_sessions" / "part-00000.csv"
    shutil.copyfile(source, raw / "web_sessions" / "part-00000-copy.csv")
    header, rows = _read(source)
    cases.append(
        Case("same_file_twice", "web_sessions", '"session_id"', "duplicate_key", len(rows))
    )
    add(
        "web_sessions",
        _line(header, {**rows[0], "session_id": "90000002", "pages_viewed": "0"}),
        Case("zero_pages", "web_sessions", key("session_id", "90000002"), "invalid_pages_viewed"),
    )

    # releases, campaigns, campaign_assignments, sales_activity ---------------
    header, rows = _read(raw / "releases" / "part-00000.csv")
    add(
        "releases",
        _line(header, {**rows[0], "release_id": "9001", "product_category": "caviar"}),
        Case("unknown_category", "releases", key("release_id", "9001"), "unknown_product_category"),
    )
    add(
        "releases",
        _line(header, {**rows[0], "release_id": "9002", "is_major": "yes"}),
        Case("text_in_flag", "releases", key("release_id", "9002"), "invalid_is_major"),
    )

    header, rows = _read(raw / "campaigns" / "part-00000.csv")
    add(
        "campaigns",
        _line(header, {**rows[0], "campaign_id": "9001", "end_date": "2024-01-01"}),
        Case("end_before_start", "campaigns", key("campaign_id", "9001"), "end_before_start"),
    )
    add(
        "campaigns",
        _line(header, {**rows[0], "campaign_id": "9002", "channel": "sms"}),
        Case("unknown_category", "campaigns", key("campaign_id", "9002"), "unknown_channel"),
    )

    header, rows = _read(raw / "campaign_assignments" / "part-00000.csv")
    add(
        "campaign_assignments",
        _line(header, {**rows[0], "customer_id": "900012", "arm": "placebo"}),
        Case("unknown_category", "campaign_assignments", key("arm", "placebo"), "unknown_arm"),
    )
    add(
        "campaign_assignments",
        _line(header, {**rows[0], "campaign_id": "999999", "customer_id": "900012"}),
        Case(
            "orphan_foreign_key",
            "campaign_assignments",
            key("campaign_id", "999999"),
            "unknown_campaign",
        ),
    )

    header, rows = _read(raw / "sales_activity" / "part-00000.csv")
    add(
        "sales_activity",
        _line(header, {**rows[0], "client_id": "9001", "campaign_email_spend": "-1.00"}),
        Case("negative_amount", "sales_activity", key("client_id", "9001"), "negative_spend"),
    )
    add(
        "sales_activity",
        _line(header, {**rows[0], "client_id": "9003", "number_of_competition": "Extreme"}),
        Case(
            "unknown_category",
            "sales_activity",
            key("client_id", "9003"),
            "unknown_competition_level",
        ),
    )
    # An exact copy of an existing row: same (client_id, month).
    add("sales_activity", _line(header, rows[0]), None)

    for table, lines in extra_lines.items():
        header_line = (raw / table / "part-00000.csv").read_text().split("\n", 1)[0]
        (raw / table / "part-90000.csv").write_text(header_line + "\n" + "\n".join(lines) + "\n")
    return cases


# Rows the planted files add to each raw table (every line is one raw row).
def planted_row_counts(raw: Path, generated: dict[str, int]) -> dict[str, int]:
    counts = {}
    for table, rows in generated.items():
        total = 0
        for part in (raw / table).glob("*.csv"):
            lines = part.read_bytes().splitlines()
            total += max(len(lines) - 1, 0)
        counts[table] = total - rows
    return counts


# ------------------------------------------------------------------- processes and sockets
def process_tree(root: int) -> set[int]:
    """``root`` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    return tree


def _hex_address(text: str) -> str:
    address, port = text.split(":")
    raw = bytes.fromhex(address)
    if len(raw) == 4:
        return ".".join(str(b) for b in raw[::-1]) + f":{int(port, 16)}"
    words = [raw[i : i + 4][::-1] for i in range(0, 16, 4)]
    flat = b"".join(words)
    if flat[:12] == b"\x00" * 10 + b"\xff\xff":
        return ".".join(str(b) for b in flat[12:]) + f":{int(port, 16)}"
    groups = [flat[i : i + 2].hex() for i in range(0, 16, 2)]
    return "[" + ":".join(groups) + f"]:{int(port, 16)}"


def listening_sockets(pids: set[int]) -> set[str]:
    """``address:port`` of every TCP socket in LISTEN state owned by one of ``pids``."""
    inodes = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                found.add(_hex_address(fields[1]))
    return found


def is_loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0]
    return host.startswith("127.") or host == "[0000:0000:0000:0000:0000:0000:0000:0001]"


@dataclass
class WatchedRun:
    returncode: int
    stdout: str
    listening: set[str]
    killed: bool


def run_dbt_watched(
    args: list[str],
    dbt_env: DbtEnv,
    dbt_vars: dict,
    kill_when: Path | None = None,
    timeout: float = 1800,
) -> WatchedRun:
    """``dbt <args>`` in a session of its own, sampling the listening sockets of its
    process tree (dbt and its JVM) every half second; SIGKILL to the whole group as
    soon as a path matching the glob ``kill_when`` exists."""
    log = dbt_env.target_dir / f"dbt-{args[0]}-{time.monotonic_ns()}.out"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [DBT, "--no-use-colors", *args, "--vars", json.dumps(dbt_vars)]
    listening: set[str] = set()
    killed = False
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=dbt_env.environ(), stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            listening |= listening_sockets(process_tree(process.pid))
            if kill_when is not None and list(kill_when.parent.glob(kill_when.name)):
                os.killpg(process.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.5)
        if process.poll() is None and not killed:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # The JVM of a killed run exits when its Python parent's pipe closes: wait for
    # it (it holds the Derby lock of the warehouse).
    for _ in range(120):
        if not any(_jvm_of(dbt_env)):
            break
        time.sleep(0.5)
    return WatchedRun(process.returncode, log.read_text(), listening, killed)


def _jvm_of(dbt_env: DbtEnv) -> list[int]:
    marker = f"derby.system.home={dbt_env.state_dir}"
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker in cmdline.read_bytes().decode(errors="replace"):
                pids.append(int(cmdline.parent.name))
        except OSError:
            continue
    return pids


def checksums(stdout: str) -> dict[str, dict]:
    """The RELATION_CHECKSUMS lines of a run, by label (start, end)."""
    return {m.group(1): json.loads(m.group(2)) for m in CHECKSUM_PATTERN.finditer(stdout)}


# ----------------------------------------------------------------------- warehouse queries
def query_warehouse(dbt_env: DbtEnv, sqls: list[str]) -> list[list[dict]]:
    """Run ``sqls`` on the embedded warehouse of ``dbt_env`` in one short-lived Spark."""
    out = dbt_env.target_dir / f"query-{time.monotonic_ns()}.json"
    subprocess.run(
        [sys.executable, __file__, str(out), *sqls],
        cwd=PROJECT_ROOT, env=dbt_env.environ(), check=True, capture_output=True, timeout=900,
    )  # fmt: skip
    return json.loads(out.read_text())


def _main(out: str, sqls: list[str]) -> None:
    sys.path.insert(0, str(PROJECT_ROOT / "src"))
    from marketing_analytics.adapter.session import get_spark_session
    from marketing_analytics.java import ensure_java
    from marketing_analytics.spark_env import profile_spark_conf

    ensure_java()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = get_spark_session(profile_spark_conf("local", PROJECT_ROOT / "profiles"))
    results = []
    for sql in sqls:
        frame = spark.sql(sql).toPandas()
        results.append(json.loads(frame.to_json(orient="records")))
    spark.stop()
    Path(out).write_text(json.dumps(results))


if __name__ == "__main__":
    _main(sys.argv[1], sys.argv[2:])
