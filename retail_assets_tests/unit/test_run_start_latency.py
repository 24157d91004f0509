"""The two settings that decide how soon a dropped file's run starts under `make dev`."""

import shutil
from pathlib import Path

from dagster import DagsterInstance

from retail_assets import settings
from retail_assets.landing.sensor import landing_file_sensor, tick_spacing

REPO = Path(__file__).resolve().parents[2]


def test_the_project_instance_dequeues_runs_every_second_within_its_run_limit(tmp_path, monkeypatch):
    shutil.copyfile(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with DagsterInstance.get() as instance:  # fails to load if run_coordinator and concurrency ever conflict
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.run_coordinator.dequeue_interval_seconds == 1
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 4


def test_sensor_minimum_interval_leaves_the_daemon_loop_a_second_of_slack():
    # The daemon checks every 5 s; an interval of exactly 10 s was measured ticking every 15 s.
    assert tick_spacing(10) == 9 and tick_spacing(30) == 29
    assert landing_file_sensor.minimum_interval_seconds == tick_spacing(settings.sensor_interval_seconds())
