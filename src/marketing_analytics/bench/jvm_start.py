"""Start-up of an embedded Spark with and without the class archive (``make setup``).

``python -m marketing_analytics.bench.jvm_start --repeats 3`` starts, in turn, fresh
processes with and without the archive. Each one opens a Hive-enabled session on a
scratch warehouse, lists the schemas (the metastore's start) and runs a first small
query, as a dbt invocation does. It prints the seconds of each step, the medians, and
the ratio. The load average is recorded before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from marketing_analytics.bench.stats import median, ratio

STEPS = ("session", "metastore", "first_query")


def _one_start(use_archive: bool) -> dict[str, float]:
    """In this process: the three steps of a cold start, in seconds."""
    from marketing_analytics.class_archive import java_options, scratch_hive_session

    work = tempfile.mkdtemp(prefix="jvm-start-")
    started = time.perf_counter()
    spark = scratch_hive_session(work, java_options() if use_archive else "")
    session = time.perf_counter()
    spark.sql("show schemas").collect()
    metastore = time.perf_counter()
    spark.sql("select g, count(*) from (select id % 3 as g from range(1000)) group by g").collect()
    first = time.perf_counter()
    spark.stop()
    shutil.rmtree(work, ignore_errors=True)
    return {
        "session": session - started,
        "metastore": metastore - session,
        "first_query": first - metastore,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", choices=["with", "without"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_one_start(args.child == "with")))
        return 0

    from marketing_analytics.class_archive import archive_path

    path = archive_path()
    if not path.is_file():
        print(f"no class archive at {path}: run `make setup` first")
        return 1
    print(f"archive {path} ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"load average at start: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    runs: dict[str, list[dict[str, float]]] = {"without": [], "with": []}
    for repeat in range(args.repeats):
        for mode in ("without", "with"):  # interleaved: both see the same machine
            out = subprocess.run(
                [sys.executable, "-m", "marketing_analytics.bench.jvm_start", "--child", mode],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            steps = json.loads(out.strip().splitlines()[-1])
            runs[mode].append(steps)
            shown = " ".join(f"{name} {steps[name]:.1f}" for name in STEPS)
            print(f"run {repeat + 1} {mode:>7} archive: {shown} total {sum(steps.values()):.1f} s")
    totals = {mode: median([sum(r.values()) for r in rs]) for mode, rs in runs.items()}
    for name in STEPS:
        values = {mode: median([r[name] for r in rs]) for mode, rs in runs.items()}
        print(f"median {name:>11}: {values['without']:.1f} s without, {values['with']:.1f} s with")
    print(
        f"median total: {totals['without']:.1f} s without, {totals['with']:.1f} s with "
        f"(ratio {ratio(totals['with'], totals['without']):.2f})"
    )
    print(f"load average at end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
