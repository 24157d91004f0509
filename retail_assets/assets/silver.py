"""Silver: typed, validated, deduplicated rows per entity, checked by a pandera contract.

Each run rebuilds its partition window from bronze (latest delivery wins per
business key), so re-running a window gives the same table. Row-level defects
go to silver.rejected_rows with every rule they broke; the accounting of each
file goes to audit.file_loads.
"""


import time

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    BackfillPolicy,
    MetadataValue,
    Output,
    asset,
)
from dagster_pandera import pandera_schema_to_dagster_type

from retail_assets.assets.bronze import OWNERS, WAREHOUSE_POOL, window_dates
from retail_assets.assets.metadata import column_schema, preview
from retail_assets.entities import ENTITIES, Entity
from retail_assets.ingestion.cleaning import clean_batch
from retail_assets.partitions import daily_partitions
from retail_assets.quality.reconciliation import bronze_balance
from retail_assets.quality.silver_schemas import SILVER_SCHEMAS
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets.warehouse.table_schemas import silver_schema


BRONZE_BALANCE_DESCRIPTION = (
    "For the materialized window: bronze rows = silver rows + rejected rows + duplicate rows. "
    "Bronze rows: rows of bronze.<entity> with _partition_date in the window (all uploads, also "
    "superseded ones). Rejected: silver.rejected_rows of the entity and window. Duplicate: "
    "sum of audit.file_loads.rows_duplicate of the window's files with status loaded or superseded "
    "(repeats, older versions of a key, re-deliveries, every row of a superseded upload). "
    "duplicate_file uploads are on neither side: they never reached bronze. A difference means rows "
    "were lost or double-counted between bronze and silver: re-materialize the window and compare "
    "audit.file_loads with silver.rejected_rows."
)


def build_silver_asset(entity: Entity) -> AssetsDefinition:
    key = ["silver", entity.name]
    schema = column_schema(silver_schema(entity))

    @asset(
        key=key,
        deps=[AssetKey(["bronze", entity.name])],
        group_name="silver",
        partitions_def=daily_partitions,
        backfill_policy=BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
        kinds={"python", "duckdb", "pandera"},
        owners=OWNERS,
        io_manager_key="warehouse_io_manager",
        dagster_type=pandera_schema_to_dagster_type(SILVER_SCHEMAS[entity.name]),
        description=(
            f"{entity.description} Typed and cleaned, unique on "
            f"({', '.join(entity.business_key)}). Rejected rows: silver.rejected_rows "
            "(entity = " + entity.name + "); per-file accounting: audit.file_loads."
        ),
        check_specs=[AssetCheckSpec("bronze_rows_reconcile", asset=key, description=BRONZE_BALANCE_DESCRIPTION)],
        metadata={
            "partition_expr": "partition_date",
            "business_key": ", ".join(entity.business_key),
            "dagster/column_schema": schema,
        },
    )
    def _silver(context: AssetExecutionContext, warehouse: DuckDBWarehouse):
        start, end = window_dates(context)
        began = time.perf_counter()
        with warehouse.connect() as conn:
            warehouse.ensure_tables(conn, entity.name)
            bronze = warehouse.read_bronze(conn, entity.name, start, end)
            keys = warehouse.silver_keys_outside(conn, entity.name, start, end)
            read_done = time.perf_counter()
            result = clean_batch(bronze, entity.name, keys_elsewhere=keys)
            clean_done = time.perf_counter()
            warehouse.replace_rejected_rows(conn, entity.name, start, end, result.rejected)
            warehouse.record_accounting(conn, result.accounting)
            # Silver's own table is written by the IO manager after this body yields the
            # frame (delete the window, insert the frame), so the frame's length is what the
            # window will hold; the other terms are read back as this step stored them.
            balance = bronze_balance(conn, entity.name, start, end, silver_rows=len(result.clean))
        write_done = time.perf_counter()
        acc = result.accounting
        for r in acc.itertuples(index=False):
            context.log.info(
                f"file={r.source_file} entity={entity.name} rows_read={r.rows_read} rows_loaded={r.rows_loaded} "
                f"rows_rejected={r.rows_rejected} rows_duplicate={r.rows_duplicate}"
            )
        timings = {
            "duration_read_s": round(read_done - began, 3),
            "duration_clean_s": round(clean_done - read_done, 3),
            "duration_write_side_tables_s": round(write_done - clean_done, 3),
        }
        counts = {
            "rows_read": int(acc["rows_read"].sum()),
            "rows_loaded": len(result.clean),
            "rows_rejected": len(result.rejected),
            "rows_duplicate": int(acc["rows_duplicate"].sum()),
        }
        context.log.info(
            f"asset=silver/{entity.name} window={start}..{end} files={len(acc)} "
            + " ".join(f"{k}={v}" for k, v in {**counts, **timings}.items())
            + f" bronze_rows_reconcile={'passed' if balance.passed else 'FAILED'} difference={balance.difference}"
        )
        top_errors = result.rejected["dq_errors"].value_counts().head(10)
        # The IO manager adds dagster/row_count and dagster/partition_row_count when it writes.
        yield Output(
            result.clean,
            metadata={
                "window": f"{start} .. {end}",
                **counts,
                **timings,
                "dagster/column_schema": schema,
                "top_dq_errors": MetadataValue.md(
                    "\n".join(f"- {n} x {e}" for e, n in top_errors.items()) or "_none_"
                ),
                "preview": preview(result.clean),
            },
        )
        yield AssetCheckResult(
            check_name="bronze_rows_reconcile",
            passed=balance.passed,
            severity=AssetCheckSeverity.ERROR,
            metadata={**balance.metadata(), "window": f"{start} .. {end}"},
        )

    return _silver


silver_assets = [build_silver_asset(e) for e in ENTITIES.values()]
