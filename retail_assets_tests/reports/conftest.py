"""One real warehouse for the report tests, built once: generated files (master data with hostile
names) -> bronze/silver/gold (real dbt) in one ranged run -> the ML group -> the report assets."""

import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import AssetSelection, DagsterInstance, ExecuteInProcessResult, materialize

from retail_assets.definitions import build_definitions
from retail_assets.synthetic.generate import generate
from retail_assets_tests.conftest import DataRoot
from retail_assets_tests.security.hostile_names import rewrite_master_data

# 42 days across a new year, so "sales year to date" differs from the total; long enough for
# the churn model's two 14-day label windows, small enough (300 lines a day) to build in ~1 min.
START, DAYS = date(2025, 12, 10), 42


@dataclass
class ReportsEnv:
    data_root: DataRoot
    reports_dir: Path
    ml: ExecuteInProcessResult
    reports: ExecuteInProcessResult
    reports_seconds: float

    def metadata(self, key: str) -> dict:
        (event,) = [e for e in self.reports.get_asset_materialization_events()
                    if e.asset_key.to_user_string() == key]
        return event.materialization.metadata


@pytest.fixture(scope="package")
def reports_env(tmp_path_factory) -> ReportsEnv:
    root = tmp_path_factory.mktemp("reports") / "data"
    mp = pytest.MonkeyPatch()
    mp.setenv("RETAIL_DATA_DIR", str(root))  # model artifacts, and the reports folder's default
    data_root = DataRoot(root)
    generate(data_root.landing, start=START, days=DAYS, seed=7, lines_per_day=300)
    rewrite_master_data(data_root.landing)  # hostile names everywhere (security/hostile_names.py)
    resources = data_root.resources()
    defs = build_definitions(resources)
    # The model's blocking check too: scoring loads only a model whose check passed.
    assets = [*defs.assets, *defs.asset_checks]
    instance = DagsterInstance.ephemeral()
    last = START + timedelta(days=DAYS - 1)
    plane = materialize(assets, selection=AssetSelection.groups("bronze", "silver", "gold"), instance=instance,
                        resources=resources, tags={"dagster/asset_partition_range_start": START.isoformat(),
                                                   "dagster/asset_partition_range_end": last.isoformat()})
    assert plane.success
    ml = materialize(assets, selection=AssetSelection.groups("ml"), instance=instance, resources=resources)
    assert ml.success
    started = time.perf_counter()
    reports = materialize(assets, selection=AssetSelection.groups("reports"), instance=instance, resources=resources)
    seconds = time.perf_counter() - started
    assert reports.success
    yield ReportsEnv(data_root, root / "reports", ml, reports, seconds)
    mp.undo()
