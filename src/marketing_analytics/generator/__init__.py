"""Synthetic omnichannel gourmet retailer: raw tables, a B2B panel and the planted truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from . import config as c
from .config import CHUNK_SIZE, GeneratorParams
from .customers import draw_customers
from .daily import ChunkResult, simulate_chunk
from .experiments import assignments_table, draw_experiments
from .panel import build_panel
from .planted_metrics import planted_metrics_table
from .schedule import build_schedule
from .tables import labels, money, timestamp_array
from .truth import TruthAccumulator, customers_truth_table, params_dict
from .writer import RAW_TABLES, RawWriter, write_csv

__all__ = ["CHUNK_SIZE", "RAW_TABLES", "GeneratorParams", "generate"]
GENERATOR_VERSION = "1.0"


def _event_tables(
    res: ChunkResult, ids: np.ndarray, start: np.datetime64, next_ids: dict[str, int]
) -> dict[str, pa.Table]:
    """Chunk rows -> Arrow tables; ids continue the previous chunk's sequence."""

    def seq(name: str, n: int) -> pa.Array:
        first = next_ids[name]
        next_ids[name] = first + n
        return pa.array(np.arange(first, first + n, dtype=np.int64))

    t, e, s = res.transactions, res.emails, res.sessions
    return {
        "transactions": pa.table(
            {
                "transaction_id": seq("transactions", t["cust"].size),
                "customer_id": pa.array(ids[t["cust"]]),
                "transaction_at": timestamp_array(start, t["sec"]),
                "product_category": labels(t["cat"], c.CATEGORIES),
                "channel": labels(t["chan"], c.CHANNELS),
                "amount": money(np.maximum(t["amount"], 0.01)),
                "is_discounted": pa.array(t["disc"], pa.int8()),
                "campaign_id": pa.array(t["campaign"], mask=t["campaign"] == 0),
            }
        ),
        "email_events": pa.table(
            {
                "event_id": seq("email_events", e["cust"].size),
                "campaign_id": pa.array(e["campaign"]),
                "customer_id": pa.array(ids[e["cust"]]),
                "event_type": labels(e["etype"], c.EVENT_TYPES),
                "event_at": timestamp_array(start, e["sec"]),
            }
        ),
        "web_sessions": pa.table(
            {
                "session_id": seq("web_sessions", s["cust"].size),
                "customer_id": pa.array(ids[s["cust"]]),
                "session_start_at": timestamp_array(start, s["sec"]),
                "pages_viewed": pa.array(s["pages"]),
                "duration_seconds": pa.array(s["duration"]),
            }
        ),
    }


def generate(params: GeneratorParams) -> dict[str, Any]:
    """Write raw/, truth/ and the manifests under params.out; return {'out', 'fmt', 'rows'}."""
    out = Path(params.out)
    truth_dir = out / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    writer = RawWriter(out, params.fmt)
    sched = build_schedule(params.seed, params.start_date, params.days)
    writer.write("releases", sched.releases, 0)
    writer.write("campaigns", sched.campaigns, 0)
    panel, panel_err = build_panel(
        params.seed,
        params.start_date,
        params.panel_clients,
        params.panel_months,
        params.panel_autocorrelation,
    )
    writer.write("sales_activity", panel, 0)

    acc = TruthAccumulator()
    next_ids = {"transactions": 1, "email_events": 1, "web_sessions": 1}
    n_chunks = -(-params.customers // CHUNK_SIZE)
    for k in range(n_chunks):
        first_id = k * CHUNK_SIZE + 1
        n = min(CHUNK_SIZE, params.customers - k * CHUNK_SIZE)
        cust, cust_table = draw_customers(params.seed, k, first_id, n, params.days, sched.start)
        exp = draw_experiments(params.seed, k, cust, sched)
        res = simulate_chunk(params.seed, k, cust, sched, exp, params.email_effect)
        writer.write("customers", cust_table, k)
        writer.write("campaign_assignments", assignments_table(cust, exp, sched), k)
        for name, table in _event_tables(res, cust.ids, sched.start, next_ids).items():
            writer.write(name, table, k)
        write_csv(customers_truth_table(cust, res), truth_dir / "customers_truth.csv", append=k > 0)
        acc.add(
            cust,
            res,
            exp.holdout_assigned,
            exp.holdout_treat,
            exp.voucher_eligible,
            exp.voucher_treat,
        )

    truth = acc.document(params, sched, panel_err)
    _write_json(truth_dir / "truth.json", truth)
    write_csv(planted_metrics_table(truth), truth_dir / "planted_metrics.csv")
    write_csv(
        pa.table(
            {
                "table_name": pa.array(list(writer.counts)),
                "row_count": pa.array(list(writer.counts.values()), pa.int64()),
            }
        ),
        out / "manifest.csv",
    )
    _write_json(
        out / "manifest.json",
        {
            "generator_version": GENERATOR_VERSION,
            "params": params_dict(params),
            "chunk_size": CHUNK_SIZE,
            "format": params.fmt,
            "tables": {
                name: {"row_count": rows, "path": f"raw/{name}"}
                for name, rows in writer.counts.items()
            },
            "truth_files": [
                "truth/truth.json",
                "truth/customers_truth.csv",
                "truth/planted_metrics.csv",
            ],
        },
    )
    return {"out": str(out), "fmt": params.fmt, "rows": dict(writer.counts)}


def _write_json(path: Path, obj: dict[str, Any]) -> None:
    path.write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n", encoding="utf-8")
