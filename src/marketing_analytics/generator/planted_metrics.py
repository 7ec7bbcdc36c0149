"""truth.json in long form, one row per planted number, for the pipeline's scorecard."""

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

# Which analysis checks each top-level section of truth.json.
SECTION_ANALYSIS = {
    "params": "foundation",
    "segments": "segmentation",
    "purchase_model": "attribution",
    "email_holdout": "attribution",
    "releases": "attribution",
    "voucher_test": "uplift",
    "offers": "crm",
    "panel": "mmm",
}


def _numeric_leaves(value: Any, path: str) -> Iterator[tuple[str, float]]:
    if isinstance(value, int | float):  # bools too
        yield path, float(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _numeric_leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _numeric_leaves(item, f"{path}.{index}")


def planted_metrics_table(truth: dict[str, Any]) -> pa.Table:
    """Columns analysis, metric (dotted path in truth.json), value."""
    rows = [
        (SECTION_ANALYSIS[section], metric, value)
        for section, body in truth.items()
        for metric, value in _numeric_leaves(body, section)
    ]
    return pa.table(
        {
            "analysis": pa.array([row[0] for row in rows], pa.string()),
            "metric": pa.array([row[1] for row in rows], pa.string()),
            "value": pa.array([row[2] for row in rows], pa.float64()),
        }
    )
