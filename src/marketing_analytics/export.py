"""Export key marts to Parquet or CSV files for tools that read files, not JDBC.

Reads the tables' Parquet folders in the warehouse with pyarrow (see
``warehouse_files``): no second Spark process, so it runs while the Thrift server
holds the Derby metastore. Default models: every public mart of the ``marts``
schema (the contracted ones BI reads).
"""

from dataclasses import dataclass
from pathlib import Path

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from marketing_analytics.warehouse_files import MartUnavailableError, WarehouseFiles

FORMATS = ("parquet", "csv")


@dataclass(frozen=True)
class ExportedFile:
    model: str
    path: Path
    rows: int


def export_marts(
    files: WarehouseFiles, out: Path, fmt: str = "parquet", models: list[str] | None = None
) -> list[ExportedFile]:
    """Write one ``<model>.<fmt>`` per model into ``out``; raise if a model is missing."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    names = models or files.public_marts()
    if not names:
        raise MartUnavailableError("no public marts in the manifest: run `make build` first")
    missing = [name for name in names if not files.exists(name)]
    if missing:
        raise MartUnavailableError(
            f"not built in {files.warehouse_dir} (or not a model of this project): "
            f"{', '.join(missing)} (run `make build`)"
        )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        table = files.read_arrow(name)
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path)
        else:
            pa_csv.write_csv(table, path)
        written.append(ExportedFile(name, path, table.num_rows))
    return written
