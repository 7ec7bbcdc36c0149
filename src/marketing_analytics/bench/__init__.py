"""Benchmark of the customer-day grid: the project's dbt models, the seed's approach
(cross join + ``Window``), DuckDB, and an incremental one-day run vs a full refresh.

``python -m marketing_analytics bench`` (``make bench``); see ``runner.py``.
"""
