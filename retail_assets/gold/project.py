"""The dbt project behind the gold layer, and the two places its artifacts live.

- `target/manifest.json`: what the code location reads to define the gold
  assets. Only `dbt parse` through `prepare_manifest` writes it, into a private
  folder first and then by an atomic rename, so a process loading the
  definitions sees the old file or the new one, never half of one.
- `target/runs/<run>-<step>/`: where each run's `dbt build` writes. Every dbt
  invocation rewrites `manifest.json` in its target folder; sharing one folder
  with the code location let a run start while another run's dbt was halfway
  through that file (`orjson.JSONDecodeError` in `validate_manifest`). The run
  folder is seeded with the parse's `partial_parse.msgpack`, so dbt still
  parses incrementally.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from dagster_dbt import DbtProject

from retail_assets import settings

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
TARGET_PATH = Path("target")
RUNS_DIR = TARGET_PATH / "runs"
PARTIAL_PARSE = "partial_parse.msgpack"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, target_path=TARGET_PATH)


def _dbt_sources(project_dir: Path) -> list[Path]:
    skip = {"target", "logs", "dbt_packages"}
    return [p for p in project_dir.rglob("*") if p.suffix in {".sql", ".yml", ".yaml", ".csv"}
            and not skip.intersection(p.relative_to(project_dir).parts)]


def manifest_is_stale(project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """True if the manifest is missing or older than any model, macro, seed or YAML file."""
    manifest = project_dir / TARGET_PATH / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(p.stat().st_mtime > built for p in _dbt_sources(project_dir))


def prepare_manifest(project_dir: Path = DBT_PROJECT_DIR, dbt: str | None = None, force: bool = False) -> Path:
    """(Re)build `target/manifest.json` if stale: parse into a private folder, then rename into place.

    Safe with any number of concurrent readers and preparers: each parses in its
    own folder, and `os.replace` swaps whole files.
    """
    manifest = project_dir / TARGET_PATH / "manifest.json"
    if not force and not manifest_is_stale(project_dir):
        return manifest
    target = project_dir / TARGET_PATH
    target.mkdir(parents=True, exist_ok=True)
    private = Path(tempfile.mkdtemp(prefix=".parse-", dir=target))
    try:
        env = {**os.environ, "RETAIL_DUCKDB_PATH": str(settings.duckdb_path())}
        subprocess.run(
            [dbt or dbt_executable(), "parse", "--quiet", "--profiles-dir", str(project_dir),
             "--project-dir", str(project_dir), "--target-path", str(private)],
            check=True, capture_output=True, text=True, env=env, timeout=600,
        )
        for name in (PARTIAL_PARSE, "manifest.json"):  # the manifest last: it is what readers look for
            if (private / name).exists():
                os.replace(private / name, target / name)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    return manifest


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's), so a PATH without .venv/bin still works."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


PARSE_CACHE = TARGET_PATH / "partial_parse"


def _cached_parse(project_dir: Path, environment: dict[str, str]) -> Path:
    """Where runs against one warehouse keep their partial-parse state.

    dbt re-parses everything when the profile's environment changes (another DuckDB
    file), so the state is kept per environment, named by its hash, never its values.
    """
    digest = hashlib.sha256(json.dumps(environment, sort_keys=True).encode()).hexdigest()[:16]
    return project_dir / PARSE_CACHE / f"{digest}.msgpack"


def new_run_target(run_id: str, project_dir: Path = DBT_PROJECT_DIR, environment: dict[str, str] | None = None) -> Path:
    """A fresh target folder for one dbt invocation, relative to the project (as dbt expects).

    Seeded with the partial-parse state of the last run against the same warehouse (or of
    the last parse): dbt re-parses only what changed, and checks the state itself.
    """
    relative = RUNS_DIR / f"{run_id}-{uuid.uuid4().hex[:8]}"
    folder = project_dir / relative
    folder.mkdir(parents=True)
    cached = _cached_parse(project_dir, environment or {})
    seed = cached if cached.exists() else project_dir / TARGET_PATH / PARTIAL_PARSE
    if seed.exists():
        shutil.copyfile(seed, folder / PARTIAL_PARSE)
    return relative


def keep_parse_state(relative: Path, project_dir: Path = DBT_PROJECT_DIR,
                     environment: dict[str, str] | None = None) -> None:
    """After a build: its partial-parse state becomes the seed of the next run (atomic rename)."""
    state = project_dir / relative / PARTIAL_PARSE
    if not state.exists():
        return
    cached = _cached_parse(project_dir, environment or {})
    cached.parent.mkdir(parents=True, exist_ok=True)
    staged = cached.with_name(f".{cached.name}.{uuid.uuid4().hex[:8]}")
    shutil.copyfile(state, staged)
    os.replace(staged, cached)


def remove_run_target(relative: Path, project_dir: Path = DBT_PROJECT_DIR) -> None:
    shutil.rmtree(project_dir / relative, ignore_errors=True)
