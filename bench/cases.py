"""The benchmark cases. Each returns a Result: wall times of the pipeline, and of its plain-DuckDB baseline where
one is defined. Inputs are prepared outside the timed part; every timed pipeline run starts from an empty data root.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench import baseline
from bench.online_retail_year import build_year

REPO = Path(__file__).resolve().parents[1]
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}  # in-process runs: no event log on the console


@dataclass(frozen=True)
class Sizes:
    year_dates: int = 305  # trading days of the Online Retail year (real: 2010-12-01 .. 2011-12-09)
    synthetic_days: int = 365
    synthetic_lines: int = 20_000  # generator's mean lines a day: ~20.4k a day, ~7.45M clean lines over 2025
    synthetic_start: date = date(2025, 1, 1)
    generator_day_lines: int = 1_000_000
    bronze_silver_lines: tuple[int, ...] = (1_000_000, 10_000_000)  # the two sizes


FULL = Sizes()
SMOKE = Sizes(year_dates=5, synthetic_days=3, synthetic_lines=2_000, generator_day_lines=5_000,
              bronze_silver_lines=(2_000,))


@dataclass
class Result:
    name: str
    title: str
    params: dict
    times: list[float] = field(default_factory=list)
    baseline_title: str | None = None
    baseline_times: list[float] | None = None
    extra: dict = field(default_factory=dict)


class Workspace:
    """A scratch folder for one bench invocation, with the inputs shared between cases."""

    def __init__(self, root: Path, sizes: Sizes, repeats: int):
        self.root, self.sizes, self.repeats = root, sizes, repeats
        self._synthetic: dict[tuple, Path] = {}

    def fresh(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.root))

    def synthetic(self, days: int, lines: int, start: date) -> Path:
        """Generated landing files for (days, lines, start), generated once (untimed) and reused."""
        key = (days, lines, start)
        if key not in self._synthetic:
            from retail_assets.synthetic.generate import generate

            target = self.fresh("synthetic")
            generate(target, start=start, days=days, lines_per_day=lines)
            self._synthetic[key] = target
        return self._synthetic[key]

    def keep_synthetic(self, days: int, lines: int, start: date, folder: Path) -> None:
        self._synthetic.setdefault((days, lines, start), folder)


def _timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


# --- python -m retail_assets.ingest as a subprocess ---------------------------------------------------------------

# One line per run, as retail_assets.ingest prints it: "run <job> <what> <scope> assets=<n>: ok|FAILED". Matched
# whole: dbt's own console output also has lines starting with "run " (deprecation hints).
RUN_LINE = re.compile(r"^run \S+ .*assets=\d+: (ok|FAILED)$")


def ingest_env(data_dir: Path) -> dict:
    """The environment of `make ingest` on a fresh data root: no DAGSTER_HOME (an ephemeral instance) and no
    RETAIL_* overrides besides RETAIL_DATA_DIR, so every path and the partitions start are the defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETAIL_") and k != "DAGSTER_HOME"}
    env["RETAIL_DATA_DIR"] = str(data_dir)
    return env


def run_ingest(data_dir: Path) -> dict:
    """Time one `python -m retail_assets.ingest` over data_dir/landing; raise if it fails."""
    seconds, done = _timed(lambda: subprocess.run(
        [sys.executable, "-m", "retail_assets.ingest"], cwd=REPO, env=ingest_env(data_dir),
        capture_output=True, text=True))
    runs = [line for line in done.stdout.splitlines() if RUN_LINE.match(line)]
    if done.returncode != 0:
        raise RuntimeError(f"ingest exited {done.returncode}\n--- stdout\n{done.stdout[-3000:]}\n"
                           f"--- stderr\n{done.stderr[-3000:]}")
    return {"seconds": seconds, "runs": runs, "audit": audit_totals(data_dir / "warehouse.duckdb"),
            "balanced": "rows_read = loaded + rejected + duplicate for every file: True" in done.stdout}


