"""Reading gold inputs and writing ml tables through the warehouse interface: the ML layer's only I/O."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pandas as pd

from retail_assets.warehouse.base import Warehouse

if TYPE_CHECKING:
    import ibis.expr.types as ir

SALES_COLUMNS = ["sale_date", "transaction_id", "customer_id", "store_id", "quantity", "unit_price", "discount",
                 "revenue", "is_cancellation", "channel"]
CUSTOMER_COLUMNS = ["customer_id", "valid_from", "valid_to", "is_current", "loyalty_tier", "signup_date"]
STORE_COLUMNS = ["store_id", "store_type", "region"]
DAILY_COLUMNS = ["sale_date", "store_id", "revenue"]


@contextmanager
def churn_inputs(warehouse: Warehouse) -> Iterator[tuple[ir.Table, pd.DataFrame, pd.DataFrame]]:
    """(sales, customers, stores) from gold for the length of the block. Sales stay in the warehouse as an
    Ibis table (millions of lines, aggregated where they are: ml/sales_summary.py); the dimensions are
    small and read whole, in a stable order."""
    customers = warehouse.read_table("gold", "dim_customer", CUSTOMER_COLUMNS, order_by=["customer_id", "valid_from"])
    stores = warehouse.read_table("gold", "dim_store", STORE_COLUMNS, order_by=["store_id"])
    with warehouse.ibis_tables() as table:
        yield table("gold", "fct_sales").select(SALES_COLUMNS), customers, stores


def read_daily_revenue(warehouse: Warehouse) -> pd.DataFrame:
    return warehouse.read_table("gold", "rpt_daily_sales", DAILY_COLUMNS, order_by=["sale_date", "store_id"])


def replace_table(warehouse: Warehouse, table: str, frame: pd.DataFrame) -> None:
    """ml.<table> becomes exactly `frame` (table names are constants of this package)."""
    warehouse.replace_table("ml", table, frame)


def upsert_forecasts(warehouse: Warehouse, frame: pd.DataFrame) -> None:
    """Append a forecast run to ml.sales_forecast, replacing an earlier run made on the same day."""
    _add_expected_open(warehouse)
    warehouse.replace_rows("ml", "sales_forecast", frame, key="forecast_made_on")


def _add_expected_open(warehouse: Warehouse) -> None:
    """Forecasts stored before closed days were recognised assumed every day open: say so in the new column."""
    stored = warehouse.read_table("ml", "sales_forecast")  # no table yet: no columns, the first run creates it
    if "forecast_made_on" in stored.columns and "expected_open" not in stored.columns:
        warehouse.replace_table("ml", "sales_forecast", stored.assign(expected_open=True))


def read_forecasts(warehouse: Warehouse) -> pd.DataFrame:
    return warehouse.read_table("ml", "sales_forecast")


def read_features(warehouse: Warehouse) -> pd.DataFrame:
    return warehouse.read_table("ml", "customer_features", order_by=["customer_id"])
