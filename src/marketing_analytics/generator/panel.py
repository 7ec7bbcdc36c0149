"""B2B client-month panel shaped like the public "Campaign-Data" file, with known coefficients."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from . import config as c
from .tables import labels, money


def build_panel(
    seed: int, start_date: date, clients: int, months: int, rho: float
) -> tuple[pa.Table, np.ndarray]:
    """Return the panel table and the realised error (client-major order) for the truth."""
    rng = c.rng_for(seed, c.STREAM_PANEL)
    ctype = rng.choice(len(c.CLIENT_TYPES), size=clients, p=c.PANEL_CLIENT_TYPE_PROBS)
    competition = rng.integers(0, len(c.COMPETITION), clients)  # planted: no effect
    customers_mean = np.array(c.PANEL_CUSTOMERS_MEAN)[ctype]

    n = clients * months
    client_t = np.repeat(ctype, months)
    mult = np.array(c.PANEL_CLIENT_TYPE_SPEND_MULT)[client_t]
    spends = np.empty((len(c.PANEL_SPEND_CHANNELS), n))
    for j, (mean, p0) in enumerate(zip(c.PANEL_SPEND_MEAN, c.PANEL_SPEND_ZERO_PROB, strict=True)):
        active = rng.random(n) >= p0
        spends[j] = np.round(active * rng.gamma(2.0, mean / 2.0, n) * mult, 2)

    # Stationary AR(1) within client: Var(e_t) = PANEL_ERROR_SD^2 for every month.
    shocks = rng.standard_normal((clients, months)) * c.PANEL_ERROR_SD
    err = np.empty((clients, months))
    err[:, 0] = shocks[:, 0]
    innovation_scale = np.sqrt(1.0 - rho**2)
    for m in range(1, months):
        err[:, m] = rho * err[:, m - 1] + innovation_scale * shocks[:, m]
    err = err.ravel()

    amount = (
        c.PANEL_INTERCEPT
        + np.array(c.PANEL_CLIENT_TYPE_EFFECT)[client_t]
        + np.array(c.PANEL_BETA) @ spends
        + err
    )
    amount = np.round(amount, 2)
    target = np.round((amount - err) * rng.uniform(0.9, 1.2, n), -2)
    units = np.maximum(0, np.rint(amount / c.PANEL_UNIT_PRICE + rng.normal(0, 20, n)))
    n_customers = rng.poisson(np.repeat(customers_mean, months))

    month0 = np.datetime64(start_date, "M")
    month = (month0 + np.tile(np.arange(months), clients)).astype("datetime64[D]")
    cols = {
        "client_id": pa.array(np.repeat(np.arange(1, clients + 1), months), pa.int64()),
        "month": pa.array(month),
        "client_type": labels(client_t, c.CLIENT_TYPES),
        "number_of_customers": pa.array(n_customers, pa.int64()),
        "monthly_target": money(target),
        "amount_collected": money(amount),
        "units_sold": pa.array(units.astype(np.int64)),
    }
    for j, name in enumerate(c.PANEL_SPEND_CHANNELS):
        cols[name] = money(spends[j])
    cols["number_of_competition"] = labels(np.repeat(competition, months), c.COMPETITION)
    return pa.table(cols), err
