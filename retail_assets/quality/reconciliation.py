"""Reconciliation between layers: the numbers behind the bronze -> silver and silver -> gold checks.

Two identities, both over a partition window [start, end) of delivery dates
(`_partition_date` in bronze, `partition_date` in silver and gold):

* Bronze balance, per entity. Every bronze row a silver run reads ends in
  exactly one place, so
  ``bronze rows = silver rows + rejected rows + duplicate rows``, where
  duplicate rows are `audit.file_loads.rows_duplicate` of the window's files
  silver has judged (status `loaded` or `superseded`). That covers repeats
  inside a file, older versions of a business key (latest delivery wins),
  re-deliveries of keys other partitions hold, and every row of a superseded
  file (an older upload of a re-uploaded file name: still in bronze, which
  keeps full history). `duplicate_file` uploads (content already loaded) are
  left out on both sides: their rows were never appended to bronze.
* Revenue, sales only. For the lines delivered in the window, revenue per
  sale day in gold.fct_sales equals silver.sales_lines' within a tolerance
  (silver rounds line revenue to 4 decimals, dbt recomputes it unrounded).
  Late lines keep their true sale day, so a window can cover earlier days.

The queries read; the comparisons are pure and unit-tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from retail_assets.entities import ENTITIES
from retail_assets.warehouse.duckdb_warehouse import table_name

REVENUE_TOLERANCE = 0.01  # per sale day, in currency units
SQL_DIR = Path(__file__).parent / "sql"


@dataclass(frozen=True)
class BronzeBalance:
    """bronze = silver + rejected + duplicate for one entity and window."""

    entity: str
    bronze_rows: int
    silver_rows: int
    rejected_rows: int
    duplicate_rows: int

    @property
    def difference(self) -> int:
        return self.bronze_rows - (self.silver_rows + self.rejected_rows + self.duplicate_rows)

    @property
    def passed(self) -> bool:
        return self.difference == 0

    def metadata(self) -> dict[str, int]:
        return {"bronze_rows": self.bronze_rows, "silver_rows": self.silver_rows,
                "rejected_rows": self.rejected_rows, "duplicate_rows": self.duplicate_rows,
                "difference": self.difference}


def bronze_balance(conn, entity: str, start: date, end: date, silver_rows: int) -> BronzeBalance:
    """Bronze, rejected and duplicate counts of the window as stored; `silver_rows` from the caller.

    The silver step passes the size of the frame it hands to the IO manager, which
    replaces the window with exactly that frame after the step body returns.
    """
    table = table_name("bronze", ENTITIES[entity].name)  # a registry name, never input; quoted all the same
    window = [start, end]
    bronze = conn.execute(
        f"SELECT count(*) FROM {table} WHERE _partition_date >= ? AND _partition_date < ?", window
    ).fetchone()[0]
    rejected = conn.execute(
        "SELECT count(*) FROM silver.rejected_rows WHERE entity = ? AND partition_date >= ? AND partition_date < ?",
        [entity, *window],
    ).fetchone()[0]
    duplicate = conn.execute(
        "SELECT coalesce(sum(rows_duplicate), 0) FROM audit.file_loads "
        "WHERE entity = ? AND \"partition\" >= ? AND \"partition\" < ? AND status IN ('loaded', 'superseded')",
        [entity, *window],
    ).fetchone()[0]
    return BronzeBalance(entity, int(bronze), int(silver_rows), int(rejected), int(duplicate))


@dataclass(frozen=True)
class RevenueReconciliation:
    """Silver vs gold revenue per sale day of the lines delivered in one window."""

    by_day: pd.DataFrame  # sale_date, silver_lines, gold_lines, silver_revenue, gold_revenue, difference
    tolerance: float

    @property
    def failing_days(self) -> pd.DataFrame:
        return self.by_day[self.by_day["difference"].abs() > self.tolerance]

    @property
    def passed(self) -> bool:
        return self.failing_days.empty

    def worst_days(self, n: int = 5) -> pd.DataFrame:
        order = self.by_day["difference"].abs().sort_values(ascending=False, kind="stable").index
        return self.by_day.loc[order].head(n)

    def metadata(self) -> dict[str, object]:
        return {
            "days_compared": len(self.by_day),
            "days_failing": len(self.failing_days),
            "silver_revenue": round(float(self.by_day["silver_revenue"].sum()), 2),
            "gold_revenue": round(float(self.by_day["gold_revenue"].sum()), 2),
            "max_abs_difference": round(float(self.by_day["difference"].abs().max()), 4) if len(self.by_day) else 0.0,
            "tolerance": self.tolerance,
        }


def compare_revenue(by_day: pd.DataFrame, tolerance: float = REVENUE_TOLERANCE) -> RevenueReconciliation:
    """Per sale day: gold - silver revenue. A day present on one side only counts as 0 on the other."""
    frame = by_day.copy()
    frame["sale_date"] = pd.to_datetime(frame["sale_date"]).dt.date  # DuckDB hands DATE back as datetime64
    for col in ["silver_lines", "gold_lines"]:
        frame[col] = frame[col].fillna(0).astype("int64")
    for col in ["silver_revenue", "gold_revenue"]:
        frame[col] = frame[col].fillna(0.0).astype("float64")
    frame["difference"] = (frame["gold_revenue"] - frame["silver_revenue"]).round(6)
    return RevenueReconciliation(frame.sort_values("sale_date").reset_index(drop=True), tolerance)


def revenue_by_sale_day(conn, start: date, end: date) -> pd.DataFrame:
    """Lines and revenue per sale day in silver and in gold, for lines delivered in [start, end)."""
    return conn.execute((SQL_DIR / "revenue_by_sale_day.sql").read_text(), {"start": start, "end": end}).fetchdf()


def fct_sales_revenue_reconciliation(conn, start: date, end: date,
                                     tolerance: float = REVENUE_TOLERANCE) -> RevenueReconciliation:
    return compare_revenue(revenue_by_sale_day(conn, start, end), tolerance)
