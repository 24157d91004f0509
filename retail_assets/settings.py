"""The one place that decides the environment: data root, landing zone, warehouse.

Every resource and asset asks here instead of reading environment variables
ad hoc, so switching DuckDB for BigQuery or a folder for a bucket is one
setting, documented in the README.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

DEFAULT_PARTITIONS_START = "2010-12-01"  # first day of the real Online Retail exports


def data_dir() -> Path:
    """Root of everything the pipeline writes: RETAIL_DATA_DIR, default ./data."""
    return Path(os.environ.get("RETAIL_DATA_DIR", "data")).resolve()


def landing_uri() -> str:
    """Where files land: RETAIL_LANDING_URI (folder or gs://...), default <data>/landing."""
    return os.environ.get("RETAIL_LANDING_URI") or str(data_dir() / "landing")


def warehouse_kind() -> str:
    """`duckdb` (embedded default) or `bigquery` (scale-out), from RETAIL_WAREHOUSE."""
    kind = os.environ.get("RETAIL_WAREHOUSE", "duckdb").strip().lower()
    if kind not in {"duckdb", "bigquery"}:
        raise ValueError(f"RETAIL_WAREHOUSE must be 'duckdb' or 'bigquery', got {kind!r}")
    return kind


def duckdb_path() -> Path:
    """The DuckDB file. Its stem must differ from every schema name (DuckDB catalog clash)."""
    return Path(os.environ.get("RETAIL_DUCKDB_PATH") or data_dir() / "warehouse.duckdb").resolve()


_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


def default_duckdb_memory_limit() -> str:
    """Half the machine's memory, in whole GB (at least 1GB): DuckDB's own default is 80%, which
    leaves too little to the run worker, the daemon, the webserver and dbt beside it."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(1, total // 2 // 10**9)}GB"


def duckdb_memory_limit() -> str:
    """How much memory DuckDB may use before it spills to disk (RETAIL_DUCKDB_MEMORY_LIMIT, default
    half the machine). Used by every connection the pipeline opens, dbt's included; past it, what
    can spill goes to `<warehouse>.duckdb.tmp/` and runs slower."""
    value = os.environ.get("RETAIL_DUCKDB_MEMORY_LIMIT", "").strip() or default_duckdb_memory_limit()
    if not _MEMORY.match(value):
        raise ValueError(f"RETAIL_DUCKDB_MEMORY_LIMIT must be a size like 2GB or 512MB, got {value!r}")
    return value


def partitions_start() -> str:
    """First daily partition: RETAIL_PARTITIONS_START, default the first real export day."""
    value = os.environ.get("RETAIL_PARTITIONS_START", DEFAULT_PARTITIONS_START)
    date.fromisoformat(value)  # fail at load time with a clear message, not mid-run
    return value


MIN_SENSOR_INTERVAL_SECONDS = 10


def sensor_interval_seconds() -> int:
    """How often landing_file_sensor looks: RETAIL_SENSOR_INTERVAL_SECONDS, default 30, at least 10."""
    raw = os.environ.get("RETAIL_SENSOR_INTERVAL_SECONDS", "30")
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"RETAIL_SENSOR_INTERVAL_SECONDS must be a whole number of seconds, got {raw!r}") from None
    if value < MIN_SENSOR_INTERVAL_SECONDS:
        raise ValueError(f"RETAIL_SENSOR_INTERVAL_SECONDS must be at least {MIN_SENSOR_INTERVAL_SECONDS}, got {value}")
    return value
