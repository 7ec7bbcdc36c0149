"""The ``sparkoss`` adapter: dbt-spark with a ``session`` Python submission method."""

from dbt.adapters.base import PythonJobHelper
from dbt.adapters.spark.impl import SparkAdapter

from marketing_analytics.adapter.connections import SparkossConnectionManager
from marketing_analytics.adapter.python_submissions import SessionPythonJobHelper


class SparkossAdapter(SparkAdapter):
    ConnectionManager = SparkossConnectionManager

    @property
    def default_python_submission_method(self) -> str:
        return "session"

    @property
    def python_submission_helpers(self) -> dict[str, type[PythonJobHelper]]:
        return {**super().python_submission_helpers, "session": SessionPythonJobHelper}
