"""Gold: the dbt project as Dagster assets, split by how they are partitioned.

- `gold_daily_models` (dbt tag `daily`: fct_sales, fct_orders): incremental,
  daily partitions with a single-run backfill policy, so a 90-day backfill is
  one `dbt build` over the whole window.
- `gold_models` (everything else: staging views, dimensions, marts): unpartitioned,
  rebuilt from the current silver state.
dbt tests become asset checks on the models they test.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import AssetExecutionContext, BackfillPolicy, Output
from dagster_dbt import DbtCliResource, dbt_assets

from retail_assets.assets.bronze import WAREHOUSE_POOL
from retail_assets.gold.project import TARGET_PATH, dbt_project
from retail_assets.gold.translator import translator
from retail_assets.gold.window import event_time_args
from retail_assets.partitions import daily_partitions
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse

DAILY = "tag:daily"


@contextmanager
def dbt_points_at(warehouse: DuckDBWarehouse) -> Iterator[None]:
    """Make the dbt subprocess use the same DuckDB file as the Python assets.

    profiles.yml reads RETAIL_DUCKDB_PATH; the resource is the single source of
    truth, so tests and deployments cannot point dbt and Python at different files.
    """
    previous = os.environ.get("RETAIL_DUCKDB_PATH")
    os.environ["RETAIL_DUCKDB_PATH"] = warehouse.path
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("RETAIL_DUCKDB_PATH", None)
        else:
            os.environ["RETAIL_DUCKDB_PATH"] = previous


def _build(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBWarehouse, args: list[str]):
    with warehouse.connect() as conn:  # sources must exist even before their first delivery
        warehouse.ensure_silver_tables(conn)
    with dbt_points_at(warehouse):
        # dbt unit tests guard the SQL logic and run in the test suite (make test), like any
        # unit test; scheduled builds run models and data tests only.
        invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test", *args],
                             context=context, target_path=TARGET_PATH)
    # The dbt subprocess holds DuckDB's write lock until it exits, so events are
    # collected first and row counts added after. (dagster-dbt's fetch_row_counts
    # opens an in-process connection with another configuration, which then blocks
    # the next Python step of the same run from opening the file.)
    events = list(invocation.stream())
    with warehouse.connect() as conn:
        yield from (_with_row_count(context, conn, event) for event in events)


def _with_row_count(context: AssetExecutionContext, conn, event):
    if not isinstance(event, Output):
        return event
    key = context.asset_key_for_output(event.output_name)
    table = ".".join(key.path)  # the translator keys models as [schema, name]
    rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return event.with_metadata({**event.metadata, "dagster/row_count": rows})


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=DAILY,
    name="gold_daily_models",
    partitions_def=daily_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def gold_daily_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBWarehouse):
    window = context.partition_time_window
    yield from _build(context, dbt, warehouse, event_time_args(window.start, window.end))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=DAILY,
    name="gold_models",
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def gold_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBWarehouse):
    yield from _build(context, dbt, warehouse, [])
