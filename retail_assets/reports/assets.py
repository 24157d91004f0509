"""Reports as assets (group `reports`, keys reports/<name>): CSV exports and the sales dashboard.

Thin wrappers: read gold (read-only) with queries.py, write with exports.py /
dashboard.py, tell the operator what was written. They follow gold (and ML)
once it has settled, like the ML scores (retail_assets/automation/policies.py):
a new day of data refreshes the files people open.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import pyarrow as pa
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    asset,
)

from retail_assets.constants import DATA_PLATFORM as OWNERS
from retail_assets.constants import WAREHOUSE_POOL
from retail_assets.metadata import column_schema, preview
from retail_assets.reports.charts import daily_sales_chart
from retail_assets.reports.dashboard import CHARTS, KPI_CARDS, build_dashboard
from retail_assets.reports.exports import write_csv_atomic, write_text_atomic
from retail_assets.reports.folder import ReportsFolder
from retail_assets.reports.queries import read_dashboard_data, read_export
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse

PREFIX = "reports"


def gold(*models: str) -> list[AssetKey]:
    return [AssetKey(["gold", m]) for m in models]


@dataclass(frozen=True)
class ExportSpec:
    name: str  # asset name and file stem
    reads: tuple[AssetKey, ...]
    description: str
    chart: Callable[[pd.DataFrame], MetadataValue] | None = None  # a PNG for the asset page


EXPORTS = (
    ExportSpec(
        "daily_sales_summary", tuple(gold("rpt_daily_sales")),
        "daily_sales_summary.csv: one row per sale date and store (transactions, units, customers, gross, "
        "discounts, revenue net of cancellations, average sale), from gold.rpt_daily_sales. A day missing for a "
        "store means no sales file was loaded for it: check audit.file_loads.",
        chart=daily_sales_chart,
    ),
    ExportSpec(
        "product_performance", tuple(gold("rpt_top_products")),
        "product_performance.csv: every product with sales, ranked by revenue and by units, with first/last "
        "sale dates, from gold.rpt_top_products (product lines only).",
    ),
    ExportSpec(
        "employee_hours", tuple(gold("rpt_employee_productivity", "dim_employee")),
        "employee_hours.csv: shifts, hours worked and labour cost (hours x hourly rate) per employee against the "
        "sales they rang up, from gold.rpt_employee_productivity. Zero hours means no shifts file was loaded.",
    ),
    ExportSpec(
        "inventory_status", tuple(gold("rpt_inventory_status")),
        "inventory_status.csv: stock per store and product at the latest count; what needs reordering first, "
        "shortest cover first, from gold.rpt_inventory_status.",
    ),
)


def build_export_asset(spec: ExportSpec) -> AssetsDefinition:
    @asset(
        key=[PREFIX, spec.name], group_name="reports", deps=list(spec.reads), pool=WAREHOUSE_POOL,
        kinds={"python", "csv"}, owners=OWNERS,
        description=f"{spec.description} Written to <RETAIL_DATA_DIR>/reports/ atomically (temp file, then rename).",
    )
    def _export(context: AssetExecutionContext, warehouse: DuckDBWarehouse, reports: ReportsFolder) -> MaterializeResult:
        with warehouse.connect(read_only=True) as conn:
            frame = read_export(conn, spec.name)
        path = write_csv_atomic(frame, reports.file(f"{spec.name}.csv"))
        context.log.info(f"{path}: {len(frame)} rows")
        metadata = {
            "path": MetadataValue.path(str(path)), "dagster/row_count": len(frame),
            "dagster/column_schema": column_schema(pa.Schema.from_pandas(frame, preserve_index=False)),
            "preview": preview(frame),
        }
        if spec.chart is not None and len(frame):
            metadata[f"{spec.name}_chart"] = spec.chart(frame)
        if frame.empty:  # a sales-only export: say why the file has a header and no rows
            metadata["note"] = f"no data in this export: nothing in {', '.join(k.to_user_string() for k in spec.reads)}"
        return MaterializeResult(metadata=metadata)

    return _export


DASHBOARD_READS = [
    *gold("v_executive_summary", "rpt_daily_sales", "rpt_sales_by_customer_country", "fct_sales", "fct_orders",
          "dim_store", "dim_product", "rpt_top_products", "rpt_inventory_status"),
    AssetKey(["ml", "customer_scores"]), AssetKey(["ml", "customer_features"]), AssetKey(["ml", "sales_forecast"]),
]


@asset(
    key=[PREFIX, "sales_dashboard"], group_name="reports", deps=DASHBOARD_READS, pool=WAREHOUSE_POOL,
    kinds={"python", "html"}, owners=OWNERS,
    description=(
        "sales_dashboard.html under <RETAIL_DATA_DIR>/reports/: one self-contained page (open it from disk, no "
        "server, no internet) with KPI cards from gold.v_executive_summary, sales by store region and by customer "
        "country (gold.rpt_sales_by_customer_country: an online shop's one store still sells to many countries), "
        "daily and monthly trend with the forecast, top 5 products, discounts per region, peak hours, inventory alerts and the "
        "VIP-potential scatter from ml/customer_scores; filters by dates and region. Before the ML group has run, "
        "the forecast and the scatter say so instead of failing; without inventory or employee files (a "
        "sales-only export) those sections say \"no data in this export\"."
    ),
)
def sales_dashboard(context: AssetExecutionContext, warehouse: DuckDBWarehouse, reports: ReportsFolder) -> MaterializeResult:
    with warehouse.connect(read_only=True) as conn:
        data = read_dashboard_data(conn)
    page = build_dashboard(data, generated_at=datetime.now())
    path = write_text_atomic(reports.file("sales_dashboard.html"), page)
    kpis = {key: (float(data.kpis[key]) if money else int(data.kpis[key])) for key, _, money, _ in KPI_CARDS}
    context.log.info(f"{path}: {path.stat().st_size:,} bytes, KPIs {kpis}")
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(path)),
        "size_bytes": path.stat().st_size,
        "latest_sale_date": str(data.kpis["latest_sale_date"])[:10],
        **{f"kpi_{key}": value for key, value in kpis.items()},
        "preview": preview(pd.DataFrame([kpis]).round(2)),
        "charts": len(CHARTS),
        "inventory_alerts": len(data.inventory_alerts),
        "inventory_data": data.has_inventory,
        "employees": data.employees,
        "customers_plotted": len(data.customers),
        "forecast_days": int(data.forecast["forecast_date"].nunique()),
    })


report_assets = [*(build_export_asset(spec) for spec in EXPORTS), sales_dashboard]
