"""Write a synthetic retail chain's daily landing files, and the CLI to do it.

    python -m retail_assets.synthetic.generate --landing DIR --start 2026-10-01 --days 30

The dimension universe is built from (seed, universe start); every file of a
day D depends only on that universe, the seed and D. Pass --universe-start to
regenerate a later day alone exactly as it was written inside a longer range.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from itertools import chain
from pathlib import Path

from retail_assets.synthetic import seeding
from retail_assets.synthetic.customer_changes import CustomerLedger, customer_versions
from retail_assets.synthetic.defects import inject_defects
from retail_assets.synthetic.dimensions import Universe, UniverseSize, build_universe
from retail_assets.synthetic.operations import (
    INVENTORY_COLUMNS,
    SHIFT_COLUMNS,
    inventory_snapshot,
    plan_shifts,
    till_roster,
)
from retail_assets.synthetic.price_changes import PriceLedger, product_versions
from retail_assets.synthetic.render import online_json_lines, pos_table
from retail_assets.synthetic.sales import simulate_sales, split
from retail_assets.synthetic.writers import (
    write_csv,
    write_csv_parts,
    write_json_array,
    write_json_lines,
    write_ndjson,
    write_xlsx,
)

DEFAULT_LINES_PER_DAY = 2000
SALES_PART_LINES = 200_000
STORE_COLUMNS = ["store_id", "store_name", "country", "region", "city", "store_type", "opened_on"]
EMPLOYEE_COLUMNS = ["employee_id", "first_name", "last_name", "store_id", "role", "hired_on", "hourly_rate"]


def _money(value: float) -> str:
    """Two decimals with a '.' mark, as every amount in the files."""
    return f"{value:.2f}"


def write_master_data(universe: Universe, landing_dir: Path) -> list[Path]:
    """stores_D.csv and employees_D.csv, delivered once on the universe start day."""
    d = universe.start.isoformat()
    stores = universe.stores[STORE_COLUMNS].assign(opened_on=lambda f: f["opened_on"].map(date.isoformat))
    employees = universe.employees[EMPLOYEE_COLUMNS].assign(
        hired_on=lambda f: f["hired_on"].map(date.isoformat), hourly_rate=lambda f: f["hourly_rate"].map(_money)
    )
    return [
        write_csv(landing_dir / f"stores_{d}.csv", stores),
        write_csv(landing_dir / f"employees_{d}.csv", employees),
    ]


def write_day(
    universe: Universe,
    customers: CustomerLedger,
    prices: PriceLedger,
    day: date,
    landing_dir: Path,
    defect_rate: float,
    lines_per_day: int,
) -> list[Path]:
    """Every file of one business day (call in date order: ledgers replay from the start when going back)."""
    d = day.isoformat()
    written = write_master_data(universe, landing_dir) if day == universe.start else []

    versions = customer_versions(customers, day)
    if len(versions):  # only days with new or changed customers deliver the file
        written.append(write_xlsx(landing_dir / f"customers_{d}.xlsx", versions, "customers", day))
    catalogue = product_versions(prices, day)
    if len(catalogue):  # the start day, then only days with price changes
        written.append(write_json_array(landing_dir / f"products_{d}.json", catalogue))

    shifts = plan_shifts(universe, day)
    written.append(write_csv(landing_dir / f"shifts_{d}.csv", shifts[SHIFT_COLUMNS]))
    stock = inventory_snapshot(universe, day)[INVENTORY_COLUMNS]
    written.append(write_ndjson(landing_dir / f"inventory_{d}.ndjson", stock))

    roster, counts = till_roster(universe, shifts)
    list_price = prices.state["list_price"].to_numpy(dtype=float)  # in force on `day`
    lines = simulate_sales(universe, day, list_price, roster, counts, lines_per_day)
    lines = inject_defects(
        lines,
        seeding.day_rng(universe.seed, day, seeding.DEFECTS),
        defect_rate,
        universe.customers["signup_ord"].to_numpy(),
        day.toordinal(),
    )
    # Rendered in parts: a million lines of Python strings at once would cost gigabytes.
    parts = list(split(lines, SALES_PART_LINES))
    written.append(write_csv_parts(landing_dir / f"pos_sales_{d}.csv", (pos_table(p, universe, day) for p in parts)))
    online = chain.from_iterable(online_json_lines(p, universe, day) for p in parts)
    written.append(write_json_lines(landing_dir / f"online_sales_{d}.ndjson", online))
    return written


def generate(
    landing_dir: Path,
    start: date,
    days: int,
    seed: int = 42,
    defect_rate: float = 0.02,
    lines_per_day: int = DEFAULT_LINES_PER_DAY,
    universe_start: date | None = None,
    size: UniverseSize = UniverseSize(),
) -> list[Path]:
    """Write `days` days of landing files from `start`; returns the paths written, in order."""
    universe_start = universe_start or start
    if start < universe_start:
        raise ValueError(f"start {start} is before the universe start {universe_start}")
    if not 0 <= defect_rate <= 1:
        raise ValueError(f"defect_rate must be within 0..1, got {defect_rate}")
    landing_dir = Path(landing_dir)
    landing_dir.mkdir(parents=True, exist_ok=True)
    universe = build_universe(seed, universe_start, size)
    customers, prices = CustomerLedger(universe), PriceLedger(universe)
    written: list[Path] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        written += write_day(universe, customers, prices, day, landing_dir, defect_rate, lines_per_day)
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True, help="folder the files are written to")
    parser.add_argument("--start", type=date.fromisoformat, default=None,
                        help="first business day, YYYY-MM-DD (default: the --days days ending today)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--defect-rate", type=float, default=0.02, help="share of lines per defect kind; 0 = clean")
    parser.add_argument("--lines-per-day", type=int, default=DEFAULT_LINES_PER_DAY, help="mean sales lines per day")
    parser.add_argument(
        "--universe-start", type=date.fromisoformat, default=None,
        help="day the entities were first delivered (default --start); set it to regenerate later days alone",
    )
    args = parser.parse_args(argv)
    if args.start is None:
        args.start = date.today() - timedelta(days=args.days - 1)
    paths = generate(
        args.landing, args.start, args.days, args.seed, args.defect_rate, args.lines_per_day, args.universe_start
    )
    print(f"wrote {len(paths)} files for {args.start} .. {args.start + timedelta(days=args.days - 1)} to {args.landing}")


if __name__ == "__main__":
    main()
