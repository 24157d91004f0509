"""landing_file_sensor evaluated with build_sensor_context: runs requested, cursor kept."""

import json
import os
from datetime import datetime, timedelta

from dagster import (
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    build_sensor_context,
    evaluate_automation_conditions,
    materialize,
)

from retail_assets.definitions import build_definitions
from retail_assets.landing.sensor import landing_file_sensor, newest_partition
from retail_assets.partitions import daily_partitions

K = AssetKey.from_user_string


def _tick(data_root, cursor=None, instance=None):
    defs = build_definitions(data_root.resources())
    with build_sensor_context(
        cursor=cursor, instance=instance or DagsterInstance.ephemeral(), definitions=defs,
        resources=data_root.resources(),
    ) as context:
        data = landing_file_sensor.evaluate_tick(context)
    return data.run_requests or [], data.cursor, data.skip_message


def _execute(data_root, request, instance):
    defs = build_definitions(data_root.resources())
    if request.asset_selection:
        result = materialize(list(defs.assets), selection=request.asset_selection, partition_key=request.partition_key,
                             tags=dict(request.tags), resources=data_root.resources(), instance=instance)
    else:
        result = defs.resolve_job_def(request.job_name).execute_in_process(
            run_config=request.run_config, instance=instance, tags=dict(request.tags))
    assert result.success
    return result


def test_new_file_then_same_file_then_changed_file(data_root, online_retail):
    landed = data_root.drop(online_retail / "2010-12-01.csv")
    runs, cursor, _ = _tick(data_root)
    assert len(runs) == 1
    run = runs[0]
    assert run.partition_key == "2010-12-01"
    selection = set(run.asset_selection)
    assert {K("bronze/sales_lines"), K("silver/sales_lines"), K("gold/fct_sales"), K("gold/dim_customer"),
            K("ml/customer_features"), K("ml/sales_forecast"), K("reports/sales_dashboard")} <= selection
    assert K("bronze/stores") not in selection, "only the entities that landed are loaded"
    assert K("ml/customer_churn_model") not in selection, "the model retrains weekly, not per delivery"
    assert K("ml/customer_scores") not in selection, "nothing to score with before a model was trained"
    assert run.job_name == "landing_ingest"
    state = json.loads(cursor)
    assert list(state) == [f"2010-12-01.csv@{os.stat(landed).st_mtime_ns}:{os.stat(landed).st_size}"]

    # Same file, next tick: nothing new, cursor unchanged.
    again, cursor_2, skip = _tick(data_root, cursor)
    assert again == [] and cursor_2 == cursor and "no new files" in skip

    # Re-uploaded with new content: a new identity and a new run key.
    landed.write_text(landed.read_text().replace("17850.0", "17851.0"))
    os.utime(landed, ns=(1, os.stat(landed).st_mtime_ns + 1_000_000))
    changed, cursor_3, _ = _tick(data_root, cursor_2)
    assert len(changed) == 1 and changed[0].run_key != run.run_key
    assert len(json.loads(cursor_3)) == 1, "the old identity left the cursor with the old version"


def test_a_drop_of_many_files_and_entities_becomes_one_run_and_leaves_automation_nothing(data_root, online_retail):
    for day in ["2010-12-01", "2010-12-02", "2010-12-03", "2010-12-05", "2010-12-06"]:
        data_root.drop(online_retail / f"{day}.csv")
    (data_root.landing / "stores_2010-12-02.csv").write_text(
        "store_id,store_name,country,region,city,store_type,opened_on\n"
        "S001,Leeds,United Kingdom,Yorkshire,Leeds,mall,2001-01-01\n")
    runs, cursor, _ = _tick(data_root)
    assert len(runs) == 1
    [run] = runs
    assert run.partition_key is None
    assert run.tags["dagster/asset_partition_range_start"] == "2010-12-01"
    assert run.tags["dagster/asset_partition_range_end"] == "2010-12-06"
    assert run.tags["retail/files"] == "6" and run.tags["retail/entities"] == "sales_lines,stores"
    assert {K("bronze/stores"), K("silver/stores"), K("bronze/sales_lines"), K("gold/dim_store")} <= set(run.asset_selection)
    assert len(json.loads(cursor)) == 6

    # The automation sensor has seen the instance before the drop (its first tick handles the past).
    defs = build_definitions(data_root.resources())
    instance = DagsterInstance.ephemeral()
    before = evaluate_automation_conditions(defs=defs, instance=instance)

    # One run loads all six files and builds everything that follows them...
    result = _execute(data_root, run, instance)
    dbt = [e.user_message for e in instance.all_logs(result.run_id) if e.user_message.startswith("dbt=build")]
    assert len(dbt) == 1, f"one dbt invocation per run: {dbt}"
    # Dagster's bookkeeping is per asset too, not per asset and day (retail_assets/__init__.py).
    planned = instance.all_logs(result.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED)
    assert len(planned) == len(run.asset_selection), (len(planned), len(run.asset_selection))
    audit = data_root.query("select file, status from audit.file_loads order by file")
    assert audit.status.tolist() == ["loaded"] * 6
    runs_after, cursor_after, _ = _tick(data_root, cursor)
    assert runs_after == [] and json.loads(cursor_after) == {}, "cursor only holds files still in landing"

    # ...so the automation sensor finds nothing left to do for that delivery: no second wave.
    after = evaluate_automation_conditions(defs=defs, instance=instance, cursor=before.cursor)
    assert after.total_requested == 0, after.total_requested

    # A hand materialization in the UI still propagates: silver of one day re-run -> gold of that day.
    materialize(list(defs.assets), selection=[K("silver/sales_lines")], partition_key="2010-12-03",
                resources=data_root.resources(), instance=instance)
    later = evaluate_automation_conditions(defs=defs, instance=instance, cursor=after.cursor)
    assert later.get_requested_partitions(K("gold/fct_sales")) == {"2010-12-03"}


