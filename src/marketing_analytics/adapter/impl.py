"""The ``sparkoss`` adapter: dbt-spark with a ``session`` Python submission method."""

import os

from dbt.adapters.base import BaseRelation, PythonJobHelper, available
from dbt.adapters.spark.impl import SparkAdapter

from marketing_analytics.adapter.connections import SparkossConnectionManager
from marketing_analytics.adapter.python_submissions import SessionPythonJobHelper


def nothing_to_replace(names: list[str], identifier: str, tmp_prefix: str) -> bool:
    """True when ``names`` (a schema's tables) hold neither ``identifier`` nor a table a
    killed run of it left behind (``<tmp_prefix>_*``, ``<identifier>__dbt_backup``).
    Spark's table names are case-insensitive."""
    prefix, backup = f"{tmp_prefix}_".lower(), f"{identifier}__dbt_backup".lower()
    lowered = {name.lower() for name in names}
    return identifier.lower() not in lowered and not any(
        name.startswith(prefix) or name == backup for name in lowered
    )


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

    @available
    def nothing_to_replace(self, relation: BaseRelation, tmp_prefix: str) -> bool:
        """True when the schema holds neither ``relation`` nor a leftover of it
        (:func:`nothing_to_replace`), answered from dbt's relation cache, listed at the start
        of the run, so it costs no query. The table materialization then writes the model
        straight into place: a table another process created since makes that CREATE fail,
        never lose data.
        """
        listed = self.list_relations(relation.database, relation.schema)
        return nothing_to_replace(
            [listed_relation.identifier for listed_relation in listed],
            relation.identifier,
            tmp_prefix,
        )

    @available
    def server_side_parameter(self, key: str) -> str | None:
        """A Spark setting the profile gives every session of this target, if any."""
        return self.config.credentials.server_side_parameters.get(key)
