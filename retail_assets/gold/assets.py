"""Gold: the whole dbt project as one Dagster multi-asset, so a run invokes dbt once.

The models differ in partitioning, and each spec says so:
- dbt tag `daily` (stg_sales_lines, fct_sales, fct_orders): daily partitions,
  incremental over the run's window (`--event-time-start/--event-time-end`).
- everything else (staging views, dimensions, marts): unpartitioned, rebuilt
  from the current silver state.
A run that selects both (a delivery, a backfill) executes one step: one
`dbt build` in which dbt orders staging, dimensions, facts and marts itself.
The single-run backfill policy makes a 365-day backfill that same one step.
dbt tests become asset checks on the models they test; fct_sales also carries
`revenue_matches_silver`, computed in the same step once dbt has exited.
"""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    MetadataValue,
    Output,
    TableColumn,
    TableSchema,
    multi_asset,
)
from dagster_dbt import DbtCliResource

# @dbt_assets takes neither check specs of our own nor per-model partitions; gold_models is built
# from the same parts it is (dagster-dbt 0.29), plus both.
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_SELECT_METADATA_KEY,
    DAGSTER_DBT_UNIQUE_ID_METADATA_KEY,
    build_dbt_specs,
)
from dagster_dbt.dbt_manifest import validate_manifest

from retail_assets.constants import WAREHOUSE_POOL
from retail_assets.gold.project import (
    dbt_project,
    keep_parse_state,
    new_run_target,
    prepare_manifest,
    remove_run_target,
)
from retail_assets.gold.translator import translator
from retail_assets.gold.window import event_time_args
from retail_assets.metadata import preview
from retail_assets.partitions import daily_partitions
from retail_assets.pause_points import pause_point
from retail_assets.quality.reconciliation import REVENUE_TOLERANCE, compare_revenue
from retail_assets.warehouse.base import Warehouse

ALL_MODELS = "fqn:*"
DAILY_TAG = "daily"
FCT_SALES = AssetKey(["gold", "fct_sales"])
REVENUE_CHECK = "revenue_matches_silver"
# dbt's own test of the same identity (over every processed delivery, not one window).
DBT_REVENUE_TEST = "assert_fct_sales_reconciles_with_silver"


@contextmanager
def dbt_points_at(warehouse: Warehouse) -> Iterator[None]:
    """Make the dbt subprocess use the same warehouse as the Python assets.

    profiles.yml reads its connection from the environment; the resource is the single
    source of truth, so tests and deployments cannot point dbt and Python at different places.
    """
    wanted = warehouse.dbt_environment()
    previous = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _build(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse, args: list[str],
           window: tuple | None = None):
    """One `dbt build` of the selected models, then per model: row count, column schema, preview;
    then the revenue check if selected.

    `window` is the (start, end) of a partitioned run: the daily models' partition rows,
    preview and the revenue check are restricted to it.
    """
    warehouse.prepare_silver()  # sources must exist even before their first delivery
    began = time.perf_counter()
    environment = warehouse.dbt_environment()
    target = new_run_target(context.run.run_id[:8], environment=environment)
    try:
        with dbt_points_at(warehouse):
            # dbt unit tests guard the SQL logic and run in the test suite (make test), like any
            # unit test; scheduled builds run models and data tests only.
            invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test", *args],
                                 context=context, target_path=target)
            # The dbt subprocess holds DuckDB's write lock until it exits, so events are
            # collected first and row counts added after. (dagster-dbt's fetch_row_counts
            # opens an in-process connection with another configuration, which then blocks
            # the next Python step of the same run from opening the file.)
            events = []
            for event in invocation.stream():
                events.append(event)
                if isinstance(event, Output):
                    pause_point("gold.model_built")  # dbt built this model; it is still building others
        keep_parse_state(target, environment=environment)
    finally:
        remove_run_target(target)
    dbt_seconds = round(time.perf_counter() - began, 3)
    models = sum(isinstance(e, Output) for e in events)
    context.log.info(f"dbt=build invocations=1 models={models} events={len(events)} seconds={dbt_seconds} "
                     f"window={_window_text(window)}")
    built = {context.asset_key_for_output(e.output_name): e for e in events if isinstance(e, Output)}
    stats = warehouse.tables_stats([tuple(key.path) for key in built], window=window)
    for event in events:
        yield _with_table_metadata(context, stats, event, window, dbt_seconds)
    if window and REVENUE_CHECK_SPEC.key in context.selected_asset_check_keys:
        yield _revenue_check(context, warehouse, window)


def _window_text(window) -> str:
    return f"{window[0]}..{window[1]}" if window else "all"


