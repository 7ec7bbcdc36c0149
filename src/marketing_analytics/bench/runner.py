"""``python -m marketing_analytics bench``: time the customer-day grid four ways.

For each size N (customers x 365 days) on the same Parquet company:
  spark_baseline   the seed's approach (cross join + Window), a cold PySpark process
  duckdb           equivalent SQL in DuckDB, a cold Python process
  project_build    ``dbt build -s <grid selector> --full-refresh`` (whole process)
  project_spark    the same run, time inside Spark (dbt's run_results, models only)
  project_incremental  ``dbt build -s <grid selector>`` adding day 366 to the 365-day grid
Each is run ``repeats`` times (median reported) with the peak memory of its
process tree. Times are reported only when the outputs' checksums agree.
"""

import argparse
import json
import os
import platform
import shutil
import sys
import time
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path

from marketing_analytics.bench import stats
from marketing_analytics.bench.features import output_columns
from marketing_analytics.bench.measure import Measurement, measure
from marketing_analytics.public_data import dbt_vars

# The project's grid, as the attribution models name it. Adjust here (or with
# the options) when the models settle: a dbt selector of the grid models, the
# model whose table holds the features (columns named as in features.py), and
# the var that sets the grid's last day.
GRID_SELECTOR = (
    "int_calendar_days int_events_aggregated_to_customer_days int_customer_days_windowed"
)
GRID_MODEL = "int_customer_days_windowed"
START_DATE_VAR = "attribution_start_date"
END_DATE_VAR = "attribution_end_date"

DEFAULT_SIZES = (10_000, 50_000, 100_000)
QUICK_SIZES = (500,)
DAYS = 365
SEED = 42
START = date(2025, 1, 1)
GIB = 1024**3


def _machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024**2, 1),
        "load_average_at_start": os.getloadavg(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyspark": version("pyspark"),
        "duckdb": version("duckdb"),
        "dbt_core": version("dbt-core"),
        "spark_driver_memory": os.environ.get("SPARK_DRIVER_MEMORY", "4g"),
    }


def _company(work: Path, customers: int) -> Path:
    """The company at this size: 366 days (day 366 feeds the incremental run), Parquet."""
    from marketing_analytics.generator import GeneratorParams, generate

    out = work / f"company_{customers}"
    params = GeneratorParams(
        customers=customers, days=DAYS + 1, seed=SEED, out=out, fmt="parquet", start_date=START
    )
    manifest = out / "manifest.json"
    if manifest.exists():
        written = json.loads(manifest.read_text()).get("params", {})
        if written.get("customers") == customers and written.get("days") == DAYS + 1:
            return out
    generate(params)
    return out


def _summary(runs: list[Measurement], rows: int | None) -> dict:
    failed = [r.returncode for r in runs if r.returncode != 0]
    seconds = [round(r.seconds, 2) for r in runs]
    median = stats.median(seconds) if seconds and not failed else None
    return {
        "runs_s": seconds,
        "median_s": median,
        "rows_per_s": round(rows / median) if rows and median else None,
        "peak_rss_gb": round(max(r.peak_rss_bytes for r in runs) / GIB, 2) if runs else None,
        "failed_returncodes": failed,
    }


def _engine_runs(
    engine: str, raw: Path, end: date, out: Path, repeats: int, logs: Path
) -> list[Measurement]:
    command = [
        sys.executable, "-m", "marketing_analytics.bench.engines", engine,
        "--raw", str(raw), "--start", START.isoformat(), "--end", end.isoformat(),
        "--out", str(out),
    ]  # fmt: skip
    runs = []
    for _ in range(repeats):
        runs.append(measure(command, log=logs / f"{engine}.log"))
        print(f"    {engine}: {runs[-1].seconds:.1f} s", flush=True)
    return runs


