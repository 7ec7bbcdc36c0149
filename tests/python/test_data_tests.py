"""The project's own generic data tests (tests/generic), rendered as dbt renders them and run on
Spark against small tables with planted violations."""

import re

import jinja2
import pytest
from dbt_runner import PROJECT_ROOT

pytestmark = pytest.mark.slow


class Adapter:
    @staticmethod
    def quote(identifier: str) -> str:
        return f"`{identifier}`"


def render(test: str, **arguments) -> str:
    """The SQL of generic test ``test`` for ``arguments`` (the body of its ``{% test %}`` block)."""
    text = (PROJECT_ROOT / "tests" / "generic" / f"{test}.sql").read_text()
    body = re.search(r"{% test \w+\(.*?\) %}(.*){% endtest %}", text, re.S).group(1)
    return jinja2.Template(body).render(adapter=Adapter(), **arguments)


def test_not_null_columns_names_each_column_with_nulls(spark) -> None:
    spark.createDataFrame(
        [(1, "a", 1.0), (2, None, None), (3, None, 2.0)],
        "id bigint, label string, `amount paid` double",
    ).createOrReplaceTempView("planted")
    sql = render("not_null_columns", model="planted", columns=["id", "label", "amount paid"])
    failures = {row["column_name"]: row["null_rows"] for row in spark.sql(sql).collect()}
    assert failures == {"label": 2, "amount paid": 1}
    clean = render("not_null_columns", model="planted", columns=["id"])
    assert spark.sql(clean).count() == 0


def test_accepted_values_columns_names_each_column_and_value(spark) -> None:
    spark.createDataFrame(
        [(0, "web", True), (1, "store", None), (2, "it's", False), (2, None, True)],
        "flag int, channel string, `is ok` boolean",
    ).createOrReplaceTempView("planted_values")
    columns = {"flag": [0, 1], "channel": ["web", "store"], "is ok": [True]}
    sql = render("accepted_values_columns", model="planted_values", columns=columns)
    failures = {
        (row["column_name"], row["unexpected_value"]): row["n_records"]
        for row in spark.sql(sql).collect()
    }
    # nulls pass; a quote inside a value is escaped, not a syntax error
    assert failures == {("flag", "2"): 2, ("channel", "it's"): 1, ("is ok", "false"): 1}
    accepting = {"flag": [0, 1, 2], "channel": ["web", "store", "it's"], "is ok": [True, False]}
    clean = render("accepted_values_columns", model="planted_values", columns=accepting)
    assert spark.sql(clean).count() == 0
