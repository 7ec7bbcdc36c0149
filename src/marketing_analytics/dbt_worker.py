"""Successive dbt commands in one process, so that one warm JVM serves them all.

A dbt invocation on the embedded Spark pays ~20-30 s before its first node (the JVM,
the Derby metastore, class loading and code generation) and runs its first statements
in a cold JIT. dbt-spark's ``session`` method takes the SparkSession with
``getOrCreate``, so invocations in one Python process share one session. This worker
reads one JSON request per line on stdin (``{"args": [...], "cwd": "..."}``), runs it
with ``dbtRunner`` and writes one JSON line (``returncode``, ``stdout``) to the file
descriptor given as its argument; the JVM's own output goes to its stdout/stderr.

One worker serves one warehouse: the session's warehouse and metastore are fixed when
its JVM starts, so the environment (``SPARK_STATE_DIR`` and the rest) is the worker's own.
"""

import contextlib
import io
import json
import os
import sys


def _invoke(args: list[str]) -> tuple[int, str]:
    from dbt.cli.main import dbtRunner

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        result = dbtRunner().invoke(args)
    # The exit codes of the dbt command line: 1 = a node failed, 2 = dbt itself failed.
    returncode = 0 if result.success else (1 if result.exception is None else 2)
    if result.exception is not None:
        output.write(f"\n{type(result.exception).__name__}: {result.exception}\n")
    return returncode, output.getvalue()


def serve(requests: io.TextIOBase, responses: io.TextIOBase) -> None:
    for line in requests:
        request = json.loads(line)
        os.chdir(request["cwd"])
        returncode, stdout = _invoke(request["args"])
        responses.write(json.dumps({"returncode": returncode, "stdout": stdout}) + "\n")
        responses.flush()


def main() -> None:
    with os.fdopen(int(sys.argv[1]), "w") as responses:
        serve(sys.stdin, responses)


if __name__ == "__main__":
    main()
