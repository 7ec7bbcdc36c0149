"""Pure helper functions shared by the dbt Python models (importable, unit-tested)."""
