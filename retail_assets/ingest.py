"""`make ingest`: process the landing zone now, headlessly, exactly as the sensor would.

Evaluates landing_file_sensor once, executes each run it requests in-process
(with every asset downstream of the requested ones), then prints the per-file
accounting. Exits non-zero only if a run failed, never because a file was bad:
bad files are quarantined and reported.
"""

from __future__ import annotations

import os
import sys

from dagster import AssetSelection, DagsterInstance, build_sensor_context, materialize

from retail_assets import settings
from retail_assets.jobs import INGEST_JOB


def run_landing_once(defs, instance: DagsterInstance) -> bool:
    """Evaluate the sensor and execute its run requests; True if every run succeeded."""
    sensor = defs.resolve_sensor_def("landing_file_sensor")
    with build_sensor_context(instance=instance, definitions=defs, resources=defs.resources) as ctx:
        tick = sensor.evaluate_tick(ctx)
    requests = tick.run_requests or []
    ok = True
    assets = list(defs.assets or [])
    for request in requests:
        if request.job_name == INGEST_JOB:
            selection = downstream_with_gold_parents(request.asset_selection)
            result = materialize(
                assets,
                selection=selection,
                partition_key=request.partition_key,
                tags=dict(request.tags),
                instance=instance,
                resources=defs.resources,
                raise_on_error=False,
            )
        else:
            job = defs.resolve_job_def(request.job_name)
            result = job.execute_in_process(run_config=request.run_config, instance=instance,
                                            tags=dict(request.tags), raise_on_error=False)
        start = request.tags.get("dagster/asset_partition_range_start")
        scope = request.partition_key or (f"{start}..{request.tags['dagster/asset_partition_range_end']}" if start else "")
        print(f"run {request.job_name} {request.tags.get('retail/entity', '')} {scope}: "
              f"{'ok' if result.success else 'FAILED'}", flush=True)
        ok &= result.success
    return ok


def downstream_with_gold_parents(keys) -> AssetSelection:
    """The requested assets, everything downstream, and the gold models those need.

    Downstream of sales lines are models that also read other staging views and
    dimensions; on a fresh warehouse those have never been built, so the gold
    parents come along (dbt models are rebuilt from silver, so this is cheap and safe).
    """
    downstream = AssetSelection.assets(*keys).downstream()
    return downstream | (downstream.upstream() & AssetSelection.groups("gold"))


def print_accounting(db_path: str) -> None:
    import duckdb

    if not os.path.exists(db_path):
        print("no warehouse yet: nothing was loaded")
        return
    with duckdb.connect(db_path, read_only=True) as conn:
        frame = conn.execute(
            "SELECT file, profile, \"partition\", status, rows_read, rows_loaded, rows_rejected, rows_duplicate, "
            "coalesce(reason, '') AS reason FROM audit.file_loads ORDER BY \"partition\" NULLS LAST, file"
        ).fetchdf()
    print(frame.to_string(index=False, max_colwidth=70))
    balanced = (frame.rows_read == frame.rows_loaded + frame.rows_rejected + frame.rows_duplicate).all()
    print(f"\n{len(frame)} files; rows_read = loaded + rejected + duplicate for every file: {balanced}")


def main() -> int:
    from retail_assets.definitions import defs  # imported here: reads the environment

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    print(f"landing zone: {settings.landing_uri()}")
    ok = run_landing_once(defs, instance)
    print_accounting(str(settings.duckdb_path()))
    print(f"\nwarehouse: {settings.duckdb_path()}  (schemas bronze, silver, audit)")
    print(f"archive:   {settings.data_dir() / 'archive'}\nrejected:  {settings.data_dir() / 'rejected'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