def _with_table_metadata(context: AssetExecutionContext, stats_by_table: dict, event, window, dbt_seconds: float):
    if not isinstance(event, Output):
        return event
    key = context.asset_key_for_output(event.output_name)
    stats = stats_by_table[tuple(key.path)]  # the translator keys models as [schema, name]
    described = context.assets_def.specs_by_key[key].metadata.get("dagster/column_schema")
    descriptions = {c.name: c.description for c in described.columns} if described else {}
    metadata = {
        "dagster/row_count": stats.row_count,
        # Types as the warehouse built them (the dbt yml declares names and descriptions, not types).
        "dagster/column_schema": TableSchema(
            columns=[TableColumn(name=c, type=t, description=descriptions.get(c)) for c, t in stats.columns]),
        "dbt_invocation_duration_s": dbt_seconds,
    }
    if stats.window_row_count is not None:
        metadata["dagster/partition_row_count"] = stats.window_row_count
    if window:
        metadata["window"] = f"{window[0]} .. {window[1]}"
    metadata["preview"] = preview(stats.preview)
    seconds = event.metadata.get("Execution Duration")
    context.log.info(
        f"model={key.to_user_string()} rows={stats.row_count} "
        f"window_rows={metadata.get('dagster/partition_row_count', 'n/a')} window={_window_text(window)} "
        f"dbt_seconds={round(seconds.value, 3) if seconds is not None else 'n/a'}"
    )
    return event.with_metadata({**event.metadata, **metadata})


def _revenue_check(context: AssetExecutionContext, warehouse: Warehouse, window) -> AssetCheckResult:
    result = compare_revenue(warehouse.revenue_by_sale_day(window[0], window[1]))
    worst = result.worst_days()
    context.log.info(
        f"check={REVENUE_CHECK} window={_window_text(window)} passed={result.passed} "
        + " ".join(f"{k}={v}" for k, v in result.metadata().items())
    )
    return AssetCheckResult(
        asset_key=FCT_SALES,
        check_name=REVENUE_CHECK,
        passed=result.passed,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            **result.metadata(),
            "window": f"{window[0]} .. {window[1]}",
            "worst_days": MetadataValue.md(
                worst.to_markdown(index=False, floatfmt=".2f") if len(worst) else "_no sales in the window_"),
        },
    )


def _revenue_check_spec(manifest) -> AssetCheckSpec:
    tests = [uid for uid, node in manifest["nodes"].items()
             if node["resource_type"] == "test" and node["name"] == DBT_REVENUE_TEST]
    if len(tests) != 1:
        raise ValueError(f"dbt test {DBT_REVENUE_TEST} not found once in the manifest (found {tests})")
    return AssetCheckSpec(
        REVENUE_CHECK,
        asset=FCT_SALES,
        description=(
            "For the lines delivered in the materialized window (partition_date in the window), "
            "revenue per sale day in gold.fct_sales equals silver.sales_lines' within "
            f"{REVENUE_TOLERANCE} per day; a day on one side only counts 0 on the other. Late lines "
            "keep their true sale day, so the window may cover earlier days. Metadata lists the worst "
            "days. A failure means fct_sales lost, duplicated or mis-priced lines of that delivery: "
            "re-materialize the window of gold_daily_models."
        ),
        # dagster-dbt looks up a dbt node for every selected check when it narrows the dbt
        # selection (fct_sales with only some of its checks): this one maps to dbt's test of
        # the same identity, so that run builds fct_sales, runs that test, then this check.
        metadata={DAGSTER_DBT_UNIQUE_ID_METADATA_KEY: tests[0]},
    )


def _run_window(context: AssetExecutionContext):
    """The run's partition window as datetimes, or None for a run of unpartitioned models only."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return None
    return context.partition_time_window


def _daily_ids(manifest) -> set[str]:
    return {uid for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and DAILY_TAG in node["config"].get("tags", [])}


def _with_partitioning(specs, manifest):
    """Daily partitions on the models tagged `daily`; the others stay unpartitioned."""
    daily = _daily_ids(manifest)
    return [spec.replace_attributes(partitions_def=daily_partitions)
            if spec.metadata.get(DAGSTER_DBT_UNIQUE_ID_METADATA_KEY) in daily else spec
            for spec in specs]


prepare_manifest()  # a no-op unless a dbt file changed since the last parse (atomic when it runs)
_manifest = validate_manifest(dbt_project.manifest_path)
_specs, _dbt_checks = build_dbt_specs(
    translator=translator, manifest=_manifest, select=ALL_MODELS, exclude="", selector="",
    io_manager_key=None, project=dbt_project,
)
REVENUE_CHECK_SPEC = _revenue_check_spec(_manifest)


@multi_asset(  # what @dbt_assets(select=ALL_MODELS, ...) builds, with partitions per spec and one more check
    name="gold_models",
    specs=_with_partitioning(_specs, _manifest),
    check_specs=[*_dbt_checks, REVENUE_CHECK_SPEC],
    can_subset=True,  # required for specs with different partitions, and to build what a run selects
    backfill_policy=BackfillPolicy.single_run(),
    op_tags={DAGSTER_DBT_SELECT_METADATA_KEY: ALL_MODELS},
    pool=WAREHOUSE_POOL,
    allow_arbitrary_check_specs=True,  # dbt tests on the silver sources
)
def gold_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    window = _run_window(context)
    if window is None:
        yield from _build(context, dbt, warehouse, [])
        return
    yield from _build(context, dbt, warehouse, event_time_args(window.start, window.end),
                      window=(window.start.date(), window.end.date()))


DAILY_MODEL_KEYS = frozenset(spec.key for spec in gold_models.specs if spec.partitions_def is not None)
