"""Part-file writers: CSV (header, comma, \\n, no quoting) or Parquet, one part per chunk."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .tables import TIMESTAMP

RAW_TABLES = (
    "customers",
    "transactions",
    "email_events",
    "web_sessions",
    "releases",
    "campaigns",
    "campaign_assignments",
    "sales_activity",
)
_CSV_OPTIONS = pacsv.WriteOptions(include_header=False, quoting_style="none")


def write_csv(table: pa.Table, path: Path, append: bool = False) -> None:
    """Write our own unquoted header (Arrow quotes it); 'none' quoting errors on unsafe values."""
    table = pa.table(
        {
            name: col.cast(pa.timestamp("s")) if col.type == TIMESTAMP else col
            for name, col in zip(table.column_names, table.columns, strict=True)
        }
    )  # UTC timestamps print as 'YYYY-MM-DD HH:MM:SS' without a zone suffix
    with path.open("ab" if append else "wb") as fh:
        if not append:
            fh.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(table, fh, _CSV_OPTIONS)


class RawWriter:
    """Writes raw/<table>/part-NNNNN.<fmt> and counts rows per table."""

    def __init__(self, out: Path, fmt: str) -> None:
        self.root = out / "raw"
        self.fmt = fmt
        self.counts = dict.fromkeys(RAW_TABLES, 0)
        for name in RAW_TABLES:
            folder = self.root / name
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.glob("part-*"):  # a previous, larger run must not leak in
                stale.unlink()

    def write(self, name: str, table: pa.Table, part: int) -> None:
        path = self.root / name / f"part-{part:05d}.{self.fmt}"
        if self.fmt == "csv":
            write_csv(table, path)
        else:
            pq.write_table(table, path, compression="snappy")
        self.counts[name] += table.num_rows
