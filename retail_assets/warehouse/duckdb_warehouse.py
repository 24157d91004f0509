"""Warehouse access for the embedded default: one DuckDB file.

The assets talk to this resource (and to the IO manager) only, so the
BigQuery variant can stand in for it without touching asset code. Table names
come from the entity registry, never from input; values are always bound.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
from dagster import ConfigurableResource

from retail_assets.entities import ENTITIES
from retail_assets.warehouse.table_schemas import REJECTED_ROWS_SCHEMA, bronze_schema, silver_schema, to_arrow

SQL_DIR = Path(__file__).parent / "sql"


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def connect_with_retry(path: str, attempts: int = 20, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting out another process's write lock (runs are also serialised by a pool)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(attempts):
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(min(0.25 * 2**attempt, 5.0))
    raise AssertionError("unreachable")


class DuckDBWarehouse(ConfigurableResource):
    """Bronze appends, rejected rows and the file audit in the DuckDB file at `path`."""

    path: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection closed on exit; `read_only` for readers (reports) that must never write."""
        conn = connect_with_retry(self.path, read_only=read_only)
        try:
            yield conn
        finally:
            conn.close()

    def ensure_audit(self, conn: duckdb.DuckDBPyConnection) -> None:
        conn.execute(sql("create_audit"))

    def ensure_tables(self, conn: duckdb.DuckDBPyConnection, entity: str) -> None:
        self.ensure_audit(conn)
        conn.execute("CREATE SCHEMA IF NOT EXISTS bronze; CREATE SCHEMA IF NOT EXISTS silver;")
        empty_bronze = bronze_schema(ENTITIES[entity]).empty_table()  # noqa: F841 (scanned by DuckDB)
        conn.execute(f"CREATE TABLE IF NOT EXISTS bronze.{entity} AS SELECT * FROM empty_bronze")
        empty_rejected = REJECTED_ROWS_SCHEMA.empty_table()  # noqa: F841
        conn.execute("CREATE TABLE IF NOT EXISTS silver.rejected_rows AS SELECT * FROM empty_rejected")

    def ensure_silver_tables(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Empty silver tables with their declared types, so dbt sources exist before first data."""
        conn.execute("CREATE SCHEMA IF NOT EXISTS silver")
        for name, entity in ENTITIES.items():
            empty = silver_schema(entity).empty_table()  # noqa: F841 (scanned by DuckDB)
            conn.execute(f"CREATE TABLE IF NOT EXISTS silver.{name} AS SELECT * FROM empty")

    # --- bronze -----------------------------------------------------------
    def file_already_loaded(self, conn, sha256: str) -> str | None:
        """Name of a file with this exact content already loaded, if any."""
        row = conn.execute(
            "SELECT file FROM audit.file_loads WHERE sha256 = ? AND status IN ('bronze', 'loaded', 'superseded') LIMIT 1",
            [sha256],
        ).fetchone()
        return row[0] if row else None

    def append_bronze(self, conn, entity: str, rows: pd.DataFrame, sha: str) -> None:
        """Append one file's rows; re-appending the same content replaces it (idempotent)."""
        batch = to_arrow(rows, bronze_schema(ENTITIES[entity]))  # noqa: F841
        conn.execute("BEGIN")
        conn.execute(f"DELETE FROM bronze.{entity} WHERE _file_sha256 = ?", [sha])
        conn.execute(f"INSERT INTO bronze.{entity} BY NAME SELECT * FROM batch")
        conn.execute("COMMIT")

    def read_bronze(self, conn, entity: str, start: date, end: date) -> pd.DataFrame:
        """Bronze rows of partitions start <= day < end, in delivery order."""
        return conn.execute(
            f"SELECT * FROM bronze.{entity} WHERE _partition_date >= ? AND _partition_date < ? "
            "ORDER BY _ingested_at, _source_file, _row_number",
            [start, end],
        ).fetchdf()

    def silver_keys_outside(self, conn, entity: str, start: date, end: date) -> pd.DataFrame:
        """Business keys silver already holds in other partitions (re-delivery detection)."""
        keys = ", ".join(ENTITIES[entity].business_key)
        exists = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'silver' AND table_name = ?",
            [entity],
        ).fetchone()[0]
        if not exists:
            return pd.DataFrame(columns=list(ENTITIES[entity].business_key))
        return conn.execute(
            f"SELECT DISTINCT {keys} FROM silver.{entity} WHERE partition_date < ? OR partition_date >= ?",
            [start, end],
        ).fetchdf()

    # --- silver side tables ------------------------------------------------
    def replace_rejected_rows(self, conn, entity: str, start: date, end: date, rejected: pd.DataFrame) -> None:
        batch = to_arrow(rejected.assign(rejected_at=datetime.now()), REJECTED_ROWS_SCHEMA)  # noqa: F841
        conn.execute("BEGIN")
        conn.execute(
            "DELETE FROM silver.rejected_rows WHERE entity = ? AND partition_date >= ? AND partition_date < ?",
            [entity, start, end],
        )
        conn.execute("INSERT INTO silver.rejected_rows BY NAME SELECT * FROM batch")
        conn.execute("COMMIT")

    # --- audit -------------------------------------------------------------
    def record_file_load(self, conn, replace: bool = True, **row) -> None:
        """Write a file's audit row; `replace` swaps an earlier row of the same name and content
        (a re-run), while a re-upload of loaded content gets a row of its own."""
        values = {"profile": None, "entity": None, "partition": None, "rows_read": 0, "rows_loaded": 0,
                  "rows_rejected": 0, "rows_duplicate": 0, "reason": None, "loaded_at": datetime.now()}
        values.update(row)
        if replace:
            conn.execute(
                "DELETE FROM audit.file_loads WHERE file = ? AND sha256 = ? AND status <> 'duplicate_file'",
                [values["file"], values["sha256"]],
            )
        conn.execute(sql("record_file_load"), values)

    def record_accounting(self, conn, accounting: pd.DataFrame) -> None:
        now = datetime.now()
        for r in accounting.itertuples(index=False):
            conn.execute(
                sql("record_file_accounting"),
                {"sha256": r.file_sha256, "rows_read": int(r.rows_read), "rows_loaded": int(r.rows_loaded),
                 "rows_rejected": int(r.rows_rejected), "rows_duplicate": int(r.rows_duplicate), "loaded_at": now,
                 "status": "superseded" if r.superseded else "loaded"},
            )

    def file_loads(self, conn) -> pd.DataFrame:
        return conn.execute("SELECT * FROM audit.file_loads ORDER BY loaded_at, file").fetchdf()
