"""Command line of the project: ``python -m marketing_analytics <command>``."""

import argparse
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from marketing_analytics import servers
from marketing_analytics.java import ensure_java
from marketing_analytics.public_data import dbt_vars
from marketing_analytics.spark_env import profile_spark_conf, state_dir


def _generate(args: argparse.Namespace) -> int:
    from marketing_analytics.generator import GeneratorParams, generate

    params = GeneratorParams(
        customers=args.customers,
        days=args.days,
        seed=args.seed,
        out=args.out,
        fmt=args.format,
        start_date=date.fromisoformat(args.start_date),
        email_effect=args.email_effect,
    )
    summary = generate(params)
    for table, rows in summary["rows"].items():
        print(f"{table:>24} {rows:>12,}")
    print(f"wrote {args.out}")
    return 0


def _dbt(args: argparse.Namespace, extra: list[str]) -> int:
    """Run a dbt command with the vars of the chosen inputs."""
    ensure_java()
    data = args.data
    truth = None
    if data:
        truth = data / "truth" if (data / "truth").is_dir() else Path("")
    command = [
        str(Path(sys.executable).parent / "dbt"),
        *args.dbt_command.split(),
        "--profiles-dir",
        "profiles",
        "--vars",
        dbt_vars(
            raw_path=data / "raw" if data else None,
            truth_path=truth,
            raw_format=args.format,
            public_data=args.public_data,
        ),
        *extra,
    ]
    print("+", " ".join(command), flush=True)
    return subprocess.call(command)


def _serve(args: argparse.Namespace) -> int:
    server = servers.start_thrift_server(
        profile_spark_conf("local"), state_dir(), args.host, args.port
    )
    print(f"Spark Thrift Server (HiveServer2) pid {server.pid}, log {server.log}")
    print(f"JDBC URL: jdbc:hive2://{server.host}:{server.port}/marts")
    print("stop it with: make stop")
    return 0


def _stop(args: argparse.Namespace) -> int:
    for name in ("thrift", "connect"):
        if servers.stop(name, state_dir()):
            print(f"stopped {name}")
    return 0


def _connect_server(args: argparse.Namespace) -> int:
    server = servers.start_connect_server(
        profile_spark_conf("local"), state_dir(), args.host, args.port
    )
    print(f"Spark Connect server pid {server.pid}: sc://{server.host}:{server.port}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from marketing_analytics.bench.runner import run

    return run(args, args.argv)


def _summary(args: argparse.Namespace) -> int:
    """Where the marts are and how to look at them (after a build)."""
    manifest = json.loads((args.target / "manifest.json").read_text())
    marts = sorted(
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] in ("marts", "ml")
    )
    warehouse = profile_spark_conf("local")["spark.sql.warehouse.dir"]
    print(f"\nBuilt {len(marts)} marts and model outputs in the Spark warehouse {warehouse}:")
    for name in marts:
        print(f"  {name}")
    print(
        "\nLook at them:\n"
        "  make docs-serve   # dbt docs site (lineage, column meanings) on 127.0.0.1\n"
        "  make serve        # Spark Thrift Server for BI tools: jdbc:hive2://127.0.0.1:10000/marts\n"
        "  make report       # HTML report with charts (reports/index.html)\n"
        '  .venv/bin/dbt show --profiles-dir profiles --inline "select * from '
        "{{ ref('fct_validation_scorecard') }}\"\n"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marketing_analytics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="write the synthetic company's raw files")
    gen.add_argument("--customers", type=int, default=5000)
    gen.add_argument("--days", type=int, default=365)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--out", type=Path, default=Path("data/demo"))
    gen.add_argument("--format", choices=["csv", "parquet"], default="csv")
    gen.add_argument("--start-date", default="2025-01-01")
    gen.add_argument("--email-effect", type=float, default=0.15)
    gen.set_defaults(handler=_generate)

    dbt = commands.add_parser(
        "dbt", help="run a dbt command over a data folder (extra arguments go to dbt)"
    )
    dbt.add_argument("dbt_command", help="e.g. 'build' or 'docs generate'")
    dbt.add_argument("--data", type=Path, help="folder with raw/ (and truth/) of a company")
    dbt.add_argument("--format", choices=["csv", "parquet"])
    dbt.add_argument("--public-data", type=Path, help="folder laid out like shared/data")
    dbt.set_defaults(handler=_dbt)

    serve = commands.add_parser("serve", help="start the Thrift server over the warehouse")
    serve.add_argument("--host", default=os.environ.get("THRIFT_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("THRIFT_PORT", "10000")))
    serve.set_defaults(handler=_serve)

    connect = commands.add_parser("connect-server", help="start a Spark Connect server")
    connect.add_argument("--host", default="127.0.0.1")
    connect.add_argument("--port", type=int, default=15002)
    connect.set_defaults(handler=_connect_server)

    summary = commands.add_parser("summary", help="list the built marts and how to look at them")
    summary.add_argument("--target", type=Path, default=Path("target"))
    summary.set_defaults(handler=_summary)

    bench = commands.add_parser(
        "bench", help="benchmark the customer-day grid (project, seed's approach, DuckDB)"
    )
    from marketing_analytics.bench.runner import add_arguments

    add_arguments(bench)
    bench.set_defaults(handler=_bench)

    stop = commands.add_parser("stop", help="stop the servers started by this project")
    stop.set_defaults(handler=_stop)
    return parser


def main(argv: list[str] | None = None) -> int:
    args, extra = build_parser().parse_known_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    if extra and args.command != "dbt":
        build_parser().error(f"unrecognized arguments: {' '.join(extra)}")
    return args.handler(args, extra) if args.command == "dbt" else args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
