"""The one SparkSession of a dbt invocation."""

from pyspark.sql import SparkSession


def get_spark_session(server_side_parameters: dict[str, str]) -> SparkSession:
    """Return the session dbt-spark's ``session`` method uses for SQL models.

    dbt-spark builds it the same way (Hive support + profile parameters) and
    ``getOrCreate`` hands back that same session, or a Spark Connect session
    when ``spark.remote`` / ``SPARK_REMOTE`` is set.
    """
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in server_side_parameters.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    # A Connect session is "active" per thread, and MLlib on Connect looks the
    # active one up; dbt runs each model on a worker thread of its own.
    set_active = getattr(type(session), "_set_default_and_active_session", None)
    if set_active is not None:
        set_active(session)
    return session