def audit_totals(db: Path) -> dict | None:
    """What the run accounted for (audit.file_loads), to check the pipeline did the work being timed."""
    import duckdb

    if not db.exists():
        return None
    with duckdb.connect(str(db), read_only=True) as conn:
        row = conn.execute("SELECT count(*), sum(rows_read), sum(rows_loaded), sum(rows_rejected), "
                           "sum(rows_duplicate) FROM audit.file_loads").fetchone()
        statuses = dict(conn.execute("SELECT status, count(*) FROM audit.file_loads GROUP BY 1").fetchall())
        loaded = dict(conn.execute("SELECT profile, sum(rows_loaded)::BIGINT FROM audit.file_loads "
                                   "GROUP BY 1 ORDER BY 1").fetchall())
    keys = ("files", "rows_read", "rows_loaded", "rows_rejected", "rows_duplicate")
    return {**{k: int(v or 0) for k, v in zip(keys, row)}, "file_status": statuses, "rows_loaded_by_profile": loaded}


def _drop_and_ingest(ws: Workspace, name: str, source: Path) -> dict:
    data = ws.fresh(name)
    shutil.copytree(source, data / "landing")  # untimed: the drop is in place before the run starts
    try:
        return run_ingest(data)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _ingest_extra(outcomes: list[dict]) -> dict:
    return {"runs_launched": [len(o["runs"]) for o in outcomes], "run_lines": outcomes[-1]["runs"],
            "audit": outcomes[-1]["audit"], "accounting_balanced": all(o["balanced"] for o in outcomes)}


# --- the cases ----------------------------------------------------------------------------------------------------

def year_drop(ws: Workspace) -> Result:
    n = ws.sizes.year_dates
    source = ws.root / "online-retail-year"
    build_s, stats = _timed(lambda: build_year(source, n))
    files = sorted(source.glob("*.csv"))
    result = Result(
        "year_drop", f"Online Retail year: {stats.files} daily files, {stats.lines:,} lines dropped at once, "
        "python -m retail_assets.ingest (subprocess, ephemeral instance)",
        {"dates": n, "first": stats.first, "last": stats.last, "real_days_cycled": stats.real_days},
        baseline_title="plain DuckDB (in-process): CSVs -> typed, deduplicated lines -> daily revenue",
        baseline_times=[], extra={"files": stats.files, "lines": stats.lines, "build_seconds": round(build_s, 2)})
    outcomes = []
    for _ in range(ws.repeats):  # interleaved, so both see the same machine load
        outcomes.append(_drop_and_ingest(ws, "year_drop", source))
        result.times.append(outcomes[-1]["seconds"])
        db = ws.fresh("baseline") / "plain.duckdb"
        seconds, counts = _timed(lambda: baseline.online_retail_daily_revenue(files, db))
        result.baseline_times.append(seconds)
        shutil.rmtree(db.parent, ignore_errors=True)
    result.extra.update(_ingest_extra(outcomes), baseline_counts=counts)
    return result


def generate_year(ws: Workspace) -> Result:
    from retail_assets.synthetic.generate import generate

    s = ws.sizes
    result = Result("generate_year", f"generator: {s.synthetic_days} days x ~{s.synthetic_lines:,} lines/day "
                    "(all files), in-process generate()",
                    {"days": s.synthetic_days, "lines_per_day": s.synthetic_lines, "start": s.synthetic_start})
    target = None
    for _ in range(ws.repeats):
        if target is not None:
            shutil.rmtree(target, ignore_errors=True)
        target = ws.fresh("generate")
        seconds, paths = _timed(lambda: generate(target, start=s.synthetic_start, days=s.synthetic_days,
                                                 lines_per_day=s.synthetic_lines))
        result.times.append(seconds)
    result.extra.update(files=len(paths), sales_lines=_sales_lines(target),
                        megabytes=round(sum(p.stat().st_size for p in paths) / 2**20, 1))
    ws.keep_synthetic(s.synthetic_days, s.synthetic_lines, s.synthetic_start, target)
    return result


def _sales_lines(folder: Path) -> int:
    """Data lines of the POS CSVs and online NDJSON files (headers excluded)."""
    total = 0
    for f in folder.glob("*_sales_*"):
        with f.open("rb") as fh:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        total -= f.suffix == ".csv"
    return total


