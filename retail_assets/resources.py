"""Resources chosen in one place, by environment (see settings.py)."""

from __future__ import annotations

from pathlib import Path

from retail_assets import settings
from retail_assets.automation.failures import RunFailureLog
from retail_assets.gold.dbt_cli import DBT_FLAGS, DbtCli
from retail_assets.gold.project import dbt_executable, dbt_project
from retail_assets.landing.file_store import LandingFileStore, LocalFileStore
from retail_assets.reports.folder import ReportsFolder
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse


def landing_store() -> LocalFileStore:
    uri = settings.landing_uri()
    if uri.startswith("gs://"):
        # The GCS store arrives with the BigQuery/GCS issue; fail at load time, clearly.
        raise NotImplementedError(f"RETAIL_LANDING_URI={uri}: GCS landing zones are not supported yet")
    root = settings.data_dir()
    return LocalFileStore(landing_dir=uri, archive_dir=str(root / "archive"), rejected_dir=str(root / "rejected"))


def duckdb_resources(landing: LandingFileStore, duckdb_path: str, reports_dir: str | None = None,
                     ops_dir: str | None = None) -> dict:
    """Every resource the assets and sensors need, on one DuckDB file (the embedded default)."""
    return {
        "landing": landing,
        "warehouse": DuckDBWarehouse(path=duckdb_path, memory_limit=settings.duckdb_memory_limit()),
        "dbt": DbtCli(project_dir=dbt_project, dbt_executable=dbt_executable(), global_config_flags=DBT_FLAGS),
        "reports": ReportsFolder(path=reports_dir or str(settings.data_dir() / "reports")),
        "failure_log": RunFailureLog(path=str(Path(ops_dir or settings.data_dir() / "ops") / "run_failures.jsonl")),
    }


def build_resources() -> dict:
    if settings.warehouse_kind() != "duckdb":
        raise NotImplementedError("RETAIL_WAREHOUSE=bigquery is not supported yet; use duckdb (the default)")
    return duckdb_resources(landing_store(), str(settings.duckdb_path()))
