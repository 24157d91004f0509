"""Product price changes: on some days a few products get a new list price.

Sales of a day are priced with the list prices in force that day, so a price
change shows up both in `products_D.json` and in the lines sold from D on.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from retail_assets.synthetic import seeding
from retail_assets.synthetic.dimensions import price_point
from retail_assets.synthetic.ledger import DailyLedger

PRODUCT_COLUMNS = ["product_id", "product_name", "category", "brand", "unit_cost", "list_price", "updated_at"]
PRICE_CHANGE_DAY_P = 0.2  # repricing happens on about one day a week
MEAN_REPRICED = 4.0  # products repriced on such a day, beyond the first


class PriceLedger(DailyLedger):
    """Current unit cost and list price of every product, day by day."""

    def initial_state(self) -> pd.DataFrame:
        """Prices as built with the universe."""
        return self.universe.products[["unit_cost", "list_price"]].copy()

    def draw_changes(self, day: date, state: pd.DataFrame) -> pd.DataFrame:
        """Reprice a few products by up to +-15%, with supplier cost drifting a little."""
        rng = seeding.day_rng(self.universe.seed, day, seeding.PRICE_CHANGES)
        n = len(state)
        k = 1 + int(rng.poisson(MEAN_REPRICED)) if rng.random() < PRICE_CHANGE_DAY_P else 0
        rows = np.sort(rng.choice(n, size=min(k, n), replace=False))
        old_price = state["list_price"].to_numpy()[rows]
        new_price = price_point(old_price * rng.uniform(0.85, 1.15, len(rows)))
        # Never a no-op change: a new version must differ from the old one.
        new_price = np.where(new_price == old_price, (old_price + 1.0).round(2), new_price)
        new_cost = (state["unit_cost"].to_numpy()[rows] * rng.uniform(0.97, 1.05, len(rows))).round(2)
        return pd.DataFrame({"unit_cost": new_cost, "list_price": new_price}, index=pd.Index(rows, name="row"))


def product_versions(ledger: PriceLedger, day: date) -> pd.DataFrame:
    """Rows of `products_D.json`: the whole catalogue on the start day, later repriced products only."""
    products = ledger.universe.products
    changes = ledger.changes_on(day)  # also moves ledger.state to the end of `day`
    rows = products if day == ledger.universe.start else products.loc[changes.index]
    rows = rows.assign(
        unit_cost=ledger.state.loc[rows.index, "unit_cost"],
        list_price=ledger.state.loc[rows.index, "list_price"],
        updated_at=f"{day.isoformat()} 00:00:00",  # prices apply from midnight of the day
    )
    return rows[PRODUCT_COLUMNS].reset_index(drop=True)
