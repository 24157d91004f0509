"""Reading the reports' data from the warehouse: one .sql file per dataset, a fixed column order.

Pure reads over a DuckDB connection (the caller opens it read-only). The column
lists are the exports' contract: a CSV's header never changes silently, and a
query that drifts from its list fails here rather than in a spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from retail_assets.warehouse.duckdb_warehouse import table_name

SQL_DIR = Path(__file__).parent / "sql"
MAX_CUSTOMERS_PLOTTED = 5000  # the scatter stays light in the browser for a large chain

EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "daily_sales_summary": (
        "sale_date", "store_id", "store_name", "country", "region", "store_type", "transactions", "lines",
        "units", "customers", "guest_transactions", "transactions_with_cancellation", "gross_amount",
        "discount_amount", "revenue", "avg_sale_per_transaction",
    ),
    "product_performance": (
        "revenue_rank", "units_rank", "product_id", "product_name", "category", "brand", "transactions", "units",
        "revenue", "avg_revenue_per_unit", "first_sale_date", "last_sale_date",
    ),
    "employee_hours": (
        "store_id", "employee_id", "full_name", "role", "hourly_rate", "shifts", "hours_worked", "labour_cost",
        "first_shift_date", "last_shift_date", "transactions", "revenue", "sales_per_hour_worked",
    ),
    "inventory_status": (
        "store_id", "store_name", "product_id", "product_name", "category", "snapshot_date", "on_hand",
        "reorder_point", "needs_reorder", "units_sold_last_28_days", "avg_daily_units_sold", "days_of_cover",
    ),
}


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def run(conn: duckdb.DuckDBPyConnection, name: str, params: list | None = None) -> pd.DataFrame:
    return conn.execute(sql(name), params or []).df()


def read_export(conn: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """The rows of one CSV export, columns exactly as EXPORT_COLUMNS[name] (raises if the SQL drifted)."""
    frame = run(conn, name)
    expected = list(EXPORT_COLUMNS[name])
    if list(frame.columns) != expected:
        raise ValueError(f"{name}.sql returns {list(frame.columns)}, the export declares {expected}")
    return frame


def table_exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, table]
    ).fetchone()[0] > 0


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard shows; ML frames are empty until the model has run."""

    kpis: dict
    regions: pd.DataFrame  # country, region
    sales: pd.DataFrame  # sales_by_store_day.sql
    customer_countries: pd.DataFrame  # customer_countries.sql: the customer-country chart's rows
    forecast: pd.DataFrame  # sales_forecast.sql
    top_products: pd.DataFrame  # top_products.sql
    peak_hours: pd.DataFrame  # peak_hours.sql
    inventory_alerts: pd.DataFrame  # inventory_alerts.sql
    customers: pd.DataFrame  # customer_value.sql
    customers_scored: int  # all customers with spend, before the scatter's cap
    # False when the export delivered no stock counts / no employee or shift files (a sales-only export):
    # the page then says "no data in this export" instead of an empty table
    has_inventory: bool = True
    employees: int = 0


def read_dashboard_data(conn: duckdb.DuckDBPyConnection) -> DashboardData:
    kpis = run(conn, "kpis")
    if kpis.empty or pd.isna(kpis["latest_sale_date"].iloc[0]):
        raise ValueError("gold.fct_orders has no sales: load sales before building the dashboard")
    has_forecast = table_exists(conn, "ml", "sales_forecast")
    has_scores = table_exists(conn, "ml", "customer_scores") and table_exists(conn, "ml", "customer_features")
    scored = conn.execute("SELECT count(*) FROM ml.customer_scores WHERE monetary > 0").fetchone()[0] if has_scores else 0
    return DashboardData(
        kpis=kpis.iloc[0].to_dict(),
        regions=run(conn, "regions"),
        sales=run(conn, "sales_by_store_day"),
        customer_countries=run(conn, "customer_countries"),
        forecast=run(conn, "sales_forecast") if has_forecast else pd.DataFrame(
            columns=["forecast_date", "store_id", "region", "forecast_revenue"]),
        top_products=run(conn, "top_products"),
        peak_hours=run(conn, "peak_hours"),
        inventory_alerts=run(conn, "inventory_alerts"),
        customers=run(conn, "customer_value", [MAX_CUSTOMERS_PLOTTED]) if has_scores else pd.DataFrame(
            columns=["customer_id", "region", "current_spend", "predicted_value", "churn_probability",
                     "vip_potential", "high_value", "loyalty_tier"]),
        customers_scored=int(scored),
        has_inventory=_rows(conn, "gold", "rpt_inventory_status") > 0,
        employees=_rows(conn, "gold", "dim_employee"),
    )


def _rows(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    if not table_exists(conn, schema, table):
        return 0
    return conn.execute(f"SELECT count(*) FROM {table_name(schema, table)}").fetchone()[0]  # constants, quoted
