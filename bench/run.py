"""`make bench`: medians of repeated runs, printed as a table. No assertions: numbers for the notes.

1. generator: one day of ~1M sales lines (all files of that day).
2. ingest: one day of POS sales (--lines) through bronze + silver with materialize(), in-process.
3. baseline: a plain DuckDB script loading the same CSV into a typed table (what the data plane
   is compared with), to give the ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_generator(tmp: Path, lines: int) -> float:
    from retail_assets.source.generate import generate

    target = tmp / "gen"

    def run():
        shutil.rmtree(target, ignore_errors=True)
        generate(target, start=date(2026, 11, 2), days=1, lines_per_day=lines, universe_start=date(2026, 11, 1))

    return timed(run, 3)


def bench_ingest(tmp: Path, lines: int) -> tuple[list[float], list[float], int]:
    from dagster import materialize

    from retail_assets.assets.bronze import bronze_assets
    from retail_assets.assets.silver import silver_assets
    from retail_assets.landing.file_store import LocalFileStore
    from retail_assets.resources import duckdb_resources
    from retail_assets.source.generate import generate

    source = tmp / "source"
    generate(source, start=date(2026, 11, 2), days=1, lines_per_day=lines, universe_start=date(2026, 11, 1))
    pos = next(source.glob("pos_sales_*.csv"))
    rows = sum(1 for _ in pos.open()) - 1
    sales = [a for a in bronze_assets + silver_assets if a.key.path[-1] == "sales_lines"]

    def pipeline():
        root = Path(tempfile.mkdtemp(dir=tmp))
        (root / "landing").mkdir()
        shutil.copy(pos, root / "landing" / pos.name)
        store = LocalFileStore(landing_dir=str(root / "landing"), archive_dir=str(root / "archive"),
                               rejected_dir=str(root / "rejected"))
        resources = duckdb_resources(store, str(root / "warehouse.duckdb"))
        assert materialize(sales, partition_key="2026-11-02", resources=resources).success

    def baseline():
        root = Path(tempfile.mkdtemp(dir=tmp))
        with duckdb.connect(str(root / "plain.duckdb")) as conn:
            conn.execute(
                "CREATE TABLE sales AS SELECT * FROM read_csv(?, header=true, all_varchar=true)", [str(pos)])
            conn.execute(
                "CREATE TABLE typed AS SELECT transaction_id, TRY_CAST(line_number AS BIGINT) line_number, "
                "coalesce(try_strptime(sold_at, '%Y-%m-%d %H:%M:%S'), try_strptime(sold_at, '%d/%m/%Y %H:%M')) sold_at, "
                "store_id, customer_id, TRY_CAST(quantity AS BIGINT) quantity, "
                "TRY_CAST(regexp_replace(unit_price, '[£$€]', '') AS DOUBLE) unit_price FROM sales "
                "QUALIFY row_number() OVER (PARTITION BY transaction_id, line_number) = 1")

    return timed(pipeline, 3), timed(baseline, 3), rows


def main() -> None:
    parser = argparse.ArgumentParser(description="retail-assets benchmarks")
    parser.add_argument("--generator-lines", type=int, default=1_000_000)
    parser.add_argument("--ingest-lines", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path("tmp").resolve() if Path("tmp").is_dir() else None) as d:
        tmp = Path(d)
        gen = bench_generator(tmp, args.generator_lines)
        pipe, base, rows = bench_ingest(tmp, args.ingest_lines)
    med = statistics.median
    print("\n| benchmark | median s | runs (s) |\n|---|---|---|")
    print(f"| generator, 1 day, ~{args.generator_lines:,} lines | {med(gen):.2f} | {', '.join(f'{x:.2f}' for x in gen)} |")
    print(f"| bronze+silver sales_lines, {rows:,} POS lines (materialize, in-process) | {med(pipe):.2f} | "
          f"{', '.join(f'{x:.2f}' for x in pipe)} |")
    print(f"| plain DuckDB script, same CSV (load + type + dedup) | {med(base):.2f} | {', '.join(f'{x:.2f}' for x in base)} |")
    print(f"\npipeline / plain DuckDB ratio: {med(pipe) / med(base):.1f}x  ({rows / med(pipe):,.0f} lines/s through the pipeline)")


if __name__ == "__main__":
    main()
