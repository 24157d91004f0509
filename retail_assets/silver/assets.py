"""Silver: typed, validated, deduplicated rows per entity, built inside the warehouse.

Each run rebuilds its partition window from bronze (latest delivery wins per
business key), so re-running a window gives the same table. The transformation
is a set of Ibis expressions (silver/transform.py) the warehouse executes; the
window's silver rows, rejected rows (with every rule they broke) and per-file
accounting are written in one transaction. Then the pandera contract
(silver/contracts.py) checks the window in the warehouse: a blocking check, so
gold does not build on a breach.
"""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from retail_assets.bronze.assets import window_dates
from retail_assets.constants import DATA_PLATFORM as OWNERS
from retail_assets.constants import WAREHOUSE_POOL
from retail_assets.entities import ENTITIES, Entity
from retail_assets.metadata import column_schema, md_cell, preview
from retail_assets.partitions import daily_partitions
from retail_assets.warehouse.base import Warehouse
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
CONTRACT_DESCRIPTION = (
    "The pandera contract of the silver table (retail_assets/silver/contracts.py), checked on the "
    "materialized window inside the warehouse: columns and types, required values, the business key "
    "unique, value ranges. Row-level defects never reach it (they are rejected with dq_errors), so a "
    "failure means a code or schema bug: gold is not built on it (blocking). Metadata lists the failing checks."
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
        description=(
            f"{entity.description} Typed and cleaned, unique on "
            f"({', '.join(entity.business_key)}). Rejected rows: silver.rejected_rows "
            "(entity = " + entity.name + "); per-file accounting: audit.file_loads."
        ),
        check_specs=[
            AssetCheckSpec("bronze_rows_reconcile", asset=key, description=BRONZE_BALANCE_DESCRIPTION),
            AssetCheckSpec("silver_contract", asset=key, description=CONTRACT_DESCRIPTION, blocking=True),
        ],
        metadata={
            "partition_expr": "partition_date",
            "business_key": ", ".join(entity.business_key),
            "dagster/column_schema": schema,
        },
    )
    def _silver(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
        start, end = window_dates(context)
        outcome = warehouse.build_silver(entity.name, start, end)
        contract = warehouse.validate_silver(entity.name, start, end)
        balance = warehouse.bronze_balance(entity.name, start, end, silver_rows=outcome.window_rows)
        for r in outcome.accounting.itertuples(index=False):
            context.log.info(
                f"file={r.source_file!r} entity={entity.name} rows_read={r.rows_read} rows_loaded={r.rows_loaded} "
                f"rows_rejected={r.rows_rejected} rows_duplicate={r.rows_duplicate}"
            )
        timings = {  # names kept from the pandas version: read = plan, clean = transform, write = write
            "duration_read_s": outcome.seconds["plan"],
            "duration_clean_s": outcome.seconds["transform"],
            "duration_write_side_tables_s": outcome.seconds["write"],
        }
        counts = {"rows_read": outcome.rows_read, "rows_loaded": outcome.rows_loaded,
                  "rows_rejected": outcome.rows_rejected, "rows_duplicate": outcome.rows_duplicate}
        context.log.info(
            f"asset=silver/{entity.name} window={start}..{end} files={len(outcome.accounting)} "
            + " ".join(f"{k}={v}" for k, v in {**counts, **timings}.items())
            + f" bronze_rows_reconcile={'passed' if balance.passed else 'FAILED'} difference={balance.difference}"
            + f" silver_contract={'passed' if contract.passed else 'FAILED'}"
        )
        return MaterializeResult(
            metadata={
                "window": f"{start} .. {end}",
                **counts,
                **timings,
                "dagster/row_count": outcome.total_rows,
                "dagster/partition_row_count": outcome.window_rows,
                "dagster/column_schema": schema,
                "top_dq_errors": MetadataValue.md(
                    "\n".join(f"- {r.rows} x {md_cell(r.dq_errors)}" for r in outcome.top_errors.itertuples())
                    or "_none_"),
                "preview": preview(outcome.preview),
            },
            check_results=[
                AssetCheckResult(check_name="bronze_rows_reconcile", passed=balance.passed,
                                 severity=AssetCheckSeverity.ERROR,
                                 metadata={**balance.metadata(), "window": f"{start} .. {end}"}),
                AssetCheckResult(check_name="silver_contract", passed=contract.passed,
                                 severity=AssetCheckSeverity.ERROR,
                                 metadata={"rows_checked": contract.rows_checked,
                                           "failures": MetadataValue.md(contract.markdown()),
                                           "window": f"{start} .. {end}"}),
            ],
        )

    return _silver


silver_assets = [build_silver_asset(e) for e in ENTITIES.values()]
