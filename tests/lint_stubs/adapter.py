"""sqlfluff's stand-in for dbt's ``adapter`` when it renders models without a warehouse."""

from types import SimpleNamespace


def get_columns_in_relation(relation) -> list[SimpleNamespace]:
    # One wildcard "column": the rendered select stays valid SQL for the linter.
    return [SimpleNamespace(quoted="*")]
