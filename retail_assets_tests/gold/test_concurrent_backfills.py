"""Two backfill runs at once (the README's CLI command), bronze to gold, on one DuckDB file.

A real instance (temp DAGSTER_HOME with the project's dagster.yaml, pool limit 1)
and two real `dagster asset materialize` processes. Proven from the event log:
no warehouse-writing steps of the two runs overlap in time, both runs succeed,
and neither process saw a DuckDB lock error.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, EventRecordsFilter

from retail_assets.constants import WAREHOUSE_POOL
from retail_assets.synthetic.generate import generate

ROOT = Path(__file__).resolve().parents[2]


def readme_backfill_selection() -> str:
    """The --select of the backfill command the README documents: the test runs exactly that."""
    match = re.search(r"dagster asset materialize -m retail_assets\.definitions --select '([^']+)' --partition-range",
                      (ROOT / "README.md").read_text())
    assert match, "README.md must document the CLI backfill command"
    return match.group(1)


def _step_intervals(instance, run_id):
    records = instance.all_logs(run_id, of_type={DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS,
                                                 DagsterEventType.STEP_FAILURE})
    starts, out = {}, []
    for r in records:
        key = r.step_key
        if r.dagster_event.event_type == DagsterEventType.STEP_START:
            starts[key] = r.timestamp
        else:
            out.append((key, starts[key], r.timestamp))
    return out


def test_concurrent_backfills_never_write_the_warehouse_at_the_same_time(data_root, tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    generate(data_root.landing, start=date(2026, 11, 1), days=4, seed=5, lines_per_day=300)
    env = {**os.environ, "DAGSTER_HOME": str(home), "RETAIL_DATA_DIR": str(data_root.root),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("RETAIL_DUCKDB_PATH", None)

    # Set the instance up once, as `make dagster-home` does: two processes creating the SQLite
    # tables at once race.
    with DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs(limit=1)
        instance.get_event_records(EventRecordsFilter(DagsterEventType.RUN_SUCCESS), limit=1)
        instance.all_instigator_state()
        instance.event_log_storage.initialize_concurrency_limit_to_default(WAREHOUSE_POOL)
        assert instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).slot_count == 1

    cmd = [str(Path(sys.executable).parent / "dagster"), "asset", "materialize", "-m", "retail_assets.definitions",
           "--select", readme_backfill_selection(), "--partition-range"]

    def backfill(window: str, log: Path) -> subprocess.Popen:
        # Output to a file, not a pipe: a full pipe would block a run while it holds the pool slot.
        return subprocess.Popen([*cmd, window], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)

    logs = [tmp_path / "backfill_a.log", tmp_path / "backfill_b.log"]
    first = backfill("2026-11-01...2026-11-02", logs[0])
    # The second run starts once the first holds the slot. Dagster's SQLite storage (the default
    # instance) claims a slot with SELECT ... FOR UPDATE, which SQLite ignores, so two processes
    # claiming in the same milliseconds can both get the one slot (seen here twice); Postgres
    # storage locks the row. From the moment the slot is held, the other run must queue for it.
    with DagsterInstance.from_config(str(home)) as instance:
        deadline = time.monotonic() + 120
        while (not instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots
               and first.poll() is None and time.monotonic() < deadline):
            time.sleep(0.2)
    second = backfill("2026-11-03...2026-11-04", logs[1])
    for proc, log in zip((first, second), logs):
        proc.wait(timeout=600)
        out = log.read_text(errors="replace")
        assert proc.returncode == 0, out[-3000:]
        assert "could not set lock" not in out.lower() and "conflicting lock" not in out.lower()

    instance = DagsterInstance.from_config(str(home))
    runs = [r for r in instance.get_runs() if r.tags.get("dagster/asset_partition_range_start") in
            ("2026-11-01", "2026-11-03") and r.tags.get("dagster/asset_partition_range_end") in ("2026-11-02", "2026-11-04")]
    assert len(runs) == 2 and all(r.is_success for r in runs)
    a, b = (_step_intervals(instance, r.run_id) for r in runs)
    assert len(a) >= 4 and len(b) >= 4
    for key_a, start_a, end_a in a:
        for key_b, start_b, end_b in b:
            assert end_a <= start_b or end_b <= start_a, f"{key_a} and {key_b} wrote the warehouse at once"

    # And the result is right: gold holds every silver line of the four days.
    assert data_root.query("select count(*) n from gold.fct_sales").n[0] == \
        data_root.query("select count(*) n from silver.sales_lines").n[0]
