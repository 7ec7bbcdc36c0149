"""Where a dbt invocation spent its time: the slowest nodes of a ``run_results.json``.

``python -m marketing_analytics nodes [target/run_results.json] --top 10`` prints the total
node time per resource type and the slowest nodes, so a build's profile is one command away
(``make build`` writes the file; ``make docs`` replaces it with the docs run's).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path


def node_times(run_results: dict) -> list[tuple[float, str, str]]:
    """(seconds, resource type, name) of every node, slowest first."""
    rows = []
    for result in run_results["results"]:
        unique_id = result["unique_id"]
        resource_type, name = unique_id.split(".")[0], unique_id.split(".")[2]
        rows.append((float(result["execution_time"]), resource_type, name))
    return sorted(rows, reverse=True)


def report(path: Path, top: int) -> str:
    run_results = json.loads(path.read_text())
    rows = node_times(run_results)
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for seconds, resource_type, _ in rows:
        totals[resource_type][0] += 1
        totals[resource_type][1] += seconds
    command = " ".join(run_results.get("args", {}).get("invocation_command", "dbt").split()[:3])
    lines = [
        f"{path}: {command}, {run_results['elapsed_time']:.1f} s elapsed",
        *(
            f"  {kind:<8} {count:>4} nodes {seconds:>8.1f} s"
            for kind, (count, seconds) in totals.items()
        ),
        f"slowest {top}:",
        *(f"  {seconds:>8.2f} s  {kind:<6} {name}" for seconds, kind, name in rows[:top]),
    ]
    return "\n".join(lines)