def test_unknown_profile_is_quarantined_with_reason(data_root):
    (data_root.landing / "holiday_photos.zip").write_bytes(b"PK\x03\x04 not ours")
    runs, cursor, _ = _tick(data_root)
    assert len(runs) == 1 and runs[0].job_name == "quarantine_landing_files"
    files = runs[0].run_config["ops"]["quarantine_files"]["config"]["files"]
    assert files == [{"name": "holiday_photos.zip", "reason": "no source profile matches the file name 'holiday_photos.zip'"}]

    _execute(data_root, runs[0], DagsterInstance.ephemeral())
    assert not (data_root.landing / "holiday_photos.zip").exists()
    [moved] = [p for p in data_root.rejected.iterdir() if p.name.endswith("holiday_photos.zip")]
    assert "no source profile matches" in (data_root.rejected / f"{moved.name}.reason.txt").read_text()
    audit = data_root.query("select status, reason from audit.file_loads")
    assert audit.status.tolist() == ["rejected"] and "no source profile" in audit.reason[0]
    # The same bytes dropped again under the same name are a new upload: quarantined again, not lost.
    assert _tick(data_root, cursor)[0] == []


def test_unreadable_file_is_rejected_by_its_run_and_nothing_else_is_lost(data_root, online_retail):
    data_root.drop(online_retail / "2010-12-01.csv")
    (data_root.landing / "2010-12-02.csv").write_bytes(b"\xff\xfe\x00garbage\x00\x81 not utf-8")
    runs, _, _ = _tick(data_root)
    assert len(runs) == 1  # matched by name: the run, not the sensor, reads the content
    result = _execute(data_root, runs[0], DagsterInstance.ephemeral())

    audit = data_root.query("select file, status, reason from audit.file_loads order by file")
    assert audit.status.tolist() == ["loaded", "rejected"]
    assert "not valid utf-8" in audit.reason[1]
    [moved] = [p for p in data_root.rejected.iterdir() if p.name.endswith("2010-12-02.csv")]
    assert "not valid utf-8" in (data_root.rejected / f"{moved.name}.reason.txt").read_text()
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks["landing_files_accepted"] is False, "bronze check shows the rejected file in the UI"
    assert checks["bronze_rows_reconcile"] is True, "nothing that reached bronze was lost"


def test_identical_file_dropped_again_is_counted_duplicate_not_loaded_twice(data_root, online_retail):
    instance = DagsterInstance.ephemeral()
    data_root.drop(online_retail / "2010-12-01.csv")
    runs, cursor, _ = _tick(data_root)
    _execute(data_root, runs[0], instance)
    rows = data_root.query("select count(*) n from silver.sales_lines").n[0]

    data_root.drop(online_retail / "2010-12-01.csv")  # the same export uploaded a second time
    runs_2, _, _ = _tick(data_root, cursor)
    assert len(runs_2) == 1 and runs_2[0].run_key != runs[0].run_key
    _execute(data_root, runs_2[0], instance)
    assert data_root.query("select count(*) n from bronze.sales_lines").n[0] == 3108
    assert data_root.query("select count(*) n from silver.sales_lines").n[0] == rows
    assert not any(data_root.landing.iterdir())
    audit = data_root.query("select status, rows_read, rows_duplicate from audit.file_loads order by status desc")
    assert audit.status.tolist() == ["loaded", "duplicate_file"]
    assert audit.rows_duplicate[1] == audit.rows_read[1] == 3108
    assert len(list(data_root.archive.glob("2010-12-01/*"))) == 2, "both uploads kept in the archive"


