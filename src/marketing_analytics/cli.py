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
    hiveconf = dict(item.split("=", 1) for item in args.hiveconf)
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    if not loopback and "hive.server2.authentication" not in hiveconf:
        print(
            f"WARNING: binding to {args.host} without authentication: anyone who reaches this "
            "port can run any SQL (README, 'BI tools (JDBC/ODBC)')",
            file=sys.stderr,
        )
    server = servers.start_thrift_server(
        profile_spark_conf("local"), state_dir(), args.host, args.port, hiveconf
    )
    print(f"Spark Thrift Server (HiveServer2) pid {server.pid}, log {server.log}")
    print(f"JDBC URL: jdbc:hive2://{server.host}:{server.port}/marts")
    print("stop it with: make stop")
    return 0


def _stop(args: argparse.Namespace) -> int:
    for name in ("thrift", "connect", "docs"):
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


def _nodes(args: argparse.Namespace) -> int:
    from marketing_analytics.bench.nodes import report

    print(report(args.run_results, args.top))
    return 0


def _summary(args: argparse.Namespace) -> int:
    """Where the marts are and how to look at them (after a build)."""
    manifest = json.loads((args.target / "manifest.json").read_text())
    marts = sorted(
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] in ("marts", "ml", "reports")
    )
    warehouse = profile_spark_conf("local")["spark.sql.warehouse.dir"]
    print(
        f"\nBuilt {len(marts)} marts, model outputs and reports in the Spark warehouse {warehouse}:"
    )
    for name in marts:
        print(f"  {name}")
    print(
        "\nLook at them:\n"
        f"  make docs-serve   # dbt docs site (lineage, column meanings): "
        f"http://127.0.0.1:{args.docs_port}/\n"
        f"  make serve        # Spark Thrift Server for BI tools: "
        f"jdbc:hive2://127.0.0.1:{args.thrift_port}/marts\n"
        "  make report       # HTML report with charts: open reports/index.html\n"
        "  make export       # public marts as Parquet files in exports/ (EXPORT_FORMAT=csv)\n"
        '  .venv/bin/dbt show --profiles-dir profiles --inline "select * from '
        "{{ ref('rpt_validation_scorecard') }}\"\n"
    )
    return 0


def _warehouse_files(args: argparse.Namespace):
    from marketing_analytics.warehouse_files import WarehouseFiles, default_warehouse_dir

    return WarehouseFiles(args.target, args.warehouse or default_warehouse_dir())


def _docs_serve(args: argparse.Namespace) -> int:
    from marketing_analytics.docs_site import check_site

    check_site(args.target.resolve())
    server = servers.start_docs_server(args.target, state_dir(), args.host, args.port)
    print(f"dbt docs site pid {server.pid}, log {server.log}")
    print(f"open http://{server.host}:{server.port}/  (stop it with: make stop)")
    return 0


def _docs_site(args: argparse.Namespace) -> int:
    from marketing_analytics.docs_site import serve_forever

    serve_forever(args.target, args.host, args.port)
    return 0


def _export(args: argparse.Namespace) -> int:
    from marketing_analytics.export import export_marts

    written = export_marts(_warehouse_files(args), args.out, args.format, args.models)
    for item in written:
        print(f"{item.model:>40} {item.rows:>10,} rows  {item.path}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from marketing_analytics.report import build_report
    from marketing_analytics.warehouse_files import default_warehouse_dir

    warehouse = args.warehouse or default_warehouse_dir()
    result = build_report(args.target, warehouse, args.out)
    for section in result.sections:
        status = f"{len(section.charts)} chart(s)"
        if section.notes:
            status += f", {len(section.notes)} mart(s) not available yet"
        print(f"  {section.key:<14} {status}")
    print(f"wrote {result.path} ({result.chart_count} charts); open it in a browser")
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
    serve.add_argument(
        "--hiveconf",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="HiveServer2 setting, e.g. hive.server2.authentication=LDAP (repeatable)",
    )
    serve.set_defaults(handler=_serve)

    connect = commands.add_parser("connect-server", help="start a Spark Connect server")
    connect.add_argument("--host", default="127.0.0.1")
    connect.add_argument("--port", type=int, default=15002)
    connect.set_defaults(handler=_connect_server)

    summary = commands.add_parser("summary", help="list the built marts and how to look at them")
    summary.add_argument("--target", type=Path, default=Path("target"))
    summary.add_argument("--docs-port", type=int, default=int(os.environ.get("DOCS_PORT", "8080")))
    summary.add_argument(
        "--thrift-port", type=int, default=int(os.environ.get("THRIFT_PORT", "10000"))
    )
    summary.set_defaults(handler=_summary)

    docs_serve = commands.add_parser(
        "docs-serve", help="serve the dbt docs site (make docs) in the background"
    )
    docs_serve.add_argument("--target", type=Path, default=Path("target"))
    docs_serve.add_argument("--host", default=os.environ.get("DOCS_HOST", "127.0.0.1"))
    docs_serve.add_argument("--port", type=int, default=int(os.environ.get("DOCS_PORT", "8080")))
    docs_serve.set_defaults(handler=_docs_serve)

    docs_site = commands.add_parser("docs-site", help="serve the docs site in the foreground")
    docs_site.add_argument("--target", type=Path, default=Path("target"))
    docs_site.add_argument("--host", default="127.0.0.1")
    docs_site.add_argument("--port", type=int, default=8080)
    docs_site.set_defaults(handler=_docs_site)

    export = commands.add_parser(
        "export", help="write marts to Parquet or CSV files (reads the warehouse, no Spark)"
    )
    export.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    export.add_argument("--out", type=Path, default=Path("exports"))
    export.add_argument("--models", nargs="+", help="models to export (default: public marts)")
    export.add_argument("--target", type=Path, default=Path("target"))
    export.add_argument("--warehouse", type=Path, help="default: the local target's warehouse")
    export.set_defaults(handler=_export)

    report = commands.add_parser("report", help="write the HTML report from the marts")
    report.add_argument("--out", type=Path, default=Path("reports/index.html"))
    report.add_argument("--target", type=Path, default=Path("target"))
    report.add_argument("--warehouse", type=Path, help="default: the local target's warehouse")
    report.set_defaults(handler=_report)
    bench = commands.add_parser(
        "bench", help="benchmark the customer-day grid (project, seed's approach, DuckDB)"
    )
    from marketing_analytics.bench.runner import add_arguments

    add_arguments(bench)
    bench.set_defaults(handler=_bench)

    nodes = commands.add_parser("nodes", help="the slowest nodes of a dbt run (run_results.json)")
    nodes.add_argument("run_results", nargs="?", type=Path, default=Path("target/run_results.json"))
    nodes.add_argument("--top", type=int, default=10)
    nodes.set_defaults(handler=_nodes)
    stop = commands.add_parser("stop", help="stop the servers started by this project")
    stop.set_defaults(handler=_stop)
    return parser


def main(argv: list[str] | None = None) -> int:
    args, extra = build_parser().parse_known_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    if extra and args.command != "dbt":
        build_parser().error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command in ("report", "export", "docs-serve", "docs-site"):
        from marketing_analytics.warehouse_files import MartUnavailableError

        try:
            return args.handler(args)
        except (FileNotFoundError, MartUnavailableError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return args.handler(args, extra) if args.command == "dbt" else args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
