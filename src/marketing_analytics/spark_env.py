"""Environment of the Spark processes the project starts: Java, SPARK_HOME, state dir."""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import jinja2
import pyspark
import yaml

from marketing_analytics.class_archive import with_archive
from marketing_analytics.java import ensure_java

SPARK_HOME = Path(pyspark.__file__).parent
# Spark's tasks are the parallelism: a native BLAS (make blas) that also threads
# inside every task would oversubscribe the cores.
OPENBLAS_THREADS = "1"


def state_dir() -> Path:
    """Folder of the embedded warehouse, metastore, server pids and logs."""
    return Path(os.environ.get("SPARK_STATE_DIR", ".spark")).resolve()


def spark_environment() -> dict[str, str]:
    """Environment for ``spark-submit``: pyspark's own Spark, Java 17+, loopback only."""
    env = dict(os.environ)
    env["JAVA_HOME"] = str(ensure_java())
    env["SPARK_HOME"] = str(SPARK_HOME)
    # Without it Spark binds to the machine's external interface when the
    # hostname resolves to loopback.
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    env.setdefault("OPENBLAS_NUM_THREADS", OPENBLAS_THREADS)
    # Python workers (pandas UDFs) run the project's interpreter and packages.
    env.setdefault("PYSPARK_PYTHON", sys.executable)
    return env


def profile_spark_conf(
    target: str = "local",
    profiles_dir: Path = Path("profiles"),
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The Spark settings of a target of ``profiles/profiles.yml``.

    Servers started over the embedded warehouse (Thrift, Connect) use the
    ``local`` target's settings, so they see exactly the tables dbt wrote.
    ``environ`` stands in for the environment the profile reads.
    """
    environ = os.environ if environ is None else environ

    def env_var(name: str, default: str | None = None) -> str:
        value = environ.get(name, default)
        if value is None:
            raise KeyError(f"environment variable {name} is not set")
        return value

    text = (profiles_dir / "profiles.yml").read_text()
    rendered = jinja2.Template(text).render(env_var=env_var)
    outputs = yaml.safe_load(rendered)["marketing_analytics"]["outputs"]
    conf = {key: str(value) for key, value in outputs[target]["server_side_parameters"].items()}
    # Servers started from these settings map Spark's classes from the archive too.
    return conf if "spark.remote" in conf else with_archive(conf)
