"""One real `dagster dev` per test module, over a temp data root with three synthetic days in landing."""

from datetime import date
from pathlib import Path

import pytest

from retail_assets.synthetic.generate import generate
from retail_assets_tests.ui.dagster_dev import LOCATION, DagsterDev
from retail_assets_tests.ui.graphql_ops import stop_sensor

DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"]


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("dagster_dev")
    data = root / "data"
    dev = DagsterDev(home=root / "dagster_home", data_dir=data, log_path=root / "dagster_dev.log",
                     extra_env={"FRESHNESS_DAEMON_INTERVAL_SECONDS": "5"})
    dev.start()
    try:
        # Both sensors are on by default; here the test is the operator and drives the
        # runs itself (backfills from the UI), so no run may start behind its back. The
        # files land only once the landing sensor is stopped.
        assert stop_sensor(dev, "retail_automation", LOCATION) == "STOPPED"
        assert stop_sensor(dev, "landing_file_sensor", LOCATION) == "STOPPED"
        generate(data / "landing", start=date.fromisoformat(DAYS[0]), days=len(DAYS), seed=3, lines_per_day=200)
        yield dev
    finally:
        dev.stop()
