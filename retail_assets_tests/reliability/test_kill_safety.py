"""Kill safety (issue 12): `make ingest` SIGKILLed in bronze, silver and dbt, restarted, ends as a clean run.

One drop of synthetic files (two days of every entity, a file bronze refuses, a file no profile matches,
one content delivered twice) lands in two data roots. In one, `python -m retail_assets.ingest` runs once,
undisturbed: the clean run. In the other, the same command is started again and again, each time held at
a named pause point (retail_assets/pause_points.py, RETAIL_PAUSE_AT) and killed there with SIGKILL, with
dbt's processes when it has them (a crash of the machine takes both), then restarted at the next point:

1. bronze rows and audit rows written in the open transaction, not committed;
2. the third committed file not yet moved to archive/ (two files of the drop already are);
3. a refused file's audit row committed, the file not yet moved to rejected/;
4. the third silver window rewritten, not committed (bronze done, every file archived);
5. dbt half-way through the gold build (the third model built);

and a last restart runs to its end. Then every table and view of the warehouse (bronze, silver, rejected
rows, audit.file_loads, staging, intermediate, gold) must hold the clean run's rows, every file must have
one audit row and its rows once in bronze, and every file must sit once in archive/ or rejected/.

Columns that legitimately differ between two runs of the same files, and only those, are left out of the
comparison: the clock times at which a row was written (IGNORED below). Comparing two undisturbed runs
showed no other column differs. RETAIL_RELIABILITY_RESULTS: the summary as JSON for `make reliability`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from retail_assets.ingest import PENDING_FILE
from retail_assets.synthetic.generate import generate
from retail_assets_tests.reliability.kill_runs import (
    files_under,
    ingest,
    ingest_env,
    ingest_killed_at,
    read_tables,
)
from retail_assets_tests.reliability.report import write_result

# Where each run is killed, in turn (pause point, then #n: the n-th time the run gets there), and whether its
# child processes (dbt) die with it. The last kill leaves dbt running as an orphan, as when the OOM killer
# picks the run process alone: the restart (started at once) waits for dbt's lock if it needs it, and
# still ends as the clean run. How many were still alive when it began is in the summary.
KILLS = [
    ("bronze.before_commit", True),
    ("bronze.before_archive#3", True),
    ("bronze.before_reject", True),
    ("silver.before_commit#3", True),
    ("gold.model_built#3", True),
    ("gold.model_built#20", False),
]
# Clock times, which differ between any two runs of the same files: not compared.
IGNORED_BY_SCHEMA = {"bronze": {"_ingested_at"}}  # when bronze read the file
IGNORED = {
    ("audit", "file_loads"): {"loaded_at"},  # when the audit row was (re)written
    ("silver", "rejected_rows"): {"rejected_at"},  # when silver judged the row
}
REFUSED = "{day}.csv"  # an Online Retail export name with the wrong columns: bronze refuses it
UNMATCHED = "readme.txt"  # no profile matches: the quarantine run


def _ignored(schema: str, table: str) -> set[str]:
    return IGNORED.get((schema, table), set()) | IGNORED_BY_SCHEMA.get(schema, set())


@pytest.fixture(scope="module")
def drop(tmp_path_factory) -> Path:
    """The landing files: two days ending the day before yesterday (UTC), so none waits for its day."""
    folder = tmp_path_factory.mktemp("drop")
    first = datetime.now(timezone.utc).date() - timedelta(days=3)
    generate(folder, first, days=2, lines_per_day=150)
    second = (first + timedelta(days=1)).isoformat()
    # The same stores content delivered again the next day: a duplicate_file outcome.
    shutil.copyfile(folder / f"stores_{first.isoformat()}.csv", folder / f"stores_{second}.csv")
    (folder / REFUSED.format(day=first.isoformat())).write_text("Invoice,Qty\n1,2\n", encoding="utf-8")
    (folder / UNMATCHED).write_text("not an export\n", encoding="utf-8")
    return folder


def _root(base: Path, drop: Path) -> Path:
    root = base / "data"
    shutil.copytree(drop, root / "landing")
    return root


@pytest.fixture(scope="module")
def outcome(tmp_path_factory, drop):
    began = time.perf_counter()
    clean = _root(tmp_path_factory.mktemp("clean"), drop)
    killed = _root(tmp_path_factory.mktemp("killed"), drop)
    logs = killed.parent
    # The clean run goes on beside the kills: two processes on two separate DuckDB files.
    with open(clean.parent / "ingest.log", "w", encoding="utf-8") as out:
        clean_run = subprocess.Popen([sys.executable, "-m", "retail_assets.ingest"], stdout=out,
                                     stderr=subprocess.STDOUT, env=ingest_env(clean))
    try:
        kills, after = [], {}
        for n, (point, children_too) in enumerate(KILLS, 1):
            kills.append(ingest_killed_at(killed, point, logs / f"killed-{n}.log", children_too=children_too))
            # After the orphan kill dbt still holds the file: the restart, not the test, waits for it.
            after[point] = _state(killed, tables=children_too)
        orphans_at_restart = len(kills[-1].orphans_alive("dbt"))  # dbt still at work when the restart began
        last = ingest(killed, logs / "restart.log")
        clean_exit = clean_run.wait(timeout=600)
    finally:
        if clean_run.poll() is None:
            clean_run.kill()
            clean_run.wait()
    assert clean_exit == 0, (clean.parent / "ingest.log").read_text(errors="replace")[-3000:]
    result = {
        "kills": kills, "after": after, "restart": last, "restart_log": (logs / "restart.log").read_text(errors="replace"),
        "logs": [(logs / f"killed-{n}.log").read_text(errors="replace") for n in range(1, len(KILLS) + 1)],
        "clean": clean, "killed": killed, "orphans_at_restart": orphans_at_restart,
        "clean_tables": None, "killed_tables": None, "seconds": round(time.perf_counter() - began, 1),
    }
    if last.returncode == 0:
        result["clean_tables"] = read_tables(clean / "warehouse.duckdb", _ignored)
        result["killed_tables"] = read_tables(killed / "warehouse.duckdb", _ignored)
    write_result("kill_safety", _summary(result))
    return result


def _state(root: Path, tables: bool = True) -> dict:
    """What a kill left: the folders, and every table as committed (DuckDB rolls back the rest on open)."""
    return {"landing": files_under(root / "landing"), "archive": files_under(root / "archive"),
            "rejected": files_under(root / "rejected"),
            "tables": read_tables(root / "warehouse.duckdb", _ignored) if tables else None,
            "bronze_per_file": _bronze_rows_per_file(root) if tables else None}


def _audit(tables) -> list[tuple]:
    return tables.get(("audit", "file_loads"), []) if tables else []


def _summary(result) -> dict:
    clean_audit = _audit(result["clean_tables"])
    killed_audit = _audit(result["killed_tables"])
    # audit.file_loads columns without loaded_at: file, sha256, profile, entity, partition, rows_read, rows_loaded,
    # rows_rejected, rows_duplicate, status, reason (their order in the table).
    same = result["clean_tables"] is not None and result["clean_tables"] == result["killed_tables"]
    return {
        "part": "kill safety (SIGKILL + restart)",
        "cases": len(KILLS),
        "as_expected": len(KILLS) if same else 0,
        "kills_survived": len(KILLS) if same else 0,
        "dbt_orphans_at_restart": result["orphans_at_restart"],
        "rows_in": sum(row[5] for row in clean_audit),
        "rows_accounted": sum(row[6] + row[7] + row[8] for row in killed_audit),
        "runs": len(KILLS) + 1,
        "runs_failed": int(result["restart"].returncode != 0),
        "nothing_lost": same,
        "seconds": result["seconds"],
    }


def test_every_kill_hit_its_point_and_the_restart_resumed_the_run(outcome):
    assert [k.point for k in outcome["kills"]] == [point for point, _ in KILLS]
    gold = outcome["kills"][4]
    assert gold.killed_children, "dbt was running (a child process) when the run was killed at gold.model_built"
    assert outcome["restart"].returncode == 0, outcome["restart_log"][-3000:]
    for n, log in enumerate(outcome["logs"][1:] + [outcome["restart_log"]], start=2):
        assert "resuming 2 run(s) interrupted" in log, f"restart {n} resumed the killed delivery and quarantine"
    # What makes the resume necessary: when dbt was killed, every file of the drop had left the landing zone.
    assert outcome["after"]["gold.model_built#3"]["landing"] == [UNMATCHED], \
        "every file of the delivery had left the landing zone (the quarantine run, which comes next, had not run)"
    assert not (outcome["killed"] / "ops" / PENDING_FILE).exists(), "nothing is left pending after the restart"


def test_every_table_equals_the_clean_runs(outcome):
    clean, killed = outcome["clean_tables"], outcome["killed_tables"]
    assert clean is not None, "the last restart failed: " + outcome["restart_log"][-3000:]
    assert sorted(killed) == sorted(clean), "the same tables and views"
    differ = {f"{s}.{t}": (len(clean[(s, t)]), len(killed[(s, t)])) for s, t in clean if clean[(s, t)] != killed[(s, t)]}
    assert differ == {}, "tables whose rows differ from the clean run's: {name: (clean rows, after kills)}"
    for layer in ("bronze", "silver", "gold"):
        assert any(s == layer and rows for (s, _), rows in clean.items()), f"{layer} is not empty (compared something)"
    assert clean[("silver", "rejected_rows")], "rejected rows compared too"


def test_every_file_is_loaded_once_and_sits_once_in_archive_or_rejected(outcome, drop):
    killed, clean = outcome["killed"], outcome["clean"]
    landed = sorted(p.name for p in drop.iterdir())
    assert files_under(killed / "landing") == []
    audit = _audit(outcome["killed_tables"])
    assert sorted(row[0] for row in audit) == landed, "one audit row per file, none missing, none twice"
    statuses = Counter(row[9] for row in audit)
    assert statuses == Counter(row[9] for row in _audit(outcome["clean_tables"]))
    assert statuses["duplicate_file"] == 1 and statuses["rejected"] == 2, statuses
    # Bronze rows per file (by its name): exactly rows_read for a loaded file, none for the others.
    per_file = _bronze_rows_per_file(killed)
    for file, *_, rows_read, _loaded, _rejected, _duplicate, status, _reason in audit:
        assert per_file.get(file, 0) == (rows_read if status == "loaded" else 0), (file, status)
    archived = [p.split("/", 1)[1].split("_", 1)[1] for p in files_under(killed / "archive")]
    assert sorted(archived) == sorted(row[0] for row in audit if row[9] in {"loaded", "duplicate_file"}), \
        "every loaded or duplicate file once in archive/"
    rejected = sorted(p.split("_", 1)[1] for p in files_under(killed / "rejected"))
    refused = sorted(row[0] for row in audit if row[9] == "rejected")
    assert rejected == sorted([*refused, *(f"{name}.reason.txt" for name in refused)]), \
        "every refused file once in rejected/, with one reason beside it"
    assert files_under(killed / "archive") == files_under(clean / "archive")


def _bronze_rows_per_file(root: Path) -> dict[str, int]:
    import duckdb

    if not (root / "warehouse.duckdb").exists():
        return {}
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as conn:
        tables = [t for (t,) in conn.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'bronze'").fetchall()]
        counts: Counter = Counter()
        for table in tables:
            counts.update(dict(conn.execute(f'SELECT _source_file, count(*) FROM bronze."{table}" GROUP BY 1').fetchall()))
    return dict(counts)


def _clean_audit_by_file(outcome) -> dict[str, tuple]:
    return {row[0]: row for row in _audit(outcome["clean_tables"])}


def test_a_kill_before_bronze_commits_leaves_nothing_of_the_batch(outcome, drop):
    state = outcome["after"]["bronze.before_commit"]
    assert state["landing"] == sorted(p.name for p in drop.iterdir()) and state["archive"] == []
    assert [key for key, rows in state["tables"].items() if key[0] in {"bronze", "audit"} and rows] == [], \
        "the rows and audit rows written before the kill were never committed"


def test_after_every_kill_a_moved_file_has_its_committed_rows(outcome):
    """Files leave landing only after their rows and audit row are committed: at every kill, each archived
    file has its audit row and its rows in bronze (rows_read of the clean run), each refused one its audit row."""
    clean = _clean_audit_by_file(outcome)
    assert clean, "the clean run's audit"
    moved_files = 0
    for point, state in outcome["after"].items():
        if state["tables"] is None:
            continue  # the orphan kill: dbt held the file
        audit = {row[0]: row for row in _audit(state["tables"])}
        per_file = state["bronze_per_file"]
        for path in state["archive"]:
            name = path.split("/", 1)[1].split("_", 1)[1]
            assert name in audit, f"{point}: {name} archived without a committed audit row"
            rows_read, status = clean[name][5], clean[name][9]
            assert audit[name][5] == rows_read, (point, name)
            assert per_file.get(name, 0) == (rows_read if status == "loaded" else 0), f"{point}: {name}'s bronze rows"
        for path in state["rejected"]:
            if not path.endswith(".reason.txt"):
                assert path.split("_", 1)[1] in audit, f"{point}: {path} in rejected/ without its audit row"
        moved_files += len(state["archive"])
    assert len(outcome["after"]["bronze.before_archive#3"]["archive"]) == 2, "killed after two files were archived"
    assert moved_files, "some kill came after files were moved"


def test_a_kill_before_silver_commits_leaves_the_previous_window(outcome):
    """Killed while the third silver window was written: two entities' silver equals the clean run's, the
    others are as before (empty); no half-written window."""
    state, clean = outcome["after"]["silver.before_commit#3"]["tables"], outcome["clean_tables"]
    silver = [key for key in clean if key[0] == "silver" and key[1] != "rejected_rows"]
    done = [key for key in silver if state.get(key)]
    assert all(state[key] == clean[key] for key in done), "a committed window is the clean run's"
    assert len(done) == 2, f"two windows committed before the kill, not {done}"
    audit = _audit(state)
    entities_done = {table for _, table in done}
    for row in audit:
        if row[3] in entities_done or row[9] in {"rejected", "duplicate_file"}:
            continue
        assert row[9] == "bronze" and row[6] == 0, f"{row[0]}: silver's accounting not committed"
