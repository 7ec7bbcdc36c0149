"""Progress lines of long Python models, shown in dbt's console and log.

Inside dbt they go through dbt's adapter logger (so they appear between a model's START and
OK lines and in logs/dbt.log); outside dbt, through the standard ``logging`` module.
"""

from __future__ import annotations

import logging

try:
    from dbt.adapters.events.logging import AdapterLogger

    _logger = AdapterLogger("marketing_analytics")
except ImportError:  # pragma: no cover - dbt is a dependency; plain Python use
    _logger = logging.getLogger("marketing_analytics")


def log(message: str) -> None:
    """One progress line (info level)."""
    _logger.info(message)
