"""The dbt unit tests (SCD type 2, windows, order aggregation, report edge cases), run for real on DuckDB."""

import os
import subprocess
import sys
from pathlib import Path

from retail_assets.gold.project import DBT_PROJECT_DIR
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse

DBT = str(Path(sys.executable).parent / "dbt")


def _dbt(args, db, target):
    env = {**os.environ, "RETAIL_DUCKDB_PATH": str(db)}
    return subprocess.run([DBT, *args, "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
                           "--target-path", str(target)], capture_output=True, text=True, env=env, timeout=600)


def test_dbt_unit_tests_pass(tmp_path):
    db = tmp_path / "unit.duckdb"
    warehouse = DuckDBWarehouse(path=str(db))
    with warehouse.connect() as conn:
        warehouse.ensure_silver_tables(conn)
    # Unit tests read their inputs' column types from the warehouse: create every relation empty first.
    empty = _dbt(["build", "--empty", "--exclude-resource-type", "unit_test", "--exclude-resource-type", "test"],
                 db, tmp_path / "target")
    assert empty.returncode == 0, empty.stdout[-3000:]
    done = _dbt(["test", "--select", "test_type:unit"], db, tmp_path / "target")
    assert done.returncode == 0, done.stdout[-3000:]
    summary = [line for line in done.stdout.splitlines() if "Done. PASS=" in line][-1]
    passed = int(summary.split("PASS=")[1].split()[0])
    assert passed >= 15, summary
    for scd_case in ["new_customer", "changed_attribute", "unchanged_redelivery", "two_changes_in_one_day"]:
        assert scd_case in done.stdout, f"SCD unit test {scd_case} did not run"
