"""Silver: typed, validated, deduplicated rows per entity, checked by a pandera contract.

Each run rebuilds its partition window from bronze (latest delivery wins per
business key), so re-running a window gives the same table. Row-level defects
go to silver.rejected_rows with every rule they broke; the accounting of each
file goes to audit.file_loads.
"""


import pandas as pd
from dagster import (
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
from retail_assets.quality.silver_schemas import SILVER_SCHEMAS
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets.warehouse.table_schemas import silver_schema


def build_silver_asset(entity: Entity) -> AssetsDefinition:
    @asset(
        key=["silver", entity.name],
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
        metadata={
            "partition_expr": "partition_date",
            "business_key": ", ".join(entity.business_key),
            "dagster/column_schema": column_schema(silver_schema(entity)),
        },
    )
    def _silver(context: AssetExecutionContext, warehouse: DuckDBWarehouse) -> Output[pd.DataFrame]:
        start, end = window_dates(context)
        with warehouse.connect() as conn:
            warehouse.ensure_tables(conn, entity.name)
            bronze = warehouse.read_bronze(conn, entity.name, start, end)
            keys = warehouse.silver_keys_outside(conn, entity.name, start, end)
            result = clean_batch(bronze, entity.name, keys_elsewhere=keys)
            warehouse.replace_rejected_rows(conn, entity.name, start, end, result.rejected)
            warehouse.record_accounting(conn, result.accounting)
        acc = result.accounting
        for r in acc.itertuples(index=False):
            context.log.info(
                f"file={r.source_file} entity={entity.name} rows_read={r.rows_read} rows_loaded={r.rows_loaded} "
                f"rows_rejected={r.rows_rejected} rows_duplicate={r.rows_duplicate}"
            )
        top_errors = result.rejected["dq_errors"].value_counts().head(10)
        return Output(
            result.clean,
            metadata={
                "window": f"{start} .. {end}",
                "rows_read": int(acc["rows_read"].sum()),
                "rows_loaded": len(result.clean),
                "rows_rejected": len(result.rejected),
                "rows_duplicate": int(acc["rows_duplicate"].sum()),
                "top_dq_errors": MetadataValue.md(
                    "\n".join(f"- {n} x {e}" for e, n in top_errors.items()) or "_none_"
                ),
                "preview": preview(result.clean),
            },
        )

    return _silver


silver_assets = [build_silver_asset(e) for e in ENTITIES.values()]
