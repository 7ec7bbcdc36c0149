"""Run a dbt Python model in-process on the SparkSession that runs the SQL models."""

import linecache
import traceback
from typing import Any

from dbt.adapters.base import PythonJobHelper
from dbt.adapters.spark.connections import SparkConnectionMethod, SparkCredentials
from dbt_common.exceptions import DbtRuntimeError

from marketing_analytics.adapter.session import get_spark_session


class SessionPythonJobHelper(PythonJobHelper):
    """Executes the compiled model (model code + dbt's glue + ``py_write_table``).

    The compiled code expects a global ``spark``; it reads refs with
    ``spark.table`` and writes the result with ``saveAsTable``.
    """

    def __init__(self, parsed_model: dict, credentials: SparkCredentials) -> None:
        self.parsed_model = parsed_model
        self.credentials = credentials
        refuse_non_session_target(parsed_model, credentials)

    def submit(self, compiled_code: str) -> Any:
        spark = get_spark_session(self.credentials.server_side_parameters)
        # The materialization's template puts blank lines before the model's
        # code; without them the traceback's line numbers are the file's.
        compiled_code = compiled_code.lstrip()
        # Name the code after the model file and register its text so that a
        # traceback points at the model's own lines.
        filename = f"<dbt python model {self.parsed_model['original_file_path']}>"
        linecache.cache[filename] = (
            len(compiled_code),
            None,
            compiled_code.splitlines(keepends=True),
            filename,
        )
        namespace: dict[str, Any] = {"spark": spark, "__name__": "__dbt_python_model__"}
        try:
            exec(compile(compiled_code, filename, "exec"), namespace)
        except Exception as exc:
            raise DbtRuntimeError(
                f"Python model {self.parsed_model['alias']} failed:\n{traceback.format_exc()}"
            ) from exc
        finally:
            linecache.cache.pop(filename, None)
        return None


def refuse_non_session_target(parsed_model: dict, credentials: SparkCredentials) -> None:
    """Python models need a SparkSession: stop on a Thrift/HTTP/ODBC target.

    Without this check the model would start an embedded Spark of its own and
    write its table into a local warehouse the target's server never sees.
    """
    method = credentials.method
    if method == SparkConnectionMethod.SESSION:
        return
    name = parsed_model.get("alias") or parsed_model.get("name", "?")
    raise DbtRuntimeError(
        f"Python model {name} cannot run on a target with method '{method}': the sparkoss "
        "'session' submission method needs a SparkSession (method: session). Build Python "
        "models with the `local` target (embedded Spark) or the `connect` target "
        "(DBT_TARGET=connect SPARK_CONNECT_URL=sc://host:15002), or leave them and their "
        "children out on this target: dbt build --exclude path:python_models+ "
        "(see 'Running on a Spark cluster' in the README)."
    )
