"""Helpers of test_kill_safety.py: run `python -m retail_assets.ingest` as a real process, hold it at a
named pause point (retail_assets/pause_points.py), SIGKILL it there, and read a warehouse whole.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from retail_assets.pause_points import MARKER_ENV, PAUSE_ENV

# Generous: the point is reached in seconds, but the machine may be busy with other jobs. Nothing
# waits for this long unless the run never gets there, and then the test fails saying so.
REACH_TIMEOUT_S = 600
POLL_S = 0.05


def ingest_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {PAUSE_ENV, MARKER_ENV, "DAGSTER_HOME"}}
    # No DAGSTER_HOME: an ephemeral instance, as `make ingest` without one; the test leaves nothing behind.
    return {**env, "RETAIL_DATA_DIR": str(root), **extra}


def ingest(root: Path, log: Path) -> subprocess.CompletedProcess:
    """`make ingest` run to its end."""
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.run([sys.executable, "-m", "retail_assets.ingest"], stdout=out, stderr=subprocess.STDOUT,
                              env=ingest_env(root), timeout=REACH_TIMEOUT_S, check=False)


@dataclass
class Kill:
    point: str
    pid: int
    killed_children: list[int]  # e.g. dbt's processes, killed with the run (a crash of the machine takes both)
    seconds: float
    orphans: list[int]  # child processes left running (children_too=False)

    def orphans_alive(self, command: str = "dbt") -> list[int]:
        """The orphans whose command line has `command` that still run (not Python's resource trackers)."""
        return [pid for pid in self.orphans if _alive(pid) and command in _cmdline(pid)]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def ingest_killed_at(root: Path, point: str, log: Path, children_too: bool = True) -> Kill:
    """Start `make ingest`, wait until it holds at `point`, then SIGKILL it, and its child processes if
    `children_too` (else they live on as orphans, as after the OOM killer picked the run process)."""
    marker = root.parent / f"paused-{os.getpid()}-{time.monotonic_ns()}"
    began = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "retail_assets.ingest"], stdout=out, stderr=subprocess.STDOUT,
                                env=ingest_env(root, **{PAUSE_ENV: point, MARKER_ENV: str(marker)}))
    try:
        deadline = time.monotonic() + REACH_TIMEOUT_S
        while not marker.exists():
            if proc.poll() is not None:
                raise AssertionError(f"ingest ended (exit {proc.returncode}) without reaching {point}:\n"
                                     + log.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                raise AssertionError(f"ingest did not reach {point} in {REACH_TIMEOUT_S} s")
            time.sleep(POLL_S)
        paused_pid = int(marker.read_text().split()[0])
        assert paused_pid == proc.pid, "the run process itself holds at the point"
        children = descendants(proc.pid)  # read before the kill: orphans are re-parented
        os.kill(proc.pid, signal.SIGKILL)
        for child in children if children_too else []:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert proc.wait(timeout=60) == -signal.SIGKILL
        for child in children if children_too else []:
            _wait_gone(child)
        return Kill(point, proc.pid, children if children_too else [], round(time.perf_counter() - began, 1),
                    orphans=[] if children_too else children)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        marker.unlink(missing_ok=True)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie is dead, only not reaped yet: it holds nothing


def _wait_gone(pid: int) -> None:
    """A killed grandchild is reaped by init; wait until it no longer holds the warehouse."""
    deadline = time.monotonic() + 60
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(POLL_S)


def read_tables(db: Path, ignore: Callable[[str, str], set[str]]) -> dict[tuple[str, str], list[tuple]]:
    """Every table and view of the warehouse as its sorted rows, without the columns `ignore(schema, table)`."""
    out = {}
    if not db.exists():
        return out
    with duckdb.connect(str(db), read_only=True) as conn:
        tables = conn.execute("SELECT table_schema, table_name FROM information_schema.tables "
                              "WHERE table_catalog = current_database() ORDER BY 1, 2").fetchall()
        for schema, table in tables:
            columns = [c for (c,) in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                "ORDER BY ordinal_position", [schema, table]).fetchall()
                if c not in ignore(schema, table)]
            picked = ", ".join(f'"{c}"' for c in columns)
            out[(schema, table)] = conn.execute(f'SELECT {picked} FROM "{schema}"."{table}" ORDER BY ALL').fetchall()
    return out


def files_under(folder: Path) -> list[str]:
    """Paths of the files under `folder`, relative to it, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
