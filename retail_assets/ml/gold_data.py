"""Reading gold inputs and writing ml tables; the only SQL of the ML layer."""

from __future__ import annotations

import duckdb
import pandas as pd

SALES_SQL = """
SELECT sale_date, transaction_id, customer_id, store_id, quantity, unit_price, discount, revenue,
       is_cancellation, channel
FROM gold.fct_sales ORDER BY sales_line_key
"""
CUSTOMERS_SQL = """
SELECT customer_id, valid_from, valid_to, is_current, loyalty_tier, signup_date
FROM gold.dim_customer ORDER BY customer_id, valid_from
"""
STORES_SQL = "SELECT store_id, store_type, region FROM gold.dim_store ORDER BY store_id"
DAILY_SQL = "SELECT sale_date, store_id, revenue FROM gold.rpt_daily_sales ORDER BY sale_date, store_id"


def read_churn_inputs(conn: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(sales, customers, stores) from gold, in a stable order (the data version hashes them)."""
    return conn.execute(SALES_SQL).df(), conn.execute(CUSTOMERS_SQL).df(), conn.execute(STORES_SQL).df()


def read_daily_revenue(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return conn.execute(DAILY_SQL).df()


def replace_table(conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """ml.<table> becomes exactly `frame` (table names are constants of this package)."""
    conn.register("_ml_frame", frame)
    conn.execute("CREATE SCHEMA IF NOT EXISTS ml")
    conn.execute(f"CREATE OR REPLACE TABLE ml.{table} AS SELECT * FROM _ml_frame")
    conn.unregister("_ml_frame")


def upsert_forecasts(conn: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Append a forecast run to ml.sales_forecast, replacing an earlier run made on the same day."""
    conn.register("_ml_frame", frame)
    conn.execute("CREATE SCHEMA IF NOT EXISTS ml")
    conn.execute("CREATE TABLE IF NOT EXISTS ml.sales_forecast AS SELECT * FROM _ml_frame WHERE false")
    conn.execute("BEGIN")
    conn.execute("DELETE FROM ml.sales_forecast WHERE forecast_made_on IN (SELECT DISTINCT forecast_made_on FROM _ml_frame)")
    conn.execute("INSERT INTO ml.sales_forecast BY NAME SELECT * FROM _ml_frame")
    conn.execute("COMMIT")
    conn.unregister("_ml_frame")


def read_forecasts(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'ml' AND table_name = 'sales_forecast'"
    ).fetchone()[0]
    return conn.execute("SELECT * FROM ml.sales_forecast").df() if exists else pd.DataFrame()
