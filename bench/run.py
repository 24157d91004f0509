"""`make bench`: wall times of the pipeline, min/median/max of repeated runs, beside plain-DuckDB baselines.

    python bench/run.py [--repeats 3] [--smoke] [--only CASE ...] [--out DIR]

Writes DIR/results.md (a table) and DIR/results.json (default DIR: tmp/bench). No time is asserted anywhere.

Cases (bench/cases.py):
  year_drop          305 daily Online Retail exports (468,730 lines, built from the 95 real days) dropped at once,
                     `python -m retail_assets.ingest` as a subprocess; runs launched counted. Baseline: a plain
                     DuckDB script, CSV -> typed deduplicated lines -> daily revenue, on the same files.
  generate_year      the synthetic generator, 365 days x ~20k lines a day (~7.5M lines), in-process.
  backfill_365       those 365 synthetic days dropped at once and ingested (one run) to gold; runs counted.
                     Baseline: plain DuckDB over the same POS CSVs + online NDJSON -> daily revenue.
  generator_day      the generator, one day of ~1M lines.
  bronze_silver_day  bronze+silver sales_lines of one 200k-line POS file (materialize in-process), vs DuckDB.
--smoke: tiny sizes (5 real days, 3 synthetic days of ~2k lines) and 1 repeat, for CI.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from dataclasses import asdict
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # `bench` as a package when run as a script

from bench import report  # noqa: E402
from bench.cases import CASES, FULL, SMOKE, Result, Workspace  # noqa: E402


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--repeats", type=int, default=None, help="runs per case (default 3; 1 with --smoke)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and 1 repeat (CI)")
    parser.add_argument("--only", action="append", choices=list(CASES), metavar="CASE",
                        help=f"run only this case (repeatable): {', '.join(CASES)}")
    parser.add_argument("--out", type=Path, default=REPO / "tmp" / "bench", help="folder for results.md/.json")
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.smoke else 3
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sizes = SMOKE if args.smoke else FULL
    names = [n for n in CASES if not args.only or n in args.only]
    scratch_parent = REPO / "tmp"
    scratch_parent.mkdir(exist_ok=True)
    results, failed = [], []
    with tempfile.TemporaryDirectory(prefix="bench-", dir=scratch_parent) as scratch:
        ws = Workspace(Path(scratch), sizes, args.repeats)
        for name in names:
            print(f"== {name} ...", flush=True)
            try:
                result = CASES[name](ws)
            except Exception:  # record it, finish the others, exit non-zero
                failed.append(name)
                result = Result(name, "FAILED", {}, extra={"error": traceback.format_exc()[-4000:]})
                print(result.extra["error"], file=sys.stderr, flush=True)
            results.append(result)
            if result.times:
                print(f"   {result.times} s; baseline {result.baseline_times}", flush=True)
    sizes_used = {k: str(v) if isinstance(v, date) else v for k, v in asdict(sizes).items()}
    doc = report.document(results, {"repeats": args.repeats, "smoke": args.smoke, "sizes": sizes_used,
                                    "only": args.only})
    js, md = report.write(doc, args.out)
    print("\n" + md.read_text())
    print(f"written: {md} and {js}")
    if failed:
        print(f"FAILED cases: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
