"""The code location never reads a dbt manifest that a running dbt is writing.

Found on a fresh clone: a run's process loaded the definitions while another run's
`dbt build` was rewriting `dbt_project/target/manifest.json` (orjson.JSONDecodeError).
Now runs write to their own target folders and the definitions' manifest is only
replaced whole (parse elsewhere, rename).
"""

import hashlib
import json
import os
import shutil
import threading
from datetime import date
from pathlib import Path

from dagster import AssetSelection, DagsterInstance, materialize

from retail_assets.definitions import build_definitions
from retail_assets.gold.project import DBT_PROJECT_DIR, RUNS_DIR, TARGET_PATH, new_run_target, prepare_manifest
from retail_assets.synthetic.generate import generate


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _project_with_the_installed_manifest(project):
    """A copy of the dbt project whose manifest is the one `make install` parsed: a parse fewer per test.

    copytree keeps the sources' times; the manifest is dated just after the newest of them rather than
    "now", so a file a test touches a moment later is newer even on a coarse clock (a copy and a write
    in the same clock tick got equal times on a busy machine)."""
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    (project / TARGET_PATH).mkdir(parents=True)
    manifest = Path(shutil.copy(DBT_PROJECT_DIR / TARGET_PATH / "manifest.json", project / TARGET_PATH))
    newest = max(p.stat().st_mtime_ns for p in project.rglob("*") if p.is_file() and p != manifest)
    os.utime(manifest, ns=(newest + 1_000_000, newest + 1_000_000))  # 1 ms: st_mtime is a float
    return manifest


def test_a_run_with_dbt_leaves_the_definitions_manifest_untouched(data_root):
    manifest = DBT_PROJECT_DIR / TARGET_PATH / "manifest.json"
    before = _sha(manifest)
    generate(data_root.landing, start=date(2026, 11, 1), days=1, seed=5, lines_per_day=50)
    defs = build_definitions(data_root.resources())
    instance = DagsterInstance.ephemeral()
    result = materialize(list(defs.assets), selection=AssetSelection.groups("bronze", "silver", "gold"),
                         partition_key="2026-11-01", resources=data_root.resources(), instance=instance)
    assert result.success
    dbt_logs = [e.user_message for e in instance.all_logs(result.run_id) if e.user_message.startswith("dbt=build")]
    assert len(dbt_logs) == 1, dbt_logs
    assert _sha(manifest) == before, "a run's dbt rewrote the manifest the code location reads"
    mine = [p for p in (DBT_PROJECT_DIR / RUNS_DIR).glob(f"{result.run_id[:8]}-*")] \
        if (DBT_PROJECT_DIR / RUNS_DIR).exists() else []
    assert mine == [], "the run's own dbt target folder is removed after the build"


def test_a_run_target_starts_from_the_last_parse_for_partial_parsing(tmp_path):
    project = tmp_path / "dbt_project"
    (project / "target").mkdir(parents=True)
    (project / "target" / "partial_parse.msgpack").write_bytes(b"parsed")
    relative = new_run_target("abc", project_dir=project)
    assert relative.parts[:2] == ("target", "runs")
    assert (project / relative / "partial_parse.msgpack").read_bytes() == b"parsed"
    assert relative != new_run_target("abc", project_dir=project), "two steps of one run never share a folder"


def test_readers_see_a_whole_manifest_while_it_is_rebuilt(tmp_path):
    project = tmp_path / "dbt_project"
    manifest = _project_with_the_installed_manifest(project)
    failures, reads, done = [], [0], threading.Event()

    def rebuild():
        try:
            prepare_manifest(project_dir=project, force=True)  # a parse takes seconds: hundreds of reads overlap its renames
        finally:
            done.set()

    writer = threading.Thread(target=rebuild)
    writer.start()
    while not done.is_set():
        try:
            assert json.loads(manifest.read_bytes())["nodes"]
        except ValueError as exc:  # a half-written file
            failures.append(str(exc))
        reads[0] += 1
    writer.join()
    assert reads[0] > 10, "the reader ran while dbt parsed"
    assert failures == []
    assert not list((project / "target").glob(".parse-*")), "private parse folders are cleaned up"


def test_the_manifest_is_rebuilt_only_when_a_dbt_file_changed(tmp_path):
    project = tmp_path / "dbt_project"
    manifest = _project_with_the_installed_manifest(project)
    built = manifest.stat().st_mtime_ns
    assert prepare_manifest(project_dir=project).stat().st_mtime_ns == built, "fresh: not re-parsed"
    model = next(project.glob("models/marts/core/dim_store.sql"))
    model.write_text(model.read_text() + "\n-- touched\n")
    assert prepare_manifest(project_dir=project).stat().st_mtime_ns > built, "a changed model re-parses"


def test_runs_against_one_warehouse_reuse_their_parse_state(tmp_path):
    """dbt re-parses everything when its profile's environment changes: the state is kept per warehouse."""
    from retail_assets.gold.project import keep_parse_state

    project = tmp_path / "dbt_project"
    (project / "target").mkdir(parents=True)
    (project / "target" / "partial_parse.msgpack").write_bytes(b"from make install")
    here, there = {"RETAIL_DUCKDB_PATH": "/data/a.duckdb"}, {"RETAIL_DUCKDB_PATH": "/data/b.duckdb"}

    first = new_run_target("r1", project_dir=project, environment=here)
    assert (project / first / "partial_parse.msgpack").read_bytes() == b"from make install"
    (project / first / "partial_parse.msgpack").write_bytes(b"parsed for a")
    keep_parse_state(first, project_dir=project, environment=here)

    assert (project / new_run_target("r2", project_dir=project, environment=here) / "partial_parse.msgpack"
            ).read_bytes() == b"parsed for a"
    assert (project / new_run_target("r3", project_dir=project, environment=there) / "partial_parse.msgpack"
            ).read_bytes() == b"from make install", "another warehouse does not get a's state"
    cached = list((project / "target" / "partial_parse").iterdir())
    assert len(cached) == 1 and "a.duckdb" not in cached[0].name, "named by a hash, never by the path"
