"""Resources chosen in one place, by environment (see settings.py)."""

from __future__ import annotations

from retail_assets import settings
from retail_assets.landing.file_store import LocalFileStore
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets.warehouse.io_manager import WarehouseIOManager


def landing_store() -> LocalFileStore:
    uri = settings.landing_uri()
    if uri.startswith("gs://"):
        # The GCS store arrives with the BigQuery/GCS issue; fail at load time, clearly.
        raise NotImplementedError(f"RETAIL_LANDING_URI={uri}: GCS landing zones are not supported yet")
    root = settings.data_dir()
    return LocalFileStore(landing_dir=uri, archive_dir=str(root / "archive"), rejected_dir=str(root / "rejected"))


def build_resources() -> dict:
    if settings.warehouse_kind() != "duckdb":
        raise NotImplementedError("RETAIL_WAREHOUSE=bigquery is not supported yet; use duckdb (the default)")
    path = str(settings.duckdb_path())
    return {
        "landing": landing_store(),
        "warehouse": DuckDBWarehouse(path=path),
        "warehouse_io_manager": WarehouseIOManager(database=path),
    }
