"""landing_file_sensor evaluated with build_sensor_context: runs requested, cursor kept."""

import json
import os

from dagster import AssetKey, DagsterInstance, build_sensor_context, materialize

from retail_assets.definitions import build_definitions
from retail_assets.landing.sensor import landing_file_sensor


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
    assert run.asset_selection == [AssetKey(["bronze", "sales_lines"]), AssetKey(["silver", "sales_lines"])]
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


def test_a_drop_of_many_files_becomes_one_ranged_run_per_entity(data_root, online_retail):
    for day in ["2010-12-01", "2010-12-02", "2010-12-03", "2010-12-05", "2010-12-06"]:
        data_root.drop(online_retail / f"{day}.csv")
    (data_root.landing / "stores_2010-12-02.csv").write_text(
        "store_id,store_name,country,region,city,store_type,opened_on\nS001,Leeds,United Kingdom,Yorkshire,Leeds,mall,2001-01-01\n")
    runs, cursor, _ = _tick(data_root)
    assert len(runs) == 2
    by_entity = {r.tags["retail/entity"]: r for r in runs}
    sales = by_entity["sales_lines"]
    assert sales.partition_key is None
    assert sales.tags["dagster/asset_partition_range_start"] == "2010-12-01"
    assert sales.tags["dagster/asset_partition_range_end"] == "2010-12-06"
    assert sales.tags["retail/files"] == "5"
    assert by_entity["stores"].partition_key == "2010-12-02"
    assert len(json.loads(cursor)) == 6

    # Executing the ranged run loads all five files in one run and empties the cursor next tick.
    instance = DagsterInstance.ephemeral()
    _execute(data_root, sales, instance)
    _execute(data_root, by_entity["stores"], instance)
    audit = data_root.query("select file, status from audit.file_loads order by file")
    assert audit.status.tolist() == ["loaded"] * 6
    runs_after, cursor_after, _ = _tick(data_root, cursor)
    assert runs_after == [] and json.loads(cursor_after) == {}, "cursor only holds files still in landing"


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


def test_far_apart_dates_become_separate_ranged_runs(data_root, online_retail):
    from retail_assets.landing.sensor import date_clusters

    assert date_clusters(["2010-12-01", "2010-12-05", "2010-12-13", "2026-11-01"]) == [
        ("2010-12-01", "2010-12-05"), ("2010-12-13", "2010-12-13"), ("2026-11-01", "2026-11-01")]
    data_root.drop(online_retail / "2010-12-01.csv")
    data_root.drop(online_retail / "2010-12-02.csv")
    data_root.drop(online_retail / "2010-12-16.csv", name="2026-11-01.csv")  # same shape, 16 years later
    runs, cursor, _ = _tick(data_root)
    assert [(r.tags.get("dagster/asset_partition_range_start") or r.partition_key) for r in runs] == [
        "2010-12-01", "2026-11-01"]
    assert sorted(r.tags["retail/files"] for r in runs) == ["1", "2"]
    assert len({r.run_key for r in runs}) == 2