class Project:
    """The project's dbt grid models on one company, with their own warehouse."""

    def __init__(self, args: argparse.Namespace, company: Path, work: Path) -> None:
        self.args = args
        self.company = company
        self.state = work / "spark"
        self.target = work / "target"
        self.log = work / "dbt.log"
        self.env = {
            **os.environ,
            "SPARK_STATE_DIR": str(self.state),
            "DBT_TARGET_PATH": str(self.target),
            "DBT_LOG_PATH": str(work / "logs"),
            "DBT_PROFILES_DIR": str(Path.cwd() / "profiles"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "SPARK_DRIVER_MEMORY": os.environ.get("SPARK_DRIVER_MEMORY", "4g"),
        }

    def command(self, args: list[str], end: date) -> list[str]:
        dbt = str(Path(sys.executable).parent / "dbt")
        variables = json.loads(
            dbt_vars(
                raw_path=self.company / "raw",
                truth_path=self.company / "truth",
                raw_format="parquet",
                public_data=None,
            )
        )
        variables[self.args.start_date_var] = START.isoformat()
        variables[self.args.end_date_var] = end.isoformat()
        # Tests of the selected models whose other parents are built too (not the
        # tests of unselected siblings that merely share a parent).
        selection = ["--indirect-selection", "buildable"] if args[0] == "build" else []
        return [dbt, "--no-use-colors", *args, *selection, "--vars", json.dumps(variables)]

    def run(self, args: list[str], end: date) -> Measurement:
        result = measure(self.command(args, end), env=self.env, log=self.log)
        if result.returncode != 0:
            raise RuntimeError(f"dbt {' '.join(args)} failed; see {self.log}")
        return result

    def grid_models(self, end: date) -> list[str]:
        import subprocess

        command = self.command(
            ["ls", "-s", self.args.grid_selector, "--resource-type", "model", "--output", "name"],
            end,
        )
        out = subprocess.run(command, env=self.env, capture_output=True, text=True, check=False)
        names = [line.strip() for line in out.stdout.splitlines() if line.strip()]
        return [n for n in names if not n.startswith(("\x1b", "[")) and " " not in n]

    def spark_seconds(self) -> float:
        results = json.loads((self.target / "run_results.json").read_text())["results"]
        return sum(r["execution_time"] for r in results if r["unique_id"].startswith("model."))

    def table_source(self) -> str:
        manifest = json.loads((self.target / "manifest.json").read_text())
        node = next(
            n
            for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["name"] == self.args.grid_model
        )
        folder = self.state / "warehouse" / f"{node['schema']}.db" / node["alias"]
        return f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"


def _project(args, company: Path, work: Path, end: date, repeats: int) -> dict:
    # A fresh warehouse: an interrupted bench leaves table folders without their metastore
    # entries, which the next full refresh cannot create over (LOCATION_ALREADY_EXISTS).
    for leftover in ("spark", "target", "logs"):
        shutil.rmtree(work / leftover, ignore_errors=True)
    project = Project(args, company, work)
    models = project.grid_models(end)
    if args.grid_model not in models:
        return {
            "skipped": f"no model {args.grid_model} among the models selected by "
            f"'{args.grid_selector}' ({models or 'none'}): the grid models are not in this "
            "branch yet, or the names in bench/runner.py need adjusting"
        }
    selector = args.grid_selector
    print(f"    project: building the parents of {selector}", flush=True)
    parents = " ".join(f"+{name}" for name in selector.split())
    project.run(["build", "-s", parents, "--exclude", selector], end)
    full, spark, incremental, incremental_spark = [], [], [], []
    source = None
    for repeat in range(repeats):
        full.append(project.run(["build", "-s", selector, "--full-refresh"], end))
        spark.append(project.spark_seconds())
        if repeat == 0:
            source = project.table_source()
            import duckdb

            checksum = stats.checksum(duckdb.connect(), source)
        incremental.append(project.run(["build", "-s", selector], end + timedelta(days=1)))
        incremental_spark.append(project.spark_seconds())
        print(
            f"    project: full {full[-1].seconds:.1f} s (Spark {spark[-1]:.1f} s), "
            f"incremental {incremental[-1].seconds:.1f} s (Spark {incremental_spark[-1]:.1f} s)",
            flush=True,
        )
    return {
        "full": full,
        "spark": spark,
        "incremental": incremental,
        "incremental_spark": incremental_spark,
        "checksum": checksum,
    }


def run_size(args: argparse.Namespace, customers: int, work_root: Path) -> dict:
    import duckdb

    print(f"== {customers:,} customers x {DAYS} days", flush=True)
    work = work_root / f"n{customers}"
    work.mkdir(parents=True, exist_ok=True)
    company = _company(work_root, customers)
    raw = company / "raw"
    end = START + timedelta(days=DAYS - 1)
    repeats = args.repeats
    engines = {
        name: _engine_runs(name, raw, end, work / f"out_{name}", repeats, work)
        for name in ("spark_baseline", "duckdb")
    }
    connection = duckdb.connect()
    checksums = {
        name: stats.checksum(connection, f"read_parquet('{work / f'out_{name}'}/*.parquet')")
        for name in engines
    }
    project = _project(args, company, work / "project", end, repeats) if args.project else None
    if project and "checksum" in project:
        checksums["project"] = project["checksum"]
    rows = int(checksums["duckdb"]["row_count"])
    differences = stats.checksum_differences(checksums)
    result: dict = {
        "customers": customers,
        "days": DAYS,
        "rows": rows,
        "checksums": checksums,
        "identical": not differences,
        "differences": differences,
        "engines": {},
    }
    if differences:
        print("    CHECKSUMS DIFFER, times withheld:\n      " + "\n      ".join(differences))
        return result
    for name, runs in engines.items():
        result["engines"][name] = _summary(runs, rows)
    if project and "skipped" in project:
        result["project_skipped"] = project["skipped"]
    elif project:
        result["engines"]["project_build"] = _summary(project["full"], rows)
        result["engines"]["project_spark"] = _spark_summary(project["spark"], rows)
        result["engines"]["project_incremental"] = _summary(project["incremental"], None)
        result["engines"]["project_incremental_spark"] = _spark_summary(
            project["incremental_spark"], None
        )
    median = {name: e.get("median_s") for name, e in result["engines"].items()}
    result["ratios"] = {
        "baseline_over_project": stats.ratio(median["spark_baseline"], median.get("project_build")),
        "project_over_duckdb": stats.ratio(median.get("project_build"), median["duckdb"]),
        "incremental_over_full": stats.ratio(
            median.get("project_incremental"), median.get("project_build")
        ),
        "baseline_over_duckdb": stats.ratio(median["spark_baseline"], median["duckdb"]),
        # Without the fixed cost of starting dbt and the JVM, which the wall ratio includes.
        "incremental_over_full_in_spark": stats.ratio(
            median.get("project_incremental_spark"), median.get("project_spark")
        ),
    }
    if not args.keep_outputs:
        for name in engines:
            shutil.rmtree(work / f"out_{name}", ignore_errors=True)
    return result


def _spark_summary(seconds: list[float], rows: int | None) -> dict:
    """Times dbt's run_results report for the models (no process, so no peak memory)."""
    median = stats.median(seconds)
    return {
        "runs_s": [round(s, 2) for s in seconds],
        "median_s": median,
        "rows_per_s": round(rows / median) if rows else None,
    }


def _growth(sizes: list[dict]) -> dict:
    growth = {}
    engines = {name for size in sizes for name in size.get("engines", {})}
    for name in sorted(engines):
        points = [
            (s["rows"], s["engines"][name]["median_s"])
            for s in sizes
            if s.get("engines", {}).get(name, {}).get("median_s")
        ]
        fitted = stats.growth_exponent([p[0] for p in points], [p[1] for p in points])
        if fitted:
            growth[name] = dict(zip(("size_ratio", "time_ratio", "exponent"), fitted, strict=True))
    return growth


def targets(report: dict) -> list[dict]:
    """The issue's targets, judged at the largest size that has the project's figures."""
    with_project = [s for s in report["sizes"] if "project_build" in s.get("engines", {})]
    if not with_project:
        return [{"target": "all", "value": None, "met": None, "note": "project models absent"}]
    largest = max(with_project, key=lambda s: s["rows"])
    ratios = largest["ratios"]
    peak = largest["engines"]["project_build"]["peak_rss_gb"]
    exponent = report["growth"].get("project_build", {}).get("exponent")

    def judged(name: str, value: float | None, ok) -> dict:
        return {"target": name, "value": value, "met": None if value is None else ok(value)}

    return [
        judged("baseline / project >= 3", ratios["baseline_over_project"], lambda v: v >= 3),
        judged("project / DuckDB <= 2", ratios["project_over_duckdb"], lambda v: v <= 2),
        judged("incremental / full <= 1/20", ratios["incremental_over_full"], lambda v: v <= 0.05),
        judged(
            "incremental / full <= 1/20, time inside Spark",
            ratios.get("incremental_over_full_in_spark"),
            lambda v: v <= 0.05,
        ),
        judged("time growth exponent <= 1 (linear)", exponent, lambda v: v <= 1.0),
        judged("peak memory of dbt build < 8 GB", peak, lambda v: v < 8),
    ]


def _fmt(value, digits: int = 1, suffix: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{suffix}"
    return f"{value:,}{suffix}"


def markdown(report: dict) -> str:
    machine = report["machine"]
    lines = [
        "# Benchmark: the customer-day grid",
        "",
        "Generated by `" + report["command"] + "` on " + report["finished"] + ".",
        "",
    ]
    if report["quick"]:
        lines += [
            "**Smoke run (`--quick`)**: a tiny company to prove the harness works; these "
            "figures are dominated by process start-up and say nothing about the targets.",
            "",
        ]
    lines += [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB RAM, "
        f"load average at start {', '.join(f'{x:.1f}' for x in machine['load_average_at_start'])}"
        f"; {machine['os']}; Python {machine['python']}, pyspark {machine['pyspark']}, "
        f"DuckDB {machine['duckdb']}, dbt-core {machine['dbt_core']}, Spark driver memory "
        f"{machine['spark_driver_memory']}.",
        "",
        "Wall seconds are medians of "
        f"{report['repeats']} cold runs (whole process: JVM start included for Spark); rows/s = "
        "grid rows / median; peak memory = largest resident set of the process tree. "
        "`project_spark` and `project_incremental_spark` are the times dbt's run_results "
        "report for the grid models (full refresh, and the run that adds one day).",
        "",
        "| customers | grid rows | engine | median s | runs s | rows/s | peak GB |",
        "|---:|---:|---|---:|---|---:|---:|",
    ]
    for size in report["sizes"]:
        if not size["identical"]:
            lines.append(
                f"| {size['customers']:,} | {size['rows']:,} | checksums differ: "
                f"{'; '.join(size['differences'][:3])} | | | | |"
            )
            continue
        for name, engine in size["engines"].items():
            lines.append(
                f"| {size['customers']:,} | {size['rows']:,} | {name} | "
                f"{_fmt(engine['median_s'])} | {', '.join(f'{s:.1f}' for s in engine['runs_s'])} | "
                f"{_fmt(engine.get('rows_per_s'))} | {_fmt(engine.get('peak_rss_gb'), 2)} |"
            )
        if "project_skipped" in size:
            lines.append(
                f"| {size['customers']:,} | {size['rows']:,} | project: not measured, "
                f"{size['project_skipped']} | | | | |"
            )
    lines += [
        "",
        "| customers | baseline / project | project / DuckDB | incremental / full "
        "| incremental / full in Spark | baseline / DuckDB | identical features |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size in report["sizes"]:
        ratios = size.get("ratios", {})
        lines.append(
            f"| {size['customers']:,} | {_fmt(ratios.get('baseline_over_project'), 2)} | "
            f"{_fmt(ratios.get('project_over_duckdb'), 2)} | "
            f"{_fmt(ratios.get('incremental_over_full'), 3)} | "
            f"{_fmt(ratios.get('incremental_over_full_in_spark'), 3)} | "
            f"{_fmt(ratios.get('baseline_over_duckdb'), 2)} | "
            f"{'yes (checksum)' if size['identical'] else 'NO'} |"
        )
    if report["growth"]:
        lines += ["", "Growth from the smallest to the largest grid (time ~ rows^exponent):", ""]
        lines += ["| engine | rows ratio | time ratio | exponent |", "|---|---:|---:|---:|"]
        for name, growth in report["growth"].items():
            lines.append(
                f"| {name} | {growth['size_ratio']:.1f} | {growth['time_ratio']:.2f} | "
                f"{growth['exponent']:.2f} |"
            )
    lines += ["", "Targets (issue 9), at the largest size measured:", ""]
    lines += ["| target | value | met |", "|---|---:|---|"]
    for target in report["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[target["met"]]
        note = f" ({target['note']})" if target.get("note") else ""
        lines.append(f"| {target['target']}{note} | {_fmt(target['value'], 3)} | {met} |")
    if any(target["met"] is False for target in report["targets"]):
        lines += [
            "",
            "Why the unmet targets are missed, with the time of each step measured in a warm "
            "session: [attribution.md](attribution.md), the grid's speed and incremental runs.",
        ]
    lines += [
        "",
        "Features compared (checksum over every row): " + ", ".join(output_columns()) + ".",
        "",
    ]
    return "\n".join(lines)


KEPT_MARKER = "<!-- measured by hand below: kept when the grid benchmark rewrites this file -->"


def kept_sections(md_path: Path) -> str:
    """What follows :data:`KEPT_MARKER` in the existing file (the pipeline's and the test
    suite's measurements), with the marker; empty when there is none."""
    if not md_path.exists():
        return ""
    text = md_path.read_text()
    at = text.find(KEPT_MARKER)
    return "" if at < 0 else "\n" + text[at:]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--customers", type=int, nargs="+", default=list(DEFAULT_SIZES), help="sizes N"
    )
    parser.add_argument("--quick", action="store_true", help=f"smoke run at {QUICK_SIZES}")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("data/bench"))
    parser.add_argument("--json", type=Path, help="default docs/benchmarks.json")
    parser.add_argument("--markdown", type=Path, help="default docs/benchmarks.md")
    parser.add_argument("--no-project", dest="project", action="store_false")
    parser.add_argument("--grid-selector", default=GRID_SELECTOR)
    parser.add_argument("--grid-model", default=GRID_MODEL)
    parser.add_argument("--start-date-var", default=START_DATE_VAR)
    parser.add_argument("--end-date-var", default=END_DATE_VAR)
    parser.add_argument("--keep-outputs", action="store_true")


def run(args: argparse.Namespace, argv: list[str]) -> int:
    sizes = list(QUICK_SIZES) if args.quick else args.customers
    default_dir = args.work if args.quick else Path("docs")
    json_path = args.json or default_dir / "benchmarks.json"
    md_path = args.markdown or default_dir / "benchmarks.md"
    started = time.time()
    report: dict = {
        "command": "python -m marketing_analytics " + " ".join(argv),
        "quick": args.quick,
        "repeats": args.repeats,
        "machine": _machine(),
        "sizes": [run_size(args, n, args.work) for n in sizes],
    }
    report["growth"] = _growth(report["sizes"])
    report["targets"] = targets(report)
    report["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    report["total_minutes"] = round((time.time() - started) / 60, 1)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    md_path.write_text(markdown(report) + kept_sections(md_path))
    print(f"wrote {json_path} and {md_path} ({report['total_minutes']} min)")
    return 0 if all(size["identical"] for size in report["sizes"]) else 1