def backfill_365(ws: Workspace) -> Result:
    s = ws.sizes
    source = ws.synthetic(s.synthetic_days, s.synthetic_lines, s.synthetic_start)
    files = list(source.iterdir())
    result = Result(
        "backfill_365", f"synthetic backfill: {s.synthetic_days} days x ~{s.synthetic_lines:,} lines/day "
        f"({len(files)} files) dropped at once, landing -> gold, python -m retail_assets.ingest (subprocess)",
        {"days": s.synthetic_days, "lines_per_day": s.synthetic_lines, "start": s.synthetic_start},
        baseline_title="plain DuckDB (in-process): POS CSVs + online NDJSON -> typed, deduplicated lines "
        "-> daily revenue", baseline_times=[], extra={"files": len(files), "sales_lines": _sales_lines(source)})
    pos, online = sorted(source.glob("pos_sales_*.csv")), sorted(source.glob("online_sales_*.ndjson"))
    outcomes = []
    for _ in range(ws.repeats):
        outcomes.append(_drop_and_ingest(ws, "backfill", source))
        result.times.append(outcomes[-1]["seconds"])
        db = ws.fresh("baseline") / "plain.duckdb"
        seconds, counts = _timed(lambda: baseline.synthetic_daily_revenue(pos, online, db))
        result.baseline_times.append(seconds)
        shutil.rmtree(db.parent, ignore_errors=True)
    result.extra.update(_ingest_extra(outcomes), baseline_counts=counts)
    return result


def generator_day(ws: Workspace) -> Result:
    from retail_assets.synthetic.generate import generate

    lines = ws.sizes.generator_day_lines
    result = Result("generator_day", f"generator: 1 day of ~{lines:,} sales lines (all files of the day), in-process",
                    {"lines_per_day": lines, "day": date(2026, 11, 2)})
    for _ in range(ws.repeats):
        target = ws.fresh("genday")
        seconds, _ = _timed(lambda: generate(target, start=date(2026, 11, 2), days=1, lines_per_day=lines,
                                             universe_start=date(2026, 11, 1)))
        result.times.append(seconds)
        result.extra["sales_lines"] = _sales_lines(target)
        shutil.rmtree(target, ignore_errors=True)
    return result


