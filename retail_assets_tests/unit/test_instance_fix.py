"""The instance fix for ranged runs (retail_assets/instance.py), on a real ephemeral instance.

A run over ten days of a partitioned asset with an unpartitioned asset downstream: each
unpartitioned check plans one execution, not one per day. The last test fails once Dagster
itself answers "no partitions" for unpartitioned definitions: then delete the fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dagster import (
    AssetCheckResult,
    DagsterInstance,
    DagsterRun,
    DailyPartitionsDefinition,
    asset,
    asset_check,
    materialize,
)
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from retail_assets import instance as fix
from retail_assets.partitions import RANGE_END_TAG, RANGE_START_TAG

DAILY = DailyPartitionsDefinition(start_date="2026-01-01", end_date="2026-02-01")
DAYS = 10


@asset(partitions_def=DAILY)
def daily_sales() -> None:
    return None


@asset(deps=[daily_sales])
def sales_summary() -> None:
    return None


@asset(partitions_def=DAILY, deps=[sales_summary])
def store_margin() -> None:
    """Partitioned, and its step key sorts last: Dagster 1.13 takes a run's partitions from the last asset step of the plan."""
    return None


@asset_check(asset=sales_summary)
def summary_not_empty() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


@asset_check(asset=daily_sales)
def daily_sales_present() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


def _ranged_run_check_rows(instance: DagsterInstance) -> dict[str, tuple[int, int]]:
    """Run the ten days in one run; per check, its (still planned, evaluated) execution rows of that run."""
    tags = {RANGE_START_TAG: "2026-01-01", RANGE_END_TAG: f"2026-01-{DAYS:02d}"}
    result = materialize([daily_sales, sales_summary, store_margin, summary_not_empty, daily_sales_present],
                         instance=instance, tags=tags)
    assert result.success
    rows = {}
    for check in (summary_not_empty, daily_sales_present):
        key = next(iter(check.check_keys))
        history = instance.event_log_storage.get_asset_check_execution_history(key, limit=1000)
        statuses = [record.status for record in history if record.run_id == result.run_id]
        rows[key.name] = (statuses.count(AssetCheckExecutionRecordStatus.PLANNED),
                          statuses.count(AssetCheckExecutionRecordStatus.SUCCEEDED))
    return rows


@pytest.fixture
def upstream_behaviour(monkeypatch):
    monkeypatch.setattr(DagsterRun, "get_resolved_partitions_subset_for_events", fix._UPSTREAM)


def test_without_the_fix_an_unpartitioned_check_plans_one_execution_per_day(upstream_behaviour):
    with DagsterInstance.ephemeral() as instance:
        rows = _ranged_run_check_rows(instance)
    # One row per day stays "planned" for ever beside the one evaluation: the UI shows the checks as pending.
    assert rows == {"summary_not_empty": (DAYS, 1), "daily_sales_present": (DAYS, 1)}


def test_with_the_fix_each_check_of_a_ranged_run_plans_one_execution(monkeypatch):
    monkeypatch.setattr(DagsterRun, "get_resolved_partitions_subset_for_events", fix._UPSTREAM)
    fix.apply_ranged_run_fix()
    with DagsterInstance.ephemeral() as instance:
        rows = _ranged_run_check_rows(instance)
    assert rows == {"summary_not_empty": (0, 1), "daily_sales_present": (0, 1)}


def test_the_project_dagster_yaml_loads_the_instance_with_the_fix(tmp_path: Path, monkeypatch):
    """The webserver and daemon load only the instance: dagster.yaml must bring the fix with it."""
    monkeypatch.setattr(DagsterRun, "get_resolved_partitions_subset_for_events", fix._UPSTREAM)
    shutil.copy(Path(fix.__file__).resolve().parents[1] / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with DagsterInstance.get() as instance:
        assert isinstance(instance, fix.RetailInstance)
        assert DagsterRun.get_resolved_partitions_subset_for_events is fix._subset_for_events
        assert _ranged_run_check_rows(instance)["summary_not_empty"] == (0, 1)


def test_dagster_still_needs_the_fix():
    """Fails when Dagster stops answering a run's range for unpartitioned definitions: remove the fix then."""
    subset = DAILY.get_partition_subset_in_time_window(DAILY.time_window_for_partition_key("2026-01-03"))
    run = DagsterRun(job_name="probe", partitions_subset=subset.to_serializable_subset())
    assert fix._UPSTREAM(run, None) is not None, "Dagster fixed it: delete retail_assets/instance.py's fix"
