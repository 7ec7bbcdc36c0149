"""The ``sparkoss`` dbt adapter: dbt-spark plus in-process Python models.

dbt-spark 1.11 submits Python models only to Databricks. This plugin inherits
everything from dbt-spark (macros, relations, SQL execution) and adds a
``session`` submission method, the default, which runs a Python model on the
same SparkSession that runs the SQL models: the embedded Spark of the
``local`` target, or a Spark Connect session when ``SPARK_REMOTE`` is set.
"""

from pathlib import Path

from dbt.adapters.base import AdapterPlugin

from marketing_analytics.adapter.connections import SparkossConnectionManager, SparkossCredentials
from marketing_analytics.adapter.impl import SparkossAdapter

Plugin = AdapterPlugin(
    adapter=SparkossAdapter,  # type: ignore[arg-type]
    credentials=SparkossCredentials,
    include_path=str(Path(__file__).parent / "include"),
    dependencies=["spark"],
    # The include project's name: without it dbt calls the package
    # "dbt_include", treats our macros as an imported package and ignores
    # the table materialization that overrides dbt-spark's.
    project_name="dbt_sparkoss",
)

__all__ = ["Plugin", "SparkossAdapter", "SparkossConnectionManager", "SparkossCredentials"]
