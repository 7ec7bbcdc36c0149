"""The adapter's decisions that need no warehouse: when a first build may write in place."""

from marketing_analytics.adapter.impl import nothing_to_replace

TMP = "fct_orders__dbt_tmp"


def test_an_empty_schema_or_other_tables_leave_nothing_to_replace() -> None:
    assert nothing_to_replace([], "fct_orders", TMP)
    assert nothing_to_replace(["fct_orders_daily", "dim_orders", "fct_order"], "fct_orders", TMP)
    # another model's leftovers are not this one's
    assert nothing_to_replace(["fct_orders_daily__dbt_tmp_1a2b3c4d"], "fct_orders", TMP)


def test_the_table_or_a_leftover_of_a_killed_run_must_be_replaced() -> None:
    assert not nothing_to_replace(["fct_orders"], "fct_orders", TMP)
    assert not nothing_to_replace(["FCT_Orders"], "fct_orders", TMP)  # case-insensitive
    assert not nothing_to_replace(["fct_orders__dbt_tmp_1a2b3c4d"], "fct_orders", TMP)
    assert not nothing_to_replace(["fct_orders__dbt_backup"], "fct_orders", TMP)
