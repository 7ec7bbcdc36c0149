"""Importable helpers shared by the dbt Python models (pure functions, unit-tested)."""
