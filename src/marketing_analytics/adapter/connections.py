"""Credentials and connection manager of the ``sparkoss`` adapter."""

from dataclasses import dataclass

from dbt.adapters.contracts.connection import Connection
from dbt.adapters.spark.connections import (
    SparkConnectionManager,
    SparkConnectionMethod,
    SparkCredentials,
)

from marketing_analytics.java import ensure_java


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
        return super().open(connection)
