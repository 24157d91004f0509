"""Two backfill runs at once, each with Python (silver) and dbt (gold) steps on one DuckDB file.

A real instance (temp DAGSTER_HOME with the project's dagster.yaml, pool limit 1)
and two real `dagster asset materialize` processes. Proven from the event log:
no warehouse-writing steps of the two runs overlap in time, both runs succeed,
and neither process saw a DuckDB lock error.
"""

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from dagster import AssetSelection, DagsterEventType, DagsterInstance, materialize

from retail_assets.definitions import build_definitions
from retail_assets.source.generate import generate

ROOT = Path(__file__).resolve().parents[2]
DATA_PLANE = AssetSelection.groups("bronze", "silver", "gold")  # the ML group needs weeks of history
SELECTION = ",".join([*(f"silver/{e}" for e in ["sales_lines", "customers", "products"]), "staging/stg_sales_lines",
                      "gold/fct_sales", "gold/fct_orders"])


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

    # Day one of everything first (dimensions and marts exist), then bronze for the other days.
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        instance = DagsterInstance.get()
        defs = build_definitions(data_root.resources())
        assert materialize(list(defs.assets), selection=DATA_PLANE, partition_key="2026-11-01",
                           resources=data_root.resources(), instance=instance).success
        bronze = [a for a in defs.assets if all(k.path[0] == "bronze" for k in a.keys)]
        assert materialize(bronze, resources=data_root.resources(), instance=instance, tags={
            "dagster/asset_partition_range_start": "2026-11-02",
            "dagster/asset_partition_range_end": "2026-11-04"}).success
    finally:
        os.environ.pop("DAGSTER_HOME", None)

    cmd = [str(Path(sys.executable).parent / "dagster"), "asset", "materialize", "-m", "retail_assets.definitions",
           "--select", SELECTION, "--partition-range"]
    procs = [subprocess.Popen([*cmd, window], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for window in ["2026-11-01...2026-11-02", "2026-11-03...2026-11-04"]]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    for p, out in zip(procs, outputs):
        assert p.returncode == 0, out[-3000:]
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
