"""`make ingest` (python -m retail_assets.ingest) as a real subprocess: exit codes and the printed accounting."""

import os
import subprocess
import sys


def _ingest(data_root, **env):
    environ = {**os.environ, "RETAIL_DATA_DIR": str(data_root.root), **env}
    environ.pop("DAGSTER_HOME", None)  # an ephemeral instance: the test leaves nothing behind
    return subprocess.run([sys.executable, "-m", "retail_assets.ingest"], capture_output=True, text=True,
                          env=environ, timeout=300)


def test_bad_files_are_reported_not_fatal(data_root, online_retail):
    data_root.drop(online_retail / "2010-12-01.csv")
    (data_root.landing / "2010-12-02.csv").write_text("Invoice,Qty\n1,2\n")  # wrong columns
    (data_root.landing / "readme.txt").write_text("not an export")
    done = _ingest(data_root)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "2010-12-01.csv" in out and "loaded" in out
    assert "missing columns" in out and "no source profile matches" in out
    assert "rows_read = loaded + rejected + duplicate for every file: True" in out
    # The console log: our INFO lines, not Dagster's per-event DEBUG lines (RETAIL_LOG_LEVEL=DEBUG brings them back)
    assert "file='2010-12-01.csv'" in done.stderr
    assert " - DEBUG - " not in done.stderr and "ASSET_MATERIALIZATION" not in done.stderr
    assert sorted(p.name.split("_", 1)[1] for p in data_root.rejected.iterdir()) == [
        "2010-12-02.csv", "2010-12-02.csv.reason.txt", "readme.txt", "readme.txt.reason.txt"]


def test_a_broken_pipeline_exits_non_zero(data_root, online_retail):
    data_root.drop(online_retail / "2010-12-01.csv")
    blocked = data_root.root / "warehouse-is-a-folder"
    blocked.mkdir()
    done = _ingest(data_root, RETAIL_DUCKDB_PATH=str(blocked))
    assert done.returncode == 1
    assert "FAILED" in done.stdout
    assert "STEP_FAILURE" in done.stderr, "a failure stays visible at the default log level"
    assert (data_root.landing / "2010-12-01.csv").exists(), "a failed run loses nothing"
