"""The ``sparkoss`` adapter: dbt-spark with a ``session`` Python submission method."""

import os

from dbt.adapters.base import PythonJobHelper, available
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

    @available
    def absolute_path(self, path: str) -> str:
        """``path`` resolved against the dbt process's working directory (URIs unchanged).

        Spark resolves a relative table location against the schema's folder in the
        warehouse, not against the folder the user (and a one-line read) means.
        """
        if "://" in path or path.startswith("file:"):
            return path
        return os.path.abspath(os.path.expanduser(path))
