"""`make ingest`: process the landing zone now, headlessly, exactly as the sensor would.

Evaluates landing_file_sensor once and executes the runs it requests in-process:
one run for the drop (bronze, silver, gold, ML scores and forecasts, reports over
the drop's date range) and a quarantine run for files no profile accepts. Then
prints the per-file accounting. Exits non-zero only if a run failed, never
because a file was bad: bad files are quarantined and reported.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from dagster import AssetKey, DagsterInstance, RunRequest, build_sensor_context, materialize

from retail_assets import settings
from retail_assets.jobs import INGEST_JOB
from retail_assets.partitions import RANGE_END_TAG, RANGE_START_TAG


# The console shows INFO and up: our own lines (one per file, one per asset) and step failures.
# Dagster's DEBUG events (one "Materialized value" per asset and day: ~1,800 lines for a year) stay
# in the instance's event log, where the UI reads them; printing them cost seconds. RETAIL_LOG_LEVEL=DEBUG
# prints them again.
def _console(level: str | None = None) -> dict:
    return {"loggers": {"console": {"config": {"log_level": (level or os.environ.get("RETAIL_LOG_LEVEL", "INFO"))}}}}


# Runs requested but not yet finished, kept across a crash. A delivery's bronze step archives its files as
# it commits them, so after a kill (the machine, the OOM killer) in silver or dbt the landing zone no longer
# holds them and a fresh sensor tick would plan nothing: silver and gold of those files would never be
# built. The requests are written here before they execute and dropped once their run ends (succeeded or
# failed: a failure is in the run's log and exit code); the next `make ingest` executes what is left first,
# the same request, and re-running one is safe (bronze never appends a content twice, silver and dbt
# rewrite their window).
PENDING_FILE = "ingest_pending.json"


def pending_path() -> Path:
    return settings.data_dir() / "ops" / PENDING_FILE


def _save_pending(requests: list[RunRequest]) -> None:
    path = pending_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"job_name": r.job_name, "partition_key": r.partition_key, "tags": dict(r.tags),
             "run_config": r.run_config or {}, "run_key": r.run_key,
             "asset_selection": None if r.asset_selection is None else [k.to_user_string() for k in r.asset_selection]}
            for r in requests]
    temp = path.with_name(f".{PENDING_FILE}.tmp")
    temp.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    os.replace(temp, path)  # whole or not at all: a kill while writing keeps the previous list


def _load_pending() -> list[RunRequest]:
    path = pending_path()
    if not path.exists():
        return []
    return [RunRequest(run_key=r["run_key"], job_name=r["job_name"], partition_key=r["partition_key"],
                       tags=r["tags"], run_config=r["run_config"],
                       asset_selection=None if r["asset_selection"] is None
                       else [AssetKey.from_user_string(k) for k in r["asset_selection"]])
            for r in json.loads(path.read_text(encoding="utf-8"))]


def run_landing_once(defs, instance: DagsterInstance) -> bool:
    """Finish the runs a crash interrupted, then evaluate the sensor and execute its runs, as the daemon
    would. True if every run succeeded."""
    pending = _load_pending()
    if pending:
        print(f"resuming {len(pending)} run(s) interrupted before they ended (ops/{PENDING_FILE})", flush=True)
    ok = _execute(defs, instance, pending)
    sensor = defs.resolve_sensor_def("landing_file_sensor")
    with build_sensor_context(instance=instance, definitions=defs, resources=defs.resources) as ctx:
        tick = sensor.evaluate_tick(ctx)
    return _execute(defs, instance, list(tick.run_requests or [])) and ok


def _execute(defs, instance: DagsterInstance, requests: list[RunRequest]) -> bool:
    """Execute `requests` in turn; each stays in the pending file until its run has ended."""
    if requests:
        _save_pending(requests)
    ok = True
    for done, request in enumerate(requests, start=1):
        if request.job_name == INGEST_JOB:
            result = materialize(list(defs.assets), selection=request.asset_selection,
                                 partition_key=request.partition_key, tags=dict(request.tags), instance=instance,
                                 resources=defs.resources, raise_on_error=False, run_config=_console())
            what = request.tags.get("retail/entities", "")
        else:
            job = defs.resolve_job_def(request.job_name)
            result = job.execute_in_process(run_config={**(request.run_config or {}), **_console()}, instance=instance,
                                            tags=dict(request.tags), raise_on_error=False)
            what = "unmatched files"
        _report(request.job_name, what, _scope(request), len(request.asset_selection or []), result.success)
        ok &= result.success
        if done < len(requests):
            _save_pending(requests[done:])
        else:
            pending_path().unlink(missing_ok=True)
    return ok


def _scope(request) -> str:
    if request.partition_key:
        return request.partition_key
    start = request.tags.get(RANGE_START_TAG)
    return f"{start}..{request.tags[RANGE_END_TAG]}" if start else ""


def _report(job: str, what: str, scope: str, assets: int, success: bool) -> None:
    print(f"run {job} {what} {scope} assets={assets}: {'ok' if success else 'FAILED'}", flush=True)


def printable(text: str) -> str:
    """`text` with every non-printable character as its escape (\\n, \\x1b), the rest unchanged."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


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
    # Names and reasons come from the landing zone: control characters (a newline, a terminal escape
    # code) are printed escaped, so a file name cannot rewrite the operator's screen.
    for column in ("file", "reason"):
        frame[column] = frame[column].map(printable)
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
