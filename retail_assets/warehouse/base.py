"""The warehouse seam: task-level operations the assets ask for, whatever the backend.

Assets are typed with `Warehouse`; DuckDB implements it now (duckdb_warehouse.py),
BigQuery next. A method is a whole task (append one file to bronze, rebuild a
silver window atomically, validate it, count it), so a backend is free to run
it the way it runs best: one transaction on DuckDB, jobs on BigQuery.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
from dagster import ConfigurableResource

if TYPE_CHECKING:  # Ibis is imported by the work that uses it, not when the code location loads
    import ibis.expr.types as ir


@dataclass(frozen=True)
class SilverOutcome:
    """What rebuilding one silver window did: counts, per-file accounting and samples for metadata."""

    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_duplicate: int
    accounting: pd.DataFrame      # one row per file: source_file, rows_read, rows_loaded, rows_rejected, ...
    top_errors: pd.DataFrame      # dq_errors, rows: the ten most frequent reasons
    preview: pd.DataFrame         # a few silver rows of the window
    window_rows: int              # silver rows in the window after the rebuild
    total_rows: int               # silver rows in the table
    seconds: dict[str, float] = field(default_factory=dict)  # plan, transform, write


@dataclass(frozen=True)
class TableStats:
    """A table as materialization metadata shows it."""

    row_count: int
    columns: list[tuple[str, str]]   # (name, type as the backend reports it)
    preview: pd.DataFrame
    window_row_count: int | None = None


class WarehouseBusy(RuntimeError):
    """A writer holds the warehouse past a reader's short wait; the reader may ask again shortly."""


class BronzeWriter(ABC):
    """One entity's bronze loads in one session of the warehouse (one connection, one job queue...).

    `append` and `record` are buffered and become visible together at `commit()`: a drop of
    hundreds of files is one write of its rows and audit rows, not one per file (each DuckDB
    transaction, each BigQuery load job, has a fixed cost that hundreds of small files multiply).
    """

    @abstractmethod
    def already_loaded(self, sha256: str) -> str | None:
        """Name of a file with this exact content already loaded (committed), if any."""

    @abstractmethod
    def append(self, rows: pa.Table, sha256: str) -> None:
        """Append rows of one file (typed as bronze_schema) at the next commit. A big file comes in several
        appends of the same content: the backend may write them ahead inside the commit's transaction, so
        memory holds a batch, not the file. The first append of a content since the last commit replaces
        rows of that content already stored (idempotent)."""

    @abstractmethod
    def discard(self, sha256: str) -> None:
        """Drop every row appended for this content since the last commit (a file refused half read);
        nothing stored before is touched."""

    @abstractmethod
    def record(self, replace: bool = True, **row) -> None:
        """The file's row in audit.file_loads at the next commit (`replace`: swap an earlier row of the
        same name and content)."""

    @property
    @abstractmethod
    def pending_rows(self) -> int:
        """Rows appended since the last commit (the caller commits by rows, so memory stays bounded)."""

    @abstractmethod
    def commit(self) -> None:
        """Write everything appended and recorded since the last commit, all of it or none."""


class Warehouse(ConfigurableResource, ABC):
    """Where bronze, silver, audit and gold live."""

    # --- bronze ------------------------------------------------------------------
    @abstractmethod
    def bronze_writer(self, entity: str) -> AbstractContextManager[BronzeWriter]:
        """A writer for one entity's files, its tables ensured."""

    @abstractmethod
    def record_rejected_file(self, **row) -> None:
        """An audit row for a file refused before any of its rows were read (quarantine)."""

    @abstractmethod
    def prepare_entity(self, entity: str) -> None:
        """The audit, bronze.<entity> and rejected-rows tables exist."""

    @abstractmethod
    def prepare_silver(self) -> None:
        """Every silver table exists (empty, typed), so gold's sources exist before the first delivery."""

    # --- silver ------------------------------------------------------------------
    @abstractmethod
    def build_silver(self, entity: str, start: date, end: date) -> SilverOutcome:
        """Rebuild silver.<entity> for start <= partition_date < end from bronze, with its rejected
        rows and the files' accounting in audit.file_loads: all three change together or not at all."""

    @abstractmethod
    def validate_silver(self, entity: str, start: date, end: date):
        """The pandera contract of silver.<entity> checked on the window inside the warehouse
        (a retail_assets.silver.contracts.ContractResult)."""

    @abstractmethod
    def bronze_balance(self, entity: str, start: date, end: date, silver_rows: int):
        """Bronze, rejected and duplicate counts of the window as stored
        (a retail_assets.quality.reconciliation.BronzeBalance)."""

    # --- gold --------------------------------------------------------------------
    @abstractmethod
    def revenue_by_sale_day(self, start: date, end: date) -> pd.DataFrame:
        """Lines and revenue per sale day in silver and in gold.fct_sales, for lines delivered in the window."""

    # --- ML and reports: whole tables -------------------------------------------
    @abstractmethod
    def read_table(self, schema: str, table: str, columns: list[str] | None = None,
                   order_by: list[str] | None = None) -> pd.DataFrame:
        """A table (or some of its columns) as a frame; empty frame if the table does not exist yet."""

    @abstractmethod
    def read_rows(self, schema: str, table: str, where: dict[str, list], columns: list[str] | None = None,
                  order_by: list[str] | None = None, limit: int | None = None) -> pd.DataFrame:
        """Rows whose `where` columns each hold one of the listed values, read-only, for readers outside
        runs (the upload portal): empty frame if the table does not exist yet; WarehouseBusy rather than
        a long wait while a run writes."""

    @abstractmethod
    def ibis_tables(self) -> AbstractContextManager[Callable[[str, str], ir.Table]]:
        """`table(schema, name)` -> an Ibis table of this warehouse, usable for the length of the block:
        set-based reads written once as Ibis expressions and run where the data is (ML features over
        millions of sales lines come back as one row per customer)."""

    @abstractmethod
    def replace_table(self, schema: str, table: str, frame: pd.DataFrame) -> None:
        """schema.table becomes exactly `frame`."""

    @abstractmethod
    def replace_rows(self, schema: str, table: str, frame: pd.DataFrame, key: str) -> None:
        """Rows of schema.table whose `key` value is in `frame` are replaced by `frame`'s (one transaction)."""

    # --- metadata ----------------------------------------------------------------
    @abstractmethod
    def tables_stats(self, tables: list[tuple[str, str]], window: tuple[date, date] | None = None,
                     window_column: str = "partition_date") -> dict[tuple[str, str], TableStats]:
        """Row count, column types, a preview of each (schema, table); restricted to the window where
        the table has that column. Many at once: a dbt build reports on dozens of models."""

    def table_stats(self, schema: str, table: str, window: tuple[date, date] | None = None,
                    window_column: str = "partition_date") -> TableStats:
        return self.tables_stats([(schema, table)], window, window_column)[(schema, table)]

    @abstractmethod
    def dbt_environment(self) -> dict[str, str]:
        """Environment variables that point dbt's profile at this warehouse."""