def test_master_data_before_any_sales_builds_gold_but_no_ml_or_reports(data_root):
    """ML and reports are built from sales: before any sales line was loaded they would only fail."""
    (data_root.landing / "stores_2010-12-02.csv").write_text(
        "store_id,store_name,country,region,city,store_type,opened_on\n"
        "S001,Leeds,United Kingdom,Yorkshire,Leeds,mall,2001-01-01\n")
    [run], _, _ = _tick(data_root)
    groups = {key.path[0] for key in run.asset_selection}
    assert {"bronze", "silver", "gold"} <= groups and not groups & {"ml", "reports"}, groups
    result = _execute(data_root, run, DagsterInstance.ephemeral())
    assert result.success


def test_far_apart_dates_are_still_one_run(data_root, online_retail):
    """A catch-up with a gap of years is one run: silver and dbt work on the window set-wise."""
    data_root.drop(online_retail / "2010-12-01.csv")
    data_root.drop(online_retail / "2010-12-02.csv")
    data_root.drop(online_retail / "2010-12-16.csv", name="2026-11-01.csv")  # same shape, 16 years later
    runs, _, _ = _tick(data_root)
    assert len(runs) == 1
    assert (runs[0].tags["dagster/asset_partition_range_start"], runs[0].tags["dagster/asset_partition_range_end"]) \
        == ("2010-12-01", "2026-11-01")
    assert runs[0].tags["retail/files"] == "3"


def test_a_file_dated_ahead_of_today_never_holds_back_the_others(data_root, online_retail):
    today = newest_partition()
    assert today == daily_partitions.get_last_partition_key()
    tomorrow = (datetime.fromisoformat(today) + timedelta(days=1)).date().isoformat()
    far = (datetime.fromisoformat(today) + timedelta(days=30)).date().isoformat()
    data_root.drop(online_retail / "2010-12-01.csv")
    data_root.drop(online_retail / "2010-12-02.csv", name=f"{tomorrow}.csv")  # a store east of UTC
    data_root.drop(online_retail / "2010-12-03.csv", name=f"{far}.csv")       # a till with a wrong clock
    runs, cursor, _ = _tick(data_root)
    by_job = {r.job_name: r for r in runs}
    assert set(by_job) == {"landing_ingest", "quarantine_landing_files"}
    assert by_job["landing_ingest"].partition_key == "2010-12-01", "the good file is loaded now"
    [quarantined] = by_job["quarantine_landing_files"].run_config["ops"]["quarantine_files"]["config"]["files"]
    assert quarantined["name"] == f"{far}.csv" and "days after today" in quarantined["reason"]
    assert f"{tomorrow}.csv" not in " ".join(json.loads(cursor)), "tomorrow's file is looked at again every tick"

    # Once its day has begun (UTC) the early file is requested like any other.
    from retail_assets.landing import sensor as landing_sensor
    plan = landing_sensor.plan_landing_runs(data_root.resources()["landing"].list_files(), json.loads(cursor),
                                            newest_partition=tomorrow)
    assert [r.partition_key for r in plan.runs if r.job_name == "landing_ingest"] == [tomorrow]


def test_scoring_follows_a_delivery_only_once_a_model_passed_its_check(data_root, online_retail):
    """A model that was materialized but never passed churn_model_beats_baseline is not scored with
    (ml/model_registry.py), so the delivery leaves ml/customer_scores out rather than fail on it."""
    from dagster import AssetCheckEvaluation, AssetMaterialization, MetadataValue
    from dagster._core.definitions.asset_checks.asset_check_evaluation import (  # test only: no public name
        AssetCheckEvaluationTargetMaterializationData,
    )

    from retail_assets.ml.model_registry import CHECK_KEY, MODEL_KEY

    instance = DagsterInstance.ephemeral()
    instance.report_runless_asset_event(AssetMaterialization(MODEL_KEY, metadata={
        "model_version": "20261101T000000", "artifact_sha256": MetadataValue.json({"model.joblib": "0" * 64})}))
    data_root.drop(online_retail / "2010-12-01.csv")
    [run], _, _ = _tick(data_root, instance=instance)
    assert K("ml/customer_scores") not in set(run.asset_selection), "the only model never passed its check"

    record = instance.fetch_materializations(MODEL_KEY, limit=1).records[0]
    instance.report_runless_asset_event(AssetCheckEvaluation(
        asset_key=MODEL_KEY, check_name=CHECK_KEY.name, passed=True,
        target_materialization_data=AssetCheckEvaluationTargetMaterializationData(
            storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp)))
    [run], _, _ = _tick(data_root, instance=instance)
    assert K("ml/customer_scores") in set(run.asset_selection), "a model passed its check: the delivery scores"
