"""Bronze: landing files of each entity, rows as they arrived, full history kept.

One asset per entity. A run over a partition window loads every landing file
of that entity whose business date falls in the window, then archives it.
"""

import time

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetsDefinition,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from retail_assets.bronze.loads import load_files_to_bronze
from retail_assets.constants import DATA_PLATFORM as OWNERS
from retail_assets.constants import WAREHOUSE_POOL
from retail_assets.entities import ENTITIES, Entity
from retail_assets.landing.file_store import LandingFileStore
from retail_assets.metadata import MAX_REASON_CHARS, column_schema, md_cell, plain_text, preview
from retail_assets.partitions import daily_partitions
from retail_assets.warehouse.base import Warehouse
from retail_assets.warehouse.table_schemas import bronze_schema


def window_dates(context: AssetExecutionContext):
    window = context.partition_time_window
    return window.start.date(), window.end.date()


def build_bronze_asset(entity: Entity) -> AssetsDefinition:
    key = ["bronze", entity.name]

    @asset(
        key=key,
        group_name="bronze",
        partitions_def=daily_partitions,
        backfill_policy=BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
        kinds={"python", "duckdb"},
        owners=OWNERS,
        description=(
            f"{entity.description} Raw rows exactly as they arrived (strings), with source file, "
            "row number, file sha256 and ingestion time; append-only history. Materializing a "
            "window loads the landing files of those dates and moves them to archive/ (or to "
            "rejected/ with a reason)."
        ),
        check_specs=[
            AssetCheckSpec(
                "landing_files_accepted",
                asset=key,
                description="Every landing file of the window was readable and had the profile's columns.",
            )
        ],
        metadata={"dagster/column_schema": column_schema(bronze_schema(entity)), "profile_entity": entity.name},
    )
    def _bronze(context: AssetExecutionContext, landing: LandingFileStore, warehouse: Warehouse):
        start, end = window_dates(context)
        began = time.perf_counter()
        outcomes = load_files_to_bronze(landing, warehouse, entity.name, start, end, log=context.log)
        loaded = time.perf_counter()
        stats = warehouse.table_stats("bronze", entity.name, window=(start, end), window_column="_partition_date")
        window_rows, total_rows, sample = stats.window_row_count, stats.row_count, stats.preview
        rejected = [o for o in outcomes if o.status == "rejected"]
        counts = {
            "files_loaded": sum(o.status == "bronze" for o in outcomes),
            "files_duplicate": sum(o.status == "duplicate_file" for o in outcomes),
            "files_rejected": len(rejected),
            "rows_appended": sum(o.rows_read for o in outcomes if o.status == "bronze"),
        }
        timings = {"duration_load_files_s": round(loaded - began, 3)}  # read, parse, append, archive
        context.log.info(
            f"asset=bronze/{entity.name} window={start}..{end} files={len(outcomes)} "
            + " ".join(f"{k}={v}" for k, v in {**counts, **timings}.items())
            + f" partition_rows={window_rows} total_rows={total_rows}"
        )
        files_table = "\n".join(
            f"| {md_cell(o.file)} | {o.status} | {o.rows_read} | {md_cell(o.reason or '')} |" for o in outcomes
        )
        return MaterializeResult(
            metadata={
                "dagster/partition_row_count": window_rows,
                "dagster/row_count": total_rows,
                "window": f"{start} .. {end}",
                "preview": preview(sample),
                "dagster/column_schema": column_schema(bronze_schema(entity)),
                **counts,
                **timings,
                "files": MetadataValue.md(
                    "| file | status | rows | reason |\n|---|---|---|---|\n" + files_table
                    if outcomes else "_no landing files for this window_"
                ),
            },
            check_results=[
                AssetCheckResult(
                    check_name="landing_files_accepted",
                    passed=not rejected,
                    severity=AssetCheckSeverity.WARN,
                    # Reasons quote file content (header names, a parser's message): bounded, one line each.
                    metadata={"rejected_files": MetadataValue.json(
                        [{"file": plain_text(o.file), "reason": plain_text(o.reason, MAX_REASON_CHARS)}
                         for o in rejected])},
                )
            ],
        )

    return _bronze


bronze_assets = [build_bronze_asset(e) for e in ENTITIES.values()]
