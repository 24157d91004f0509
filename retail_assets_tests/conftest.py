"""Shared fixtures: a throw-away data root with real DuckDB files and folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from retail_assets.landing.file_store import LocalFileStore
from retail_assets.resources import duckdb_resources

# Where the real Online Retail exports live: beside the checkout (../shared), or at the
# workplace's shared folder when CI runs from a clone elsewhere. RETAIL_ONLINE_RETAIL_DIR wins.
ONLINE_RETAIL_CANDIDATES = [
    Path(__file__).resolve().parents[2] / "shared" / "data" / "online-retail",
    Path("/work/shared/data/online-retail"),
]


def online_retail_dir() -> Path:
    """The real Online Retail sample folder (the first candidate that exists)."""
    if os.environ.get("RETAIL_ONLINE_RETAIL_DIR"):
        return Path(os.environ["RETAIL_ONLINE_RETAIL_DIR"])
    for candidate in ONLINE_RETAIL_CANDIDATES:
        if candidate.is_dir():
            return candidate
    return ONLINE_RETAIL_CANDIDATES[0]


class DataRoot:
    def __init__(self, root: Path):
        self.root = root
        self.landing = root / "landing"
        self.archive = root / "archive"
        self.rejected = root / "rejected"
        self.db = root / "warehouse.duckdb"
        self.landing.mkdir(parents=True)

    def resources(self) -> dict:
        store = LocalFileStore(landing_dir=str(self.landing), archive_dir=str(self.archive),
                               rejected_dir=str(self.rejected))
        return duckdb_resources(store, str(self.db), reports_dir=str(self.root / "reports"),
                                ops_dir=str(self.root / "ops"))

    def drop(self, source: Path, name: str | None = None) -> Path:
        target = self.landing / (name or source.name)
        shutil.copyfile(source, target)
        return target

    def query(self, sql: str, params=None):
        with duckdb.connect(str(self.db), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchdf()


@pytest.fixture
def data_root(tmp_path: Path) -> DataRoot:
    return DataRoot(tmp_path / "data")


@pytest.fixture(scope="session")
def online_retail() -> Path:
    path = online_retail_dir()
    if not path.exists():
        pytest.fail(f"the real Online Retail sample is missing (looked in {ONLINE_RETAIL_CANDIDATES}); "
                    "set RETAIL_ONLINE_RETAIL_DIR")
    return path


# The longest test files, longest first (worker seconds measured in a whole run, Dec 2026). With three
# xdist workers (make test, --no-loadscope-reorder keeps this order), a long file collected last would
# run alone at the end while the other workers idle.
LONGEST_FIRST = tuple(f"retail_assets_tests/{part}" for part in (
    "gold/test_gold_materialize.py", "gold/test_concurrent_backfills.py", "ui/", "gold/test_manifest_isolation.py",
    "reliability/test_kill_safety.py", "landing/test_landing_file_sensor.py", "reports/", "real_data/",
    "test_ingest_cli.py", "portal/test_portal_api.py",
    "observability/", "ingestion/", "portal/test_portal_browser.py", "silver/test_silver_asset.py", "reliability/",
    "silver/test_contracts.py", "silver/test_transform_rules.py", "automation/", "gold/test_dbt_unit_tests.py",
    "gold/test_dbt_project_offline.py", "ml/", "unit/test_duckdb_memory_limit.py", "test_bench_smoke.py",
    "bronze/test_streamed_memory.py", "bronze/test_streamed_loads.py"))


def pytest_collection_modifyitems(config, items):
    def rank(item):
        return next((i for i, part in enumerate(LONGEST_FIRST) if part in item.nodeid), len(LONGEST_FIRST))

    items.sort(key=rank)  # stable: the order inside each file is kept


# Packages whose tests share one package- or module-scoped fixture (reports: a warehouse built bronze to
# reports, ~50 s; real_data: the real Online Retail exports through the whole graph, twice, ~55 s).
# `make test` runs `-n 2 --dist loadfile`, which sends whole files to a worker;
# two files of such a package on two workers would build the fixture twice.
SHARED_FIXTURE_PACKAGES = ("retail_assets_tests/reports/", "retail_assets_tests/real_data/")


def pytest_xdist_make_scheduler(config, log):
    """loadfile, except that a SHARED_FIXTURE_PACKAGES package goes to one worker whole."""
    if config.getoption("dist") != "loadfile":
        return None  # xdist's own scheduler for any other mode
    from xdist.scheduler import LoadFileScheduling

    class LoadFileSharingPackageFixtures(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return next((p for p in SHARED_FIXTURE_PACKAGES if scope.startswith(p)), scope)

    return LoadFileSharingPackageFixtures(config, log)
