"""`make bench` at smoke size: bench/run.py --smoke as a real subprocess writes a result for every case.

Only the shape of the results is checked, never a time: wall times depend on the machine.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The two ingest cases (year_drop, backfill_365) are left out of the smoke: each is a
# `python -m retail_assets.ingest` subprocess, a minute or more on a 2-core machine, and
# make test must stay within its budget; test_ingest_cli and the sensor tests run that path.
# dev_delivery starts `dagster dev` and waits for automation ticks (minutes): the UI tests
# (retail_assets_tests/ui/) drive the same path.
CASES = ["generate_year", "generator_day", "bronze_silver_day"]
WITH_BASELINE = {"year_drop", "backfill_365", "bronze_silver_day"}
INGEST_CASES = {"year_drop", "backfill_365"}


def _stats_ok(stats: dict) -> None:
    for key in ("min", "median", "max"):
        assert isinstance(stats[key], (int, float)) and math.isfinite(stats[key]) and stats[key] >= 0, (key, stats)
    assert stats["min"] <= stats["median"] <= stats["max"]


def test_bench_smoke_writes_every_case(tmp_path):
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--out", str(tmp_path),
                           *(arg for case in CASES for arg in ("--only", case))],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["machine"]["cpu_count"] and doc["machine"]["ram_gb"]
    for package in ("python", "dagster", "dbt-core", "duckdb"):
        assert doc["versions"][package], package
    assert "ibis" in doc["versions"]  # its version, or null when not installed
    assert sorted(doc["cases"]) == sorted(CASES)
    for name, case in doc["cases"].items():
        _stats_ok(case["seconds"])
        if name in WITH_BASELINE:
            _stats_ok(case["baseline"]["seconds"])
            assert isinstance(case["ratio"], float) and case["ratio"] > 0, name
        else:
            assert case["baseline"] is None and case["ratio"] is None, name
        if name in INGEST_CASES:
            assert case["extra"]["runs_launched"] and all(n >= 1 for n in case["extra"]["runs_launched"]), name
            assert all(line.startswith("run ") for line in case["extra"]["run_lines"]), name
            assert case["extra"]["accounting_balanced"] is True, name
    # bronze_silver_day: per size, the peak RSS of both processes and the same lines read by both
    sizes = [v for k, v in doc["cases"]["bronze_silver_day"]["extra"].items() if k.startswith("lines_")]
    assert sizes
    for size in sizes:
        assert size["peak_rss_mb"] > 0 and size["baseline_peak_rss_mb"] > 0, size
        assert size["pipeline_counts"]["rows_read"] == size["baseline_counts"]["rows_read"] > 0, size
        assert 0 < size["pipeline_counts"]["silver_rows"] <= size["sales_lines"], size

    table = [line for line in (tmp_path / "results.md").read_text().splitlines() if line.startswith("| ")]
    for name in CASES:
        assert sum(1 for row in table if row.startswith(f"| {name} |")) == 1, name
