"""Credentials and connection manager of the ``sparkoss`` adapter."""

import os
import sys
from dataclasses import dataclass

from dbt.adapters.contracts.connection import Connection
from dbt.adapters.spark.connections import (
    SparkConnectionManager,
    SparkConnectionMethod,
    SparkCredentials,
)

from marketing_analytics.class_archive import with_archive
from marketing_analytics.java import ensure_java
from marketing_analytics.spark_env import OPENBLAS_THREADS


@dataclass
class SparkossCredentials(SparkCredentials):
    @property
    def type(self) -> str:
        return "sparkoss"


class SparkossConnectionManager(SparkConnectionManager):
    TYPE = "sparkoss"

    @classmethod
    def open(cls, connection: Connection) -> Connection:
        # An embedded or Connect session starts a JVM (or a gRPC client) here:
        # make sure a Java 17+ is found first, even on a machine without one.
        if connection.credentials.method == SparkConnectionMethod.SESSION:
            ensure_java()
            # Spark otherwise binds to the external interface when the
            # hostname resolves to loopback (the driver settings alone don't stop it).
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            os.environ.setdefault("OPENBLAS_NUM_THREADS", OPENBLAS_THREADS)
            # Python workers (pandas UDFs of the Python models) run this interpreter,
            # which has the project's packages, not whatever python3 is on PATH.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            parameters = connection.credentials.server_side_parameters
            if "spark.remote" not in parameters:
                # The embedded JVM maps Spark's classes from the archive of `make setup`.
                parameters.update(with_archive(parameters))
        return super().open(connection)
