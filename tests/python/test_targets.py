"""The cluster targets of profiles/profiles.yml: Connect URL and token, Thrift limits."""

import pytest
from dbt_common.exceptions import DbtRuntimeError
from dbt_runner import PROJECT_ROOT
from pyspark.sql.connect.client import DefaultChannelBuilder

from marketing_analytics.adapter.connections import SparkossCredentials
from marketing_analytics.adapter.python_submissions import SessionPythonJobHelper
from marketing_analytics.spark_env import profile_spark_conf

PROFILES = PROJECT_ROOT / "profiles"
MODEL = {"alias": "ml_customers_scores", "original_file_path": "python_models/ml/x.py"}


def test_connect_url_comes_from_the_environment_without_a_token() -> None:
    conf = profile_spark_conf("connect", PROFILES, {"SPARK_CONNECT_URL": "sc://spark.example:443"})
    assert conf["spark.remote"] == "sc://spark.example:443"
    assert DefaultChannelBuilder(conf["spark.remote"]).token is None


@pytest.mark.parametrize(
    "url",
    ["sc://spark.example:443", "sc://spark.example:443/;user_id=dbt"],
    ids=["plain", "params"],
)
def test_connect_token_is_appended_to_the_url(url: str) -> None:
    environ = {"SPARK_CONNECT_URL": url, "DBT_ENV_SECRET_SPARK_CONNECT_TOKEN": "s3cr3t"}
    conf = profile_spark_conf("connect", PROFILES, environ)
    channel = DefaultChannelBuilder(conf["spark.remote"])
    assert channel.token == "s3cr3t"
    assert channel.endpoint == "spark.example:443"
    # pyspark sends a token only over TLS.
    assert channel.secure


def test_python_model_on_thrift_target_stops_with_a_pointer_to_session_targets() -> None:
    thrift = SparkossCredentials(host="127.0.0.1", method="thrift", schema="analytics", port=10000)
    with pytest.raises(DbtRuntimeError) as error:
        SessionPythonJobHelper(MODEL, thrift)
    message = str(error.value)
    assert "ml_customers_scores cannot run on a target with method 'thrift'" in message
    assert "`connect` target" in message and "`local` target" in message
    assert "--exclude path:python_models+" in message


def test_python_model_on_session_target_is_accepted() -> None:
    session = SparkossCredentials(host="sc://127.0.0.1:15002", method="session", schema="analytics")
    assert SessionPythonJobHelper(MODEL, session).credentials is session
