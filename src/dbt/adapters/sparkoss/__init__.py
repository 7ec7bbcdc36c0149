"""dbt looks adapters up as ``dbt.adapters.<type>``; the implementation lives in
``marketing_analytics.adapter`` so the project keeps one Python package."""

from marketing_analytics.adapter import Plugin

__all__ = ["Plugin"]
