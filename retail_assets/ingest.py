"""`make ingest`: process the landing zone now, headlessly, exactly as the sensor would.

Evaluates landing_file_sensor once, executes each run it requests in-process
(with every asset downstream of the requested ones), then prints the per-file
accounting. Exits non-zero only if a run failed, never because a file was bad:
bad files are quarantined and reported.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta

from dagster import AssetSelection, DagsterInstance, build_sensor_context, materialize

from retail_assets import settings
from retail_assets.jobs import INGEST_JOB
from retail_assets.landing.sensor import date_clusters


def run_landing_once(defs, instance: DagsterInstance) -> bool:
    """Evaluate the sensor, execute its runs, then bring everything downstream up to date.

    The sensor's runs load bronze and silver, one per entity and date range, as
    the daemon would. Then, as automation would once silver has landed, one run
    per date range builds everything downstream (gold) from the complete silver
    state, rather than once per entity with half the dimensions missing.
    Returns True if every run succeeded.
    """
    sensor = defs.resolve_sensor_def("landing_file_sensor")
    with build_sensor_context(instance=instance, definitions=defs, resources=defs.resources) as ctx:
        tick = sensor.evaluate_tick(ctx)
    requests = list(tick.run_requests or [])
    assets = list(defs.assets or [])
    ok, touched, days = True, set(), set()
    for request in requests:
        if request.job_name == INGEST_JOB:
            result = materialize(assets, selection=request.asset_selection, partition_key=request.partition_key,
                                 tags=dict(request.tags), instance=instance, resources=defs.resources,
                                 raise_on_error=False)
            touched.update(request.asset_selection)
            days.update(_days(request))
        else:
            job = defs.resolve_job_def(request.job_name)
            result = job.execute_in_process(run_config=request.run_config, instance=instance,
                                            tags=dict(request.tags), raise_on_error=False)
        _report(request.job_name, request.tags.get("retail/entity", ""), _scope(request), result.success)
        ok &= result.success
    if not touched:
        return ok
    downstream = downstream_with_gold_parents(touched) - AssetSelection.assets(*touched)
    for start, end in date_clusters(sorted(days)):
        tags = {"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end}
        result = materialize(assets, selection=downstream, tags=tags, instance=instance,
                             resources=defs.resources, raise_on_error=False)
        _report("downstream", "gold", f"{start}..{end}", result.success)
        ok &= result.success
    return ok


def _days(request) -> list[str]:
    if request.partition_key:
        return [request.partition_key]
    start = date.fromisoformat(request.tags["dagster/asset_partition_range_start"])
    end = date.fromisoformat(request.tags["dagster/asset_partition_range_end"])
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def _scope(request) -> str:
    if request.partition_key:
        return request.partition_key
    start = request.tags.get("dagster/asset_partition_range_start")
    return f"{start}..{request.tags['dagster/asset_partition_range_end']}" if start else ""


def _report(job: str, what: str, scope: str, success: bool) -> None:
    print(f"run {job} {what} {scope}: {'ok' if success else 'FAILED'}", flush=True)


def downstream_with_gold_parents(keys) -> AssetSelection:
    """The requested assets, everything downstream in the data plane, and the gold models those need.

    The ML group follows its own policy (the model retrains weekly, scores after
    it), exactly as automation would: a file landing does not retrain the model.

    Downstream of sales lines are models that also read other staging views and
    dimensions; on a fresh warehouse those have never been built, so the gold
    parents come along (dbt models are rebuilt from silver, so this is cheap and safe).
    """
    data_plane = AssetSelection.groups("bronze", "silver", "gold")
    downstream = AssetSelection.assets(*keys).downstream() & data_plane
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
    print(f"\nwarehouse: {settings.duckdb_path()}  (schemas bronze, silver, audit, staging, intermediate, gold)")
    print(f"archive:   {settings.data_dir() / 'archive'}\nrejected:  {settings.data_dir() / 'rejected'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
