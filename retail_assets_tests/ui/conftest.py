"""One real `dagster dev` per test module, over a temp data root; the tests drop three synthetic days."""

from pathlib import Path

import pytest

from retail_assets_tests.ui.dagster_dev import LOCATION, DagsterDev
from retail_assets_tests.ui.graphql_ops import stop_sensor

DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"]
SENSOR_INTERVAL_SECONDS = 10  # the lowest RETAIL_SENSOR_INTERVAL_SECONDS allows, as the target measures


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("dagster_dev")
    dev = DagsterDev(home=root / "dagster_home", data_dir=root / "data", log_path=root / "dagster_dev.log",
                     extra_env={"FRESHNESS_DAEMON_INTERVAL_SECONDS": "5",
                                "RETAIL_SENSOR_INTERVAL_SECONDS": str(SENSOR_INTERVAL_SECONDS)})
    dev.start()
    try:
        # landing_file_sensor stays on (as in `make dev`); the automation sensor is stopped so
        # that every run in this module is one the test asked for (its ticks have their own tests).
        assert stop_sensor(dev, "retail_automation", LOCATION) == "STOPPED"
        yield dev
    finally:
        dev.stop()
