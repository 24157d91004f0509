"""The daily safety-net schedule and the run-failure recorder, on real runs and real sensor evaluation."""

import json
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
from dagster import (
    AssetKey,
    AssetSelection,
    DagsterEventType,
    DagsterInstance,
    build_run_status_sensor_context,
    build_schedule_context,
    materialize,
    serialize_value,
)

from retail_assets.automation.failures import MAX_ERROR_CHARS, RunFailureLog, failure_record, run_failure_recorder
from retail_assets.automation.schedules import SAFETY_NET_JOB, daily_safety_net_schedule
from retail_assets.definitions import build_definitions
from retail_assets.synthetic.generate import generate
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets_tests.observability.test_operating_metadata import SECRET_ENV, SENTINEL


def _materialize_failing_sales_day(data_root, instance):
    """Bronze and silver sales_lines of 2026-11-02, a run the test made sure will fail."""
    defs = build_definitions(data_root.resources())
    result = materialize(list(defs.assets), selection=AssetSelection.assets(["bronze", "sales_lines"],
                                                                             ["silver", "sales_lines"]),
                         partition_key="2026-11-02", resources=data_root.resources(), instance=instance,
                         raise_on_error=False)
    assert not result.success
    return result


def test_safety_net_runs_yesterday_through_bronze_silver_and_gold(data_root):
    defs = build_definitions(data_root.resources())
    context = build_schedule_context(scheduled_execution_time=datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc))
    request = daily_safety_net_schedule(context)
    assert request.partition_key == "2026-11-22"
    job = defs.resolve_job_def(SAFETY_NET_JOB)
    groups = {defs.resolve_asset_graph().get(k).group_name for k in job.asset_layer.executable_asset_keys}
    assert groups == {"bronze", "silver", "gold"}
    assert daily_safety_net_schedule.cron_schedule == "0 5 * * *"


def _failed_silver_run(data_root, instance):
    """A real failure: silver's table in the warehouse has the wrong shape, so writing the day fails."""
    generate(data_root.landing, start=date(2026, 11, 2), days=1, seed=5, lines_per_day=50)
    data_root.root.mkdir(parents=True, exist_ok=True)
    import duckdb
    with duckdb.connect(str(data_root.db)) as conn:
        conn.execute("create schema silver; create table silver.sales_lines (not_the_contract integer)")
    result = _materialize_failing_sales_day(data_root, instance)
    return result


def test_a_failed_run_is_recorded_with_asset_partition_and_error(data_root):
    instance = DagsterInstance.ephemeral()
    result = _failed_silver_run(data_root, instance)
    run = instance.get_run_by_id(result.run_id)
    [failure] = [e for e in instance.all_logs(result.run_id, of_type=DagsterEventType.RUN_FAILURE)]
    log = RunFailureLog(path=str(data_root.root / "ops" / "run_failures.jsonl"))

    context = build_run_status_sensor_context(
        sensor_name="run_failure_recorder", dagster_instance=instance, dagster_run=run,
        dagster_event=failure.dagster_event, resources={"failure_log": log},
    ).for_run_failure()
    run_failure_recorder(context)

    [record] = log.read()
    assert record["run_id"] == result.run_id
    assert record["partition"] == "2026-11-02"
    assert "silver/sales_lines" in record["assets"]
    assert record["failed_steps"] and "silver__sales_lines" in record["failed_steps"][0]["step"]
    assert record["assets"] == ["silver/sales_lines"], "the asset whose step failed, not the whole run"
    first = record["error"].splitlines()[0]
    assert "SilverTableMismatch" in first and "silver.sales_lines has columns ['…']" in first, \
        "the root cause, not Dagster's wrapper; quoted names and values are left out"
    # Readable as a table, where on-call already looks.
    import duckdb
    rows = duckdb.sql(f"select job, partition::varchar from read_json_auto('{log.path}')").fetchall()
    assert rows == [(record["job"], "2026-11-02")]


def _record_failure(instance, result, log: RunFailureLog) -> None:
    """What the run_failure_recorder sensor does for this failed run."""
    run = instance.get_run_by_id(result.run_id)
    [failure] = [e for e in instance.all_logs(result.run_id, of_type=DagsterEventType.RUN_FAILURE)]
    run_failure_recorder(build_run_status_sensor_context(
        sensor_name="run_failure_recorder", dagster_instance=instance, dagster_run=run,
        dagster_event=failure.dagster_event, resources={"failure_log": log},
    ).for_run_failure())


def test_failure_log_keeps_the_error_type_not_row_values_or_secrets(data_root, monkeypatch):
    """A failed run whose error quotes a row value, with deployment secrets in the environment: the
    failure log names the error without the value; neither log holds a secret."""
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    row_value = "ann.customer-4929@example.com"

    def conversion_error(self, entity, start, end):  # what DuckDB raises on a value it cannot cast
        raise duckdb.ConversionException(f"Conversion Error: Could not convert string '{row_value}' to INT64\n"
                                         f"LINE 1: SELECT CAST('{row_value}' AS BIGINT)")

    monkeypatch.setattr(DuckDBWarehouse, "build_silver", conversion_error)
    instance = DagsterInstance.ephemeral()
    generate(data_root.landing, start=date(2026, 11, 2), days=1, seed=5, lines_per_day=50)
    result = _materialize_failing_sales_day(data_root, instance)
    log = RunFailureLog(path=str(data_root.root / "ops" / "run_failures.jsonl"))
    _record_failure(instance, result, log)

    text = Path(log.path).read_text()
    [record] = log.read()
    assert record["error"] == "_duckdb.ConversionException: Conversion Error: Could not convert string '…' to INT64"
    assert row_value not in text and SENTINEL not in text
    events = [serialize_value(e) for e in instance.all_logs(result.run_id)]
    assert any("ConversionException" in e for e in events), "the scan sees the failure"
    assert not [e[:300] for e in events if SENTINEL in e]


def test_failure_record_names_a_ranged_run_by_its_range_and_cuts_long_errors():
    record = failure_record(
        run_id="r1", job_name="landing_ingest",
        tags={"dagster/asset_partition_range_start": "2026-11-01", "dagster/asset_partition_range_end": "2026-11-03"},
        asset_keys=["silver/sales_lines", "bronze/sales_lines"], failed_steps=[("silver__sales_lines", "x" * 5000)],
        run_error=None, failed_at=datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc),
    )
    assert record["partition"] == "2026-11-01..2026-11-03"
    assert record["assets"] == ["bronze/sales_lines", "silver/sales_lines"]
    assert len(record["error"]) == MAX_ERROR_CHARS
    assert json.loads(json.dumps(record)) == record
    assert AssetKey.from_user_string(record["assets"][0]) == AssetKey(["bronze", "sales_lines"])
