"""The embedded default behind the `Warehouse` interface: one DuckDB file.

Table names come from the entity registry, never from input, and are quoted with
`ident` all the same; values are always bound. Silver is compiled from the backend-neutral Ibis expressions of
retail_assets/silver/transform.py and written in one transaction per window.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retail_assets.entities import ENTITIES
from retail_assets.pause_points import pause_point
from retail_assets.warehouse.base import BronzeWriter, SilverOutcome, TableStats, Warehouse, WarehouseBusy
from retail_assets.warehouse.table_schemas import REJECTED_ROWS_SCHEMA, bronze_schema, silver_schema

SQL_DIR = Path(__file__).parent / "sql"


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def ident(name: str) -> str:
    """`name` as one quoted SQL identifier. Table and column names cannot be bound parameters, so every
    one pasted into SQL text goes through here: a `"` inside is doubled, so a name (from a frame's
    columns, a caller, a file) can never end the identifier and start SQL of its own."""
    if not isinstance(name, str) or not name or "\0" in name:
        raise ValueError(f"not a usable SQL identifier: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def table_name(schema: str, table: str) -> str:
    """`"schema"."table"`, each part quoted by `ident`."""
    return f"{ident(schema)}.{ident(table)}"


def _layer_table(layer: str, entity: str) -> str:
    """bronze/silver table of a registered entity; anything else is refused before SQL is built."""
    if entity not in ENTITIES:
        raise ValueError(f"{entity!r} is not a registered entity")
    return table_name(layer, entity)


def connect_with_retry(path: str, attempts: int = 20, read_only: bool = False,
                       memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting out another process's write lock (runs are also serialised by a pool)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(attempts):
        try:
            conn = duckdb.connect(path, read_only=read_only)
            if memory_limit:  # a setting, not connect() config: config must match every open handle
                conn.execute("SET memory_limit = ?", [memory_limit])  # bound, not pasted: the field can be set directly
            return conn
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(min(0.25 * 2**attempt, 5.0))
    raise AssertionError("unreachable")


# A reader outside runs waits ~2 s (0.25 + 0.5 + 1) for a writer, then answers "busy": a run holds the
# file for seconds (dbt for its whole build), and a web page must not hang that long.
READER_ATTEMPTS = 4


class _DuckDBBronzeWriter(BronzeWriter):
    """Appends are buffered in Arrow up to FLUSH_ROWS, then written ahead into an open transaction (DuckDB
    writes a big uncommitted insert to the file as it goes), so a 10M-line file costs a buffer of memory;
    hundreds of small files still make one INSERT. The transaction commits with the audit rows."""

    FLUSH_ROWS = 250_000

    def __init__(self, warehouse: "DuckDBWarehouse", conn, entity: str):
        self.warehouse, self.conn, self.entity = warehouse, conn, entity
        self._schema = bronze_schema(ENTITIES[entity])
        self._batches: list[tuple[str, pa.Table]] = []  # (sha256, rows) not yet written
        self._records: list[tuple[bool, dict]] = []
        self._written: set[str] = set()  # contents written into the open transaction
        self._pending = 0
        self._open = False

    def already_loaded(self, sha256: str) -> str | None:
        return self.warehouse.file_already_loaded(self.conn, sha256)

    def append(self, rows: pa.Table, sha256: str) -> None:
        if rows.schema != self._schema:
            raise ValueError(f"bronze rows of {self.entity} must be typed as bronze_schema, got {rows.schema}")
        self._batches.append((sha256, rows))
        self._pending += rows.num_rows
        if sum(b.num_rows for _, b in self._batches) >= self.FLUSH_ROWS:
            self._flush()

    def discard(self, sha256: str) -> None:
        kept = [(sha, rows) for sha, rows in self._batches if sha != sha256]
        self._pending -= sum(rows.num_rows for sha, rows in self._batches if sha == sha256)
        self._batches = kept
        if sha256 in self._written:
            table = _layer_table("bronze", self.entity)
            dropped = self.conn.execute(f"DELETE FROM {table} WHERE _file_sha256 = ?", [sha256]).fetchone()[0]
            self._pending -= dropped
            self._written.discard(sha256)

    def record(self, replace: bool = True, **row) -> None:
        self._records.append((replace, row))

    @property
    def pending_rows(self) -> int:
        return self._pending

    def _begin(self) -> None:
        if not self._open:
            self.conn.execute("BEGIN")
            self._open = True

    def _flush(self) -> None:
        if not self._batches:
            return
        self._begin()
        try:
            new = sorted({sha for sha, _ in self._batches} - self._written)  # replace what was stored before
            self.warehouse.append_bronze(self.conn, self.entity, pa.concat_tables([rows for _, rows in self._batches]),
                                         replacing=new)
        except BaseException:
            self.rollback()
            raise
        self._written.update(new)
        self._batches = []

    def commit(self) -> None:
        if not (self._batches or self._records or self._open):
            return
        self._flush()
        self._begin()
        try:
            for replace, row in self._records:
                self.warehouse.record_file_load(self.conn, replace=replace, **row)
            pause_point("bronze.before_commit")  # rows and audit rows written, not committed
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        self._open = False
        self._records, self._written, self._pending = [], set(), 0

    def rollback(self) -> None:
        """Forget everything since the last commit (also what a failure left half written)."""
        if self._open:
            self.conn.execute("ROLLBACK")
        self._open = False
        self._batches, self._records, self._written, self._pending = [], [], set(), 0


def _select(schema: str, table: str, columns: list[str] | None = None, where: dict | None = None,
            order_by: list[str] | None = None, limit: int | None = None) -> str:
    """SELECT text for the read methods; identifiers come from the code, each `where` column's values
    are one bound list parameter (in the dict's order)."""
    picked = ", ".join(ident(c) for c in columns) if columns else "*"
    conditions = " AND ".join(f"list_contains(?, {ident(c)})" for c in where or {})
    order = f" ORDER BY {', '.join(ident(c) for c in order_by)}" if order_by else ""
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    return f"SELECT {picked} FROM {table_name(schema, table)}" + (f" WHERE {conditions}" if conditions else "") + order + cap


class SilverTableMismatch(ValueError):
    """The silver table in the warehouse does not have the columns the entity registry declares."""


class DuckDBWarehouse(Warehouse):
    """Bronze, silver, audit and gold in the DuckDB file at `path`."""

    path: str
    memory_limit: str | None = None  # DuckDB spills past this (settings.duckdb_memory_limit); None: DuckDB's own

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection closed on exit; `read_only` for readers (reports) that must never write."""
        conn = connect_with_retry(self.path, read_only=read_only, memory_limit=self.memory_limit)
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
        conn.execute(f"CREATE TABLE IF NOT EXISTS {_layer_table('bronze', entity)} AS SELECT * FROM empty_bronze")
        empty_rejected = REJECTED_ROWS_SCHEMA.empty_table()  # noqa: F841
        conn.execute("CREATE TABLE IF NOT EXISTS silver.rejected_rows AS SELECT * FROM empty_rejected")

    def ensure_silver_tables(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Empty silver tables with their declared types, so dbt sources exist before first data."""
        conn.execute("CREATE SCHEMA IF NOT EXISTS silver")
        for name, entity in ENTITIES.items():
            empty = silver_schema(entity).empty_table()  # noqa: F841 (scanned by DuckDB)
            conn.execute(f"CREATE TABLE IF NOT EXISTS {_layer_table('silver', name)} AS SELECT * FROM empty")

    # --- bronze -----------------------------------------------------------
    def file_already_loaded(self, conn, sha256: str) -> str | None:
        """Name of a file with this exact content already loaded, if any."""
        row = conn.execute(
            "SELECT file FROM audit.file_loads WHERE sha256 = ? AND status IN ('bronze', 'loaded', 'superseded') LIMIT 1",
            [sha256],
        ).fetchone()
        return row[0] if row else None

    def append_bronze(self, conn, entity: str, batch: pa.Table, replacing: list[str] | None = None) -> None:
        """Inside the caller's transaction: append files' rows, replacing stored rows of the same contents
        (a re-run after a crash between append and archive appends nothing twice). `replacing`: the contents
        to replace, when not all of the batch's (the rest of a file written ahead in this transaction)."""
        if replacing is None:
            replacing = pc.unique(batch.column("_file_sha256")).to_pylist()
        if replacing:
            conn.execute(f"DELETE FROM {_layer_table('bronze', entity)} WHERE list_contains(?, _file_sha256)", [replacing])
        conn.execute(f"INSERT INTO {_layer_table('bronze', entity)} BY NAME SELECT * FROM batch")

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

    def file_loads(self, conn) -> pd.DataFrame:
        return conn.execute("SELECT * FROM audit.file_loads ORDER BY loaded_at, file").fetchdf()

    # --- the Warehouse interface ----------------------------------------------------
    @contextmanager
    def bronze_writer(self, entity: str) -> Iterator[BronzeWriter]:
        with self.connect() as conn:
            self.ensure_tables(conn, entity)
            writer = _DuckDBBronzeWriter(self, conn, entity)
            try:
                yield writer
            finally:
                writer.rollback()  # what was not committed is not kept

    def record_rejected_file(self, **row) -> None:
        with self.connect() as conn:
            self.ensure_audit(conn)
            self.record_file_load(conn, **row)

    def prepare_entity(self, entity: str) -> None:
        with self.connect() as conn:
            self.ensure_tables(conn, entity)

    def prepare_silver(self) -> None:
        with self.connect() as conn:
            self.ensure_silver_tables(conn)

    def build_silver(self, entity: str, start: date, end: date) -> SilverOutcome:
        import ibis  # imported when silver runs, not when the code location loads

        from retail_assets.silver.transform import silver_window

        began = time.perf_counter()
        with self.connect() as conn:
            self.ensure_tables(conn, entity)
            self.ensure_silver_tables(conn)
            self._check_silver_columns(conn, entity)
            backend = ibis.duckdb.from_connection(conn)

            def stage(name: str, expr):  # computed once into a temp table, read by several outputs
                return backend.create_table(name, expr, temp=True, overwrite=True)

            planned = time.perf_counter()
            conn.execute("BEGIN")
            try:
                # Staged before any write: the expressions read silver itself (keys outside the window).
                window = silver_window(backend, entity, start, end, stage=stage)
                for name in ("clean", "rejected", "accounting"):
                    stage(f"stage_{name}", getattr(window, name))
                transformed = time.perf_counter()
                self._replace_silver_window(conn, entity, start, end)
                pause_point("silver.before_commit")  # the window rewritten, not committed
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            written = time.perf_counter()
            accounting = conn.execute("SELECT * FROM stage_accounting ORDER BY source_file").fetchdf()
            top = conn.execute("SELECT dq_errors, count(*) AS rows FROM stage_rejected GROUP BY 1 "
                               "ORDER BY 2 DESC, 1 LIMIT 10").fetchdf()
            window_rows = conn.execute(
                f"SELECT count(*) FROM {_layer_table('silver', entity)} WHERE partition_date >= ? AND partition_date < ?",
                [start, end]).fetchone()[0]
            return SilverOutcome(
                rows_read=int(accounting["rows_read"].sum()), rows_loaded=int(accounting["rows_loaded"].sum()),
                rows_rejected=int(accounting["rows_rejected"].sum()),
                rows_duplicate=int(accounting["rows_duplicate"].sum()),
                accounting=accounting, top_errors=top,
                preview=conn.execute("SELECT * FROM stage_clean LIMIT 5").fetchdf(),
                window_rows=int(window_rows),
                total_rows=int(conn.execute(f"SELECT count(*) FROM {_layer_table('silver', entity)}").fetchone()[0]),
                seconds={"plan": round(planned - began, 3), "transform": round(transformed - planned, 3),
                         "write": round(written - transformed, 3)},
            )

    def _check_silver_columns(self, conn, entity: str) -> None:
        """A silver table someone changed by hand fails here, by name, before anything is written."""
        found = [c for (c,) in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'silver' AND table_name = ? "
            "ORDER BY ordinal_position", [entity]).fetchall()]
        declared = silver_schema(ENTITIES[entity]).names
        if found != declared:
            raise SilverTableMismatch(
                f"silver.{entity} has columns {found}, the registry declares {declared}: the table was "
                f"changed outside the pipeline; drop it (silver is rebuilt from bronze) or migrate it")

    def _replace_silver_window(self, conn, entity: str, start: date, end: date) -> None:
        """Inside the caller's transaction: the window's silver rows, rejected rows and file accounting."""
        window = [start, end]
        conn.execute(f"DELETE FROM {_layer_table('silver', entity)} WHERE partition_date >= ? AND partition_date < ?", window)
        conn.execute(f"INSERT INTO {_layer_table('silver', entity)} BY NAME SELECT * FROM stage_clean")
        conn.execute("DELETE FROM silver.rejected_rows WHERE entity = ? AND partition_date >= ? AND partition_date < ?",
                     [entity, *window])
        conn.execute("INSERT INTO silver.rejected_rows BY NAME SELECT *, ? AS rejected_at FROM stage_rejected",
                     [datetime.now()])
        self._record_window_accounting(conn)

    def _record_window_accounting(self, conn) -> None:
        conn.execute(sql("record_window_accounting"), {"loaded_at": datetime.now()})

    def validate_silver(self, entity: str, start: date, end: date):
        import ibis

        from retail_assets.silver.contracts import validate_window

        with self.connect(read_only=False) as conn:
            return validate_window(ibis.duckdb.from_connection(conn), entity, start, end)

    def bronze_balance(self, entity: str, start: date, end: date, silver_rows: int):
        from retail_assets.quality.reconciliation import bronze_balance

        with self.connect() as conn:
            return bronze_balance(conn, entity, start, end, silver_rows=silver_rows)

    def revenue_by_sale_day(self, start: date, end: date) -> pd.DataFrame:
        from retail_assets.quality.reconciliation import revenue_by_sale_day

        with self.connect() as conn:
            return revenue_by_sale_day(conn, start, end)

    def tables_stats(self, tables: list[tuple[str, str]], window: tuple[date, date] | None = None,
                     window_column: str = "partition_date") -> dict[tuple[str, str], TableStats]:
        with self.connect() as conn:
            return {(schema, table): self._table_stats(conn, schema, table, window, window_column)
                    for schema, table in tables}

    @staticmethod
    def _table_stats(conn, schema: str, table: str, window, window_column: str) -> TableStats:
        columns = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position", [schema, table]).fetchall()
        name = table_name(schema, table)  # names come from the registry or dbt; quoted all the same
        rows = conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        sample_sql, params, window_rows = f"SELECT * FROM {name} LIMIT 5", [], None
        if window and window_column in {c for c, _ in columns}:
            where = f"WHERE {ident(window_column)} >= ? AND {ident(window_column)} < ?"
            params = [window[0], window[1]]
            window_rows = conn.execute(f"SELECT count(*) FROM {name} {where}", params).fetchone()[0]
            sample_sql = f"SELECT * FROM {name} {where} LIMIT 5"
        return TableStats(row_count=int(rows), columns=[(c, t) for c, t in columns],
                          preview=conn.execute(sample_sql, params).fetchdf(),
                          window_row_count=None if window_rows is None else int(window_rows))

    @contextmanager
    def ibis_tables(self):
        import ibis

        with self.connect() as conn:
            backend = ibis.duckdb.from_connection(conn)
            yield lambda schema, table: backend.table(table, database=schema)

    def read_table(self, schema: str, table: str, columns: list[str] | None = None,
                   order_by: list[str] | None = None) -> pd.DataFrame:
        with self.connect() as conn:
            if not self._exists(conn, schema, table):
                return pd.DataFrame(columns=columns or [])
            return conn.execute(_select(schema, table, columns, order_by=order_by)).fetchdf()

    def read_rows(self, schema: str, table: str, where: dict[str, list], columns: list[str] | None = None,
                  order_by: list[str] | None = None, limit: int | None = None) -> pd.DataFrame:
        empty = pd.DataFrame(columns=columns or [])
        if not Path(self.path).exists() or any(len(values) == 0 for values in where.values()):
            return empty
        try:
            conn = connect_with_retry(self.path, attempts=READER_ATTEMPTS, read_only=True, memory_limit=self.memory_limit)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise WarehouseBusy(f"{self.path} is being written by another process") from None
            raise
        try:
            if not self._exists(conn, schema, table):
                return empty
            return conn.execute(_select(schema, table, columns, where, order_by, limit),
                                [list(values) for values in where.values()]).fetchdf()
        finally:
            conn.close()

    def replace_table(self, schema: str, table: str, frame: pd.DataFrame) -> None:
        with self.connect() as conn:
            conn.register("_frame", frame)
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(schema)}")
            conn.execute(f"CREATE OR REPLACE TABLE {table_name(schema, table)} AS SELECT * FROM _frame")
            conn.unregister("_frame")

    def replace_rows(self, schema: str, table: str, frame: pd.DataFrame, key: str) -> None:
        with self.connect() as conn:
            conn.register("_frame", frame)
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(schema)}")
            target, column = table_name(schema, table), ident(key)
            conn.execute(f"CREATE TABLE IF NOT EXISTS {target} AS SELECT * FROM _frame WHERE false")
            conn.execute("BEGIN")
            conn.execute(f"DELETE FROM {target} WHERE {column} IN (SELECT DISTINCT {column} FROM _frame)")
            conn.execute(f"INSERT INTO {target} BY NAME SELECT * FROM _frame")
            conn.execute("COMMIT")
            conn.unregister("_frame")

    @staticmethod
    def _exists(conn, schema: str, table: str) -> bool:
        return conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                            [schema, table]).fetchone()[0] > 0

    def dbt_environment(self) -> dict[str, str]:
        return {"RETAIL_DUCKDB_PATH": self.path, "RETAIL_DBT_TARGET": "duckdb",
                "RETAIL_DUCKDB_MEMORY_LIMIT": self.memory_limit or ""}
