"""dbt waits out a reader that holds the DuckDB file for a moment (the upload portal reading the
audit, a report) instead of failing the build: `retries.connect_attempts` in profiles.yml."""

import subprocess
import sys

import duckdb

from retail_assets.gold.project import DBT_PROJECT_DIR, dbt_executable

HOLD = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.close()
"""


def _dbt_show(tmp_path, db):
    env = {"RETAIL_DUCKDB_PATH": str(db), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(
        [dbt_executable(), "show", "--inline", "select 42 as answer", "--output", "json", "--log-format", "text",
         "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target")], capture_output=True, text=True, env=env, timeout=300)


def test_dbt_builds_after_a_reader_lets_go(tmp_path):
    """The reader holds the file from before dbt starts until 10 s after: dbt's first connection
    (3-8 s into its start-up here) meets the lock, and its retries (1, 2, 4, 8 s apart) get through.
    Without `retries` in the profile this fails with DuckDB's "Could not set lock" error."""
    db = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(db)).close()
    reader = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "10"], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "holding"
        done = _dbt_show(tmp_path, db)
    finally:
        reader.kill()
        reader.wait()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert '"answer": 42' in done.stdout