def _in_child(what: str, root: Path, files: list[Path]) -> dict:
    """bench/bronze_silver.py in a process of its own: seconds of the data work and that process's peak RSS."""
    done = subprocess.run([sys.executable, "-m", "bench.bronze_silver", what, str(root), *map(str, files)],
                          cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{what} exited {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bronze_silver_day(ws: Workspace) -> Result:
    """Bronze+silver of every sales line of one generated day (POS CSV + online NDJSON), at each size of
    `bronze_silver_lines`, beside a plain DuckDB script doing the same typing, rules and dedup. Each
    measurement runs in its own process, so its peak RSS is its own."""
    from retail_assets.synthetic.generate import generate

    result = Result("bronze_silver_day", "bronze+silver sales_lines of one generated day (POS CSV + online "
                    "NDJSON), materialize in a process of its own; peak RSS of that process",
                    {"sizes": list(ws.sizes.bronze_silver_lines), "partition": "2026-11-02"},
                    baseline_title="plain DuckDB (own process): same files -> typed lines, every sales rule's "
                    "message, rejected rows apart, deduplicated", baseline_times=[])
    for lines in ws.sizes.bronze_silver_lines:
        source = ws.fresh(f"bsday-{lines}")
        generate(source, start=date(2026, 11, 2), days=1, lines_per_day=lines, universe_start=date(2026, 11, 1))
        files = sorted(source.glob("*_sales_*"))
        runs, base = [], []
        for _ in range(ws.repeats):  # interleaved, so both see the same machine load
            root = ws.fresh("bsrun")
            runs.append(_in_child("pipeline", root, files))
            shutil.rmtree(root, ignore_errors=True)
            root = ws.fresh("bsbase")
            base.append(_in_child("baseline", root, files))
            shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(source, ignore_errors=True)
        if len(ws.sizes.bronze_silver_lines) == 1 or lines == max(ws.sizes.bronze_silver_lines):
            result.times = [r["seconds"] for r in runs]
            result.baseline_times = [b["seconds"] for b in base]
        result.extra[f"lines_{lines}"] = {
            "sales_lines": runs[-1]["counts"]["rows_read"],
            "seconds": [round(r["seconds"], 2) for r in runs],
            "baseline_seconds": [round(b["seconds"], 2) for b in base],
            "ratio_of_medians": round(statistics.median(r["seconds"] for r in runs)
                                      / statistics.median(b["seconds"] for b in base), 2),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "baseline_peak_rss_mb": max(b["peak_rss_mb"] for b in base),
            "pipeline_counts": runs[-1]["counts"], "baseline_counts": base[-1]["counts"]}
    return result


# --- make dev: a day's files dropped while dagster dev runs ------------------------------------------------------

AUTOMATION_TICK_SECONDS = 35  # retail_automation ticks every 30 s: one tick after the run shows any second wave


def dev_delivery(ws: Workspace) -> Result:
    """A day's files (a day after the first, so five files) renamed into the landing zone while `dagster dev` runs
    with the sensor at 10 s: seconds from the drop to the end of the run that built gold.fct_sales, and every run
    the drop caused (counted one automation tick after that run). One dagster dev serves every repeat, one new day
    each; the first day is delivered untimed (master data, dbt's first parse) and reported apart."""
    from retail_assets.synthetic.generate import generate
    from retail_assets_tests.ui.dagster_dev import DagsterDev
    from retail_assets_tests.ui.graphql_ops import RUNS

    s, root = ws.sizes, ws.fresh("dev")
    days = ws.repeats + 1
    staged = root / "generated"
    generate(staged, start=date(2026, 11, 1), days=days, lines_per_day=s.synthetic_lines, seed=5)
    dev = DagsterDev(home=root / "home", data_dir=root / "data", log_path=root / "dagster_dev.log",
                     extra_env={"RETAIL_SENSOR_INTERVAL_SECONDS": "10"})
    result = Result("dev_delivery", f"make dev (dagster dev, sensor at 10 s): one day's files (~{s.synthetic_lines:,} "
                    "lines) dropped, seconds to the end of the run that built gold.fct_sales",
                    {"lines_per_day": s.synthetic_lines, "sensor_interval_s": 10})
    dev.start()
    try:
        def all_runs() -> list[dict]:
            return dev.graphql(RUNS, {"filter": {}})["runsOrError"]["results"]

        def deliver(day: date) -> dict:
            incoming = root / f"incoming-{day}"
            incoming.mkdir()
            for f in staged.glob(f"*_{day}.*"):
                shutil.move(str(f), incoming / f.name)
            landing = root / "data" / "landing"
            landing.parent.mkdir(exist_ok=True)
            if landing.exists() and any(landing.iterdir()):
                raise RuntimeError(f"landing zone not empty before the drop of {day}")
            before = {r["id"] for r in all_runs()}
            dropped = time.monotonic()
            os.replace(incoming, landing)  # a whole day appears at once, as a transfer tool finishing would
            while True:
                new = [r for r in all_runs() if r["id"] not in before]
                if new and all(r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in new):
                    break
                if time.monotonic() - dropped > 600:
                    raise TimeoutError(f"delivery of {day} not finished after 600 s: {new}\n{dev.log_tail()}")
                time.sleep(0.5)
            seconds = time.monotonic() - dropped
            time.sleep(AUTOMATION_TICK_SECONDS)  # a second wave, if any, is requested by the next automation tick
            while any(r["status"] not in ("SUCCESS", "FAILURE", "CANCELED") for r in all_runs()):
                time.sleep(0.5)
            new = [r for r in all_runs() if r["id"] not in before]
            if any(r["status"] != "SUCCESS" for r in new):
                raise RuntimeError(f"a run of the delivery of {day} failed: {new}\n{dev.log_tail()}")
            return {"seconds": seconds, "runs": len(new)}

        first = deliver(date(2026, 11, 1))
        outcomes = [deliver(date(2026, 11, 1 + i)) for i in range(1, days)]
    finally:
        dev.stop()
        shutil.rmtree(root, ignore_errors=True)
    result.times = [o["seconds"] for o in outcomes]
    result.extra.update(runs_launched=[o["runs"] for o in outcomes], first_day=first)
    return result


CASES = {
    "year_drop": year_drop,
    "generate_year": generate_year,
    "backfill_365": backfill_365,
    "generator_day": generator_day,
    "bronze_silver_day": bronze_silver_day,
    "dev_delivery": dev_delivery,
}
