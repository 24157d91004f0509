"""IO manager for silver tables: DuckDB, bulk-loaded from Arrow with the declared column types.

Built on dagster-duckdb's IO manager, so it keeps its partition handling
(delete the run's partition window, then insert) and its retry on a locked
file; only the write differs: an explicit Arrow schema and INSERT BY NAME.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from dagster import OutputContext
from dagster._core.definitions.metadata import TableMetadataSet
from dagster._core.storage.db_io_manager import DbTypeHandler, TableSlice
from dagster_duckdb import DuckDBIOManager
from dagster_duckdb_pandas import DuckDBPandasTypeHandler

from retail_assets.warehouse.table_schemas import schema_for, to_arrow


class ArrowTypedPandasHandler(DuckDBPandasTypeHandler):
    def handle_output(self, context: OutputContext, table_slice: TableSlice, obj: pd.DataFrame, connection):
        schema = schema_for(table_slice.schema, table_slice.table)
        if schema is None:
            return super().handle_output(context, table_slice, obj, connection)
        batch = to_arrow(obj, schema)  # noqa: F841 (read by DuckDB's replacement scan)
        target = f"{table_slice.schema}.{table_slice.table}"
        connection.execute(f"CREATE TABLE IF NOT EXISTS {target} AS SELECT * FROM batch LIMIT 0")
        connection.execute(f"INSERT INTO {target} BY NAME SELECT * FROM batch")
        total = connection.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
        context.add_output_metadata(
            {
                **TableMetadataSet(partition_row_count=len(obj), row_count=total, storage_kind="duckdb"),
                "table": target,
            }
        )


class WarehouseIOManager(DuckDBIOManager):
    """DuckDB IO manager whose pandas handler writes through declared Arrow schemas."""

    @staticmethod
    def type_handlers() -> Sequence[DbTypeHandler]:
        return [ArrowTypedPandasHandler()]

    @staticmethod
    def default_load_type():
        return pd.DataFrame
