"""dbt + Spark marketing analytics: the project's own Python code (generator, adapter, CLI)."""
