"""Gold-shaped frames straight from the generator's in-memory simulation (no files, no dbt).

The generator plants churners (purchase rate decays, then stops) and VIP
segments; this replays its sales simulation day by day and shapes the lines
like gold.fct_sales, so the ML tests run on the same behaviour as the real
pipeline without it. `write_gold` puts the frames into a DuckDB file for
materialize() tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from retail_assets.synthetic.customer_changes import CustomerLedger  # noqa: F401 (same universe as the files)
from retail_assets.synthetic.dimensions import UniverseSize, build_universe
from retail_assets.synthetic.operations import plan_shifts, till_roster
from retail_assets.synthetic.price_changes import PriceLedger
from retail_assets.synthetic.sales import simulate_sales


@dataclass
class GoldFrames:
    sales: pd.DataFrame
    customers: pd.DataFrame
    stores: pd.DataFrame
    daily: pd.DataFrame


def simulate_gold(start: date, days: int, seed: int = 7, lines_per_day: int = 1500, n_customers: int = 1500) -> GoldFrames:
    universe = build_universe(seed, start, UniverseSize(n_customers=n_customers))
    prices = PriceLedger(universe)
    store_ids = universe.stores["store_id"].to_numpy(dtype=object)
    customer_ids = np.append(universe.customers["customer_id"].to_numpy(dtype=object), None)  # -1 = guest
    parts = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        prices.changes_on(day)
        roster, counts = till_roster(universe, plan_shifts(universe, day))
        lines = simulate_sales(universe, day, prices.state["list_price"].to_numpy(dtype=float), roster, counts, lines_per_day)
        price = lines["price_cents"] / 100.0
        discount = lines["discount_pct"] / 100.0
        parts.append(pd.DataFrame({
            "sales_line_key": [f"{day}-{s}-{t}-{n}" for s, t, n in zip(lines["store"], lines["tx_number"], lines["line_number"])],
            "sale_date": day,
            "transaction_id": [f"T{day:%Y%m%d}-{s}-{t}" for s, t in zip(store_ids[lines["store"]], lines["tx_number"])],
            "customer_id": customer_ids[lines["customer"]],
            "store_id": store_ids[lines["store"]],
            "quantity": lines["quantity"],
            "unit_price": price,
            "discount": discount,
            "revenue": lines["quantity"] * price * (1 - discount),
            "is_cancellation": False,
            "channel": np.where(lines["online"], "online", "in_store"),
        }))
    sales = pd.concat(parts, ignore_index=True)
    c = universe.customers
    customers = pd.DataFrame({
        "customer_id": c["customer_id"], "valid_from": pd.Timestamp("1900-01-01"), "valid_to": pd.NaT,
        "is_current": True, "loyalty_tier": c["loyalty_tier"], "signup_date": pd.to_datetime(c["signup_date"]),
    })
    stores = universe.stores[["store_id", "store_type", "region"]].copy()
    daily = sales.groupby(["sale_date", "store_id"], as_index=False)["revenue"].sum()
    return GoldFrames(sales, customers, stores, daily)


def write_gold(frames: GoldFrames, path: Path) -> Path:
    """The four gold tables the ML layer reads, in a fresh DuckDB file."""
    conn = duckdb.connect(str(path))
    conn.execute("CREATE SCHEMA gold")
    for table, frame in (("fct_sales", frames.sales), ("dim_customer", frames.customers),
                         ("dim_store", frames.stores), ("rpt_daily_sales", frames.daily)):
        conn.register("frame", frame)
        conn.execute(f"CREATE TABLE gold.{table} AS SELECT * FROM frame")
        conn.unregister("frame")
    conn.close()
    return path
