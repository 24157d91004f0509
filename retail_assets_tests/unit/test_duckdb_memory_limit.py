"""DuckDB's memory is bounded for every connection the pipeline opens, dbt's included, so a big day
spills to disk instead of taking the run worker (and the machine) down."""

import os
import subprocess

import duckdb
import pytest

from retail_assets import settings
from retail_assets.gold.project import DBT_PROJECT_DIR, dbt_executable
from retail_assets.landing.file_store import LocalFileStore
from retail_assets.resources import duckdb_resources


def _as_duckdb_shows(text: str) -> str:
    with duckdb.connect() as conn:  # DuckDB's own reading of a size, e.g. '1.8 GiB'
        conn.execute(f"SET memory_limit = '{text}'")
        return conn.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_the_warehouse_connects_with_the_configured_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("RETAIL_DUCKDB_MEMORY_LIMIT", "300MB")
    store = LocalFileStore(landing_dir=str(tmp_path / "l"), archive_dir=str(tmp_path / "a"),
                           rejected_dir=str(tmp_path / "r"))
    warehouse = duckdb_resources(store, str(tmp_path / "warehouse.duckdb"))["warehouse"]
    with warehouse.connect() as conn:
        assert conn.execute("SELECT current_setting('memory_limit')").fetchone()[0] == _as_duckdb_shows("300MB")
    assert warehouse.dbt_environment()["RETAIL_DUCKDB_MEMORY_LIMIT"] == "300MB"


def test_the_default_is_half_the_machine_not_duckdbs_eighty_percent(monkeypatch):
    monkeypatch.delenv("RETAIL_DUCKDB_MEMORY_LIMIT", raising=False)
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    limit = settings.duckdb_memory_limit()
    assert limit == f"{max(1, total // 2 // 10**9)}GB"
    assert int(limit.removesuffix("GB")) * 10**9 <= total * 0.5


@pytest.mark.parametrize("bad", ["lots", "2GB; DROP TABLE x", "-1GB", "2 parsecs"])
def test_a_malformed_limit_is_refused_by_name(monkeypatch, bad):
    monkeypatch.setenv("RETAIL_DUCKDB_MEMORY_LIMIT", bad)
    with pytest.raises(ValueError, match="RETAIL_DUCKDB_MEMORY_LIMIT"):
        settings.duckdb_memory_limit()


def test_dbt_connects_with_the_same_limit(tmp_path):
    """dbt's own DuckDB connection, through the profile: `dbt show` of the setting in a real dbt run."""
    env = {"RETAIL_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"), "RETAIL_DUCKDB_MEMORY_LIMIT": "300MB",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        [dbt_executable(), "show", "--inline", "select current_setting('memory_limit') as m", "--output", "json",
         "--log-format", "text", "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target")],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f'"m": "{_as_duckdb_shows("300MB")}"' in done.stdout, done.stdout[-1500:]
