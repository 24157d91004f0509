"""One bronze+silver run of a day's sales lines, or its plain-DuckDB baseline, in a process of its own.

    python -m bench.bronze_silver pipeline ROOT FILE [FILE ...]
    python -m bench.bronze_silver baseline ROOT FILE [FILE ...]

Prints one JSON line: seconds of the data work (imports excluded) and the process's peak RSS
(`ru_maxrss`, imports included: that is what a run worker holds). BENCH_LOG_LEVEL=INFO shows
the run's per-file and per-step log lines. A process per measurement,
because peak RSS only ever grows: measured in the bench's own process it would carry the
previous case's high-water mark.

The pipeline run uses the real assets and resources. Only the source profiles' row and byte
limits are raised to fit a day bigger than the defaults allow (5M rows, 500 MB per file): a
chain delivering 10M lines in one file would set `limits:` in its profile the same way.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

PARTITION = "2026-11-02"


def _raise_limits() -> None:
    from retail_assets.landing import profiles
    from retail_assets.landing.limits import FileLimits

    raised = tuple(replace(p, limits=replace(p.limits, max_rows=50_000_000, max_bytes=20 * 10**9))
                   for p in profiles.load_profiles())
    assert raised[0].limits != FileLimits()
    profiles.load_profiles = lambda directory=None: raised  # match_file asks the module at call time


def pipeline(root: Path, files: list[Path]) -> dict:
    from dagster import materialize

    from retail_assets.bronze.assets import bronze_assets
    from retail_assets.landing.file_store import LocalFileStore
    from retail_assets.resources import duckdb_resources
    from retail_assets.silver.assets import silver_assets

    _raise_limits()
    (root / "landing").mkdir(parents=True)
    for f in files:
        shutil.copy(f, root / "landing" / f.name)
    store = LocalFileStore(landing_dir=str(root / "landing"), archive_dir=str(root / "archive"),
                           rejected_dir=str(root / "rejected"))
    resources = duckdb_resources(store, str(root / "warehouse.duckdb"))
    sales = [a for a in bronze_assets + silver_assets if a.key.path[-1] == "sales_lines"]
    quiet = {"loggers": {"console": {"config": {"log_level": os.environ.get("BENCH_LOG_LEVEL", "WARNING")}}}}
    t0 = time.perf_counter()
    done = materialize(sales, partition_key=PARTITION, resources=resources, run_config=quiet)
    seconds = time.perf_counter() - t0
    if not done.success:
        raise SystemExit("bronze+silver materialize failed")
    return {"seconds": seconds, "counts": _silver_counts(root / "warehouse.duckdb")}


def _silver_counts(db: Path) -> dict:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as conn:
        loaded, = conn.execute("SELECT count(*) FROM silver.sales_lines").fetchone()
        rejected, = conn.execute("SELECT count(*) FROM silver.rejected_rows").fetchone()
        read, = conn.execute("SELECT sum(rows_read) FROM audit.file_loads").fetchone()
    return {"rows_read": int(read), "silver_rows": int(loaded), "rejected_rows": int(rejected)}


def baseline(root: Path, files: list[Path]) -> dict:
    from bench.baseline import sales_lines_silver

    root.mkdir(parents=True, exist_ok=True)
    pos = [f for f in files if f.suffix == ".csv"]
    online = [f for f in files if f.suffix == ".ndjson"]
    t0 = time.perf_counter()
    counts = sales_lines_silver(pos, online, root / "plain.duckdb")
    return {"seconds": time.perf_counter() - t0, "counts": counts}


def main(argv: list[str]) -> None:
    what, root, *files = argv
    result = {"pipeline": pipeline, "baseline": baseline}[what](Path(root), [Path(f) for f in files])
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
