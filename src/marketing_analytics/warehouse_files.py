"""Read the tables dbt wrote straight from their Parquet folders, without Spark.

The embedded Derby metastore admits one Spark process at a time, and the Thrift
server may hold it while people look at the marts. The report and the export
therefore read the warehouse's Parquet folders with pyarrow, locating each model
through dbt's ``manifest.json`` (schema and alias, or ``location_root``) and the
folder naming of the table materialization (``table_folder``). Delta
tables (``DBT_FILE_FORMAT=delta``) cannot be read this way: reading their Parquet
files would mix old and new versions, so they are refused with a message.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds


class MartUnavailableError(LookupError):
    """The model is not in the manifest or has no table in the warehouse."""


@dataclass(frozen=True)
class ModelInfo:
    name: str
    schema: str
    alias: str
    description: str
    columns: dict[str, str]
    access: str
    contracted: bool
    parent: Path  # the folder holding the table's folder

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.alias}"

    @property
    def folder(self) -> Path:
        return table_folder(self.parent, self.alias)


def default_warehouse_dir() -> Path:
    """The warehouse folder of the ``local`` profile target (``.spark/warehouse``)."""
    from marketing_analytics.spark_env import profile_spark_conf

    return Path(profile_spark_conf("local")["spark.sql.warehouse.dir"]).resolve()


class WarehouseFiles:
    """Models of one dbt target dir and the warehouse their tables live in."""

    def __init__(self, target_dir: Path, warehouse_dir: Path) -> None:
        manifest_path = Path(target_dir) / "manifest.json"
        if not manifest_path.is_file():
            raise FileNotFoundError(
                f"{manifest_path} not found: run `make build` (dbt build) first"
            )
        self.manifest = json.loads(manifest_path.read_text())
        self.target_dir = Path(target_dir)
        self.warehouse_dir = Path(warehouse_dir)
        self.models: dict[str, ModelInfo] = {}
        for node in self.manifest["nodes"].values():
            if node["resource_type"] != "model" or not node["config"].get("enabled", True):
                continue
            alias = node.get("alias") or node["name"]
            location_root = node["config"].get("location_root")
            parent = (
                Path(location_root)
                if location_root
                else self.warehouse_dir / f"{node['schema']}.db"
            )
            self.models[node["name"]] = ModelInfo(
                name=node["name"],
                schema=node["schema"],
                alias=alias,
                description=node.get("description", "").strip(),
                columns={
                    name: column.get("description", "")
                    for name, column in node.get("columns", {}).items()
                },
                access=node.get("access", "protected"),
                contracted=bool(node["config"].get("contract", {}).get("enforced")),
                parent=parent,
            )

    def info(self, name: str) -> ModelInfo:
        if name not in self.models:
            raise MartUnavailableError(f"model {name} is not in this project's manifest")
        return self.models[name]

    def exists(self, name: str) -> bool:
        if name not in self.models:
            return False
        folder = self.models[name].folder
        return folder.is_dir() and any(_data_files(folder))

    def dataset(self, name: str) -> ds.Dataset:
        info = self.info(name)
        if not info.folder.is_dir():
            raise MartUnavailableError(
                f"{info.relation} has no table at {info.folder}: build it first"
            )
        if (info.folder / "_delta_log").is_dir():
            raise MartUnavailableError(
                f"{info.relation} is a Delta table: read it through Spark or the Thrift server"
            )
        return ds.dataset(info.folder, format="parquet", partitioning="hive")

    def read_arrow(self, name: str, columns: list[str] | None = None) -> pa.Table:
        return self.dataset(name).to_table(columns=columns)

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """The table as pandas, decimals as floats (Spark decimals come as ``Decimal``)."""
        table = self.read_arrow(name, columns)
        casts = [
            pa.field(field.name, pa.float64()) if pa.types.is_decimal(field.type) else field
            for field in table.schema
        ]
        return table.cast(pa.schema(casts)).to_pandas()

    def public_marts(self) -> list[str]:
        """The contracted, public models BI tools and exports rely on (marts and reports)."""
        return sorted(
            name
            for name, info in self.models.items()
            if info.access == "public" and info.schema in ("marts", "reports")
        )


def table_folder(parent: Path, alias: str) -> Path:
    """The folder of table ``alias`` under ``parent``: ``<alias>/`` after a first build, the
    ``<alias>__dbt_tmp_<run>/`` of the run that last swapped it in after a rebuild (the swap
    points the table at its new files; the adapter's ``table.sql``). A run killed mid-build
    can leave a second folder: the table's is the one whose write completed (``_SUCCESS``);
    if that does not decide, the next dbt run will, and the error says so."""
    candidates = [
        path
        for path in [parent / alias, *sorted(parent.glob(f"{alias}__dbt_tmp_*"))]
        if path.is_dir()
    ]
    if len(candidates) <= 1:
        return candidates[0] if candidates else parent / alias
    complete = [path for path in candidates if (path / "_SUCCESS").is_file()]
    if len(complete) == 1:
        return complete[0]
    raise MartUnavailableError(
        f"{alias}: {len(complete) or len(candidates)} folders could hold the table "
        f"({', '.join(path.name for path in complete or candidates)} in {parent}), left by an "
        "interrupted dbt run: rerun the build (it drops the leftover)"
    )


def _data_files(folder: Path):
    return (
        path
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith(("_", "."))
    )
