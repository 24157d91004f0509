"""Tiny hand-made bronze rows run through silver_window, many test cases per call.

Building and compiling a silver_window expression takes about a second, running it a few
hundred milliseconds, whatever the row count. So a test module declares its cases up front
(`CASES.add(frame)` at import time) and `CASES.result(case)` runs silver_window once for all
cases that can share a window: the first test that asks computes its group, the others reuse it.

Cases of a group cannot see each other: each case's file names, file hashes and business
keys carry a token of its own (`#<n>#`), so no two cases share a file (repeats, line
numbering, superseded uploads, accounting) or a business key (latest wins, re-deliveries).
The token is removed again from every string of the case's result, so tests see the values
they wrote. What still crosses cases is only what is computed over a whole profile's rows:
today the "all breaking sold_at are midnights" message format (_said), so a case that
depends on it is added with `alone=True`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

import duckdb
import ibis
import pandas as pd
import pyarrow as pa

from retail_assets.entities import BRONZE_META, ENTITIES
from retail_assets.landing.profiles import load_profiles, profile_by_name
from retail_assets.silver.columns import silver_columns
from retail_assets.silver.transform import silver_window
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets.warehouse.table_schemas import bronze_schema, silver_schema, to_arrow

WAREHOUSE = DuckDBWarehouse(path=":memory:")  # only its conn-taking methods are used
EVER = (date(2000, 1, 1), date(2100, 1, 1))

# Profiles the shipped ones do not cover, for typing behaviour: a decimal comma, an
# ambiguous day/month order, other date formats.
TEST_PROFILES = load_profiles() + (
    dataclasses.replace(profile_by_name("synthetic_pos_sales"), name="test_pos_decimal_comma", decimal=","),
    dataclasses.replace(profile_by_name("synthetic_pos_sales"), name="test_pos_day_first_then_month_first",
                        timestamp_formats=("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M")),
    dataclasses.replace(profile_by_name("synthetic_customers"), name="test_customers_dmy_dates",
                        date_formats=("%Y-%m-%d", "%d/%m/%Y")),
)

# --- bronze frames ---------------------------------------------------------------------------

# A valid synthetic POS line; tests override single fields.
POS_LINE = dict(
    transaction_id="T1",
    line_number="1",
    sold_at="2026-11-01 10:00:00",
    store_id="S01",
    customer_id="C001",
    employee_id="E01",
    product_id="P001",
    quantity="2",
    unit_price="3.50",
    discount="0",
    payment_method="card",
    channel="store",
)

# A valid UCI Online Retail line, as read from `2010-12-01.csv` (no line number; constants fill the rest).
ONLINE_LINE = dict(
    transaction_id="536365",
    product_id="85123A",
    product_name="WHITE HANGING HEART T-LIGHT HOLDER",
    quantity="6",
    sold_at="2010-12-01 08:26:00",
    unit_price="2.55",
    customer_id="17850.0",
    country="United Kingdom",
)


def bronze(
    entity: str,
    profile: str,
    rows: list[dict],
    *,
    file: str = "file.csv",
    sha: str | None = None,
    partition: str = "2026-11-01",
    ingested_at: str = "2026-11-02 01:00:00",
) -> pd.DataFrame:
    """Bronze rows of one file: canonical columns as strings (absent -> None) plus the lineage columns."""
    columns = ENTITIES[entity].column_names
    unknown = {k for r in rows for k in r} - set(columns)
    assert not unknown, f"test bug: {unknown} are not columns of {entity}"
    records = []
    for number, row in enumerate(rows, start=1):
        record = {c: row.get(c) for c in columns}
        record.update(
            _source_file=file,
            _file_sha256=sha or f"sha-{file}",
            _profile=profile,
            _row_number=number,
            _partition_date=date.fromisoformat(partition),
            _ingested_at=pd.Timestamp(ingested_at),
        )
        records.append(record)
    return pd.DataFrame(records, columns=columns + BRONZE_META)


def pos(rows: list[dict], profile: str = "synthetic_pos_sales", **kwargs) -> pd.DataFrame:
    return bronze("sales_lines", profile, [{**POS_LINE, **r} for r in rows], **kwargs)


def online(rows: list[dict], **kwargs) -> pd.DataFrame:
    kwargs.setdefault("file", "2010-12-01.csv")
    kwargs.setdefault("partition", "2010-12-01")
    return bronze("sales_lines", "online_retail", [{**ONLINE_LINE, **r} for r in rows], **kwargs)


def batch(*frames: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True)


# --- results ---------------------------------------------------------------------------------


@dataclass
class Result:
    """One case's share of a silver_window run, as plain rows."""

    clean: list[dict]  # in delivery order (partition, file, row)
    rejected: list[dict]  # by row number
    accounting: list[dict]  # by file

    def column(self, name: str) -> list:
        return [r[name] for r in self.clean]


def assert_accounting_identity(result: Result) -> None:
    """Every bronze row ends in exactly one of loaded, rejected, duplicate, per file."""
    assert result.accounting
    for r in result.accounting:
        assert r["rows_read"] == r["rows_loaded"] + r["rows_rejected"] + r["rows_duplicate"], r
        assert min(r["rows_loaded"], r["rows_rejected"], r["rows_duplicate"]) >= 0, r
    assert sum(r["rows_loaded"] for r in result.accounting) == len(result.clean)
    assert sum(r["rows_rejected"] for r in result.accounting) == len(result.rejected)


def accounting_of(result: Result, file: str) -> dict:
    rows = [r for r in result.accounting if r["source_file"] == file]
    assert len(rows) == 1, result.accounting
    return {k: rows[0][k] for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_duplicate")}


def errors_by_row(result: Result) -> dict[int, str]:
    return {r["row_number"]: r["dq_errors"] for r in result.rejected}


def assert_rejected_once(result: Result, *fragments: str) -> str:
    """Exactly one row rejected, its dq_errors containing every fragment; nothing loaded."""
    assert len(result.clean) == 0, result.clean
    assert len(result.rejected) == 1, result.rejected
    text = result.rejected[0]["dq_errors"]
    for fragment in fragments:
        assert fragment in text, text
    return text


# --- many cases, one silver_window per group ----------------------------------------------------

# The column whose values carry the case token: part of the business key, used by no rule
# (the cancellation prefix is checked at the start of transaction_id, the token goes at the end).
TAGGED_KEY = {"sales_lines": "transaction_id", "customers": "customer_id", "products": "product_id",
              "stores": "store_id", "employees": "employee_id", "shifts": "shift_id", "inventory": "store_id"}


@dataclass(frozen=True)
class Case:
    number: int
    group: tuple

    @property
    def token(self) -> str:
        return f"#{self.number}#"


@dataclass
class _Group:
    entity: str
    start: date
    end: date
    silver: str | None  # None: no silver table; "frame": made from the frames; "declared": silver_schema
    frames: list[pd.DataFrame] = field(default_factory=list)
    silver_frames: list[pd.DataFrame] = field(default_factory=list)
    results: dict[int, Result] | None = None


def _tagged_text(value, token: str):
    """`value` with the token before any trailing whitespace; blanks stay blank (still missing)."""
    if not isinstance(value, str) or not value.strip():
        return value
    body = value.rstrip()
    return body + token + value[len(body):]


def _untagged(row: dict, token: str) -> dict:
    return {k: v.replace(token, "") if isinstance(v, str) else v for k, v in row.items()}


class SilverCases:
    """Cases declared at import time, run through silver_window in groups on first use."""

    def __init__(self):
        self._groups: dict[tuple, _Group] = {}
        self._count = 0

    def add(self, frame: pd.DataFrame, entity: str = "sales_lines", *, window: tuple[date, date] = EVER,
            silver: pd.DataFrame | None = None, silver_declared: bool = False, alone: bool = False) -> Case:
        """One case: its bronze rows (one or more files) and, optionally, silver rows already held.

        `silver` rows (business keys + partition_date) form silver.<entity>; with `silver_declared`
        the table has the declared silver schema, else the types DuckDB infers from the frame.
        An empty `silver` frame makes an existing but empty table. `alone`: a group of its own.
        """
        self._count += 1
        kind = None if silver is None else ("declared" if silver_declared else "frame")
        key = (entity, window, kind, self._count if (alone or (silver is not None and silver.empty)) else None)
        case = Case(self._count, key)
        group = self._groups.setdefault(key, _Group(entity, window[0], window[1], kind))
        assert group.results is None, "test bug: cases are added at import time, before any result"
        group.frames.append(self._tag(frame, entity, case.token, bronze=True))
        if silver is not None:
            group.silver_frames.append(self._tag(silver, entity, case.token, bronze=False))
        return case

    def result(self, case: Case) -> Result:
        group = self._groups[case.group]
        if group.results is None:
            group.results = _run(group)
        return group.results.get(case.number) or Result([], [], [])

    @staticmethod
    def _tag(frame: pd.DataFrame, entity: str, token: str, bronze: bool) -> pd.DataFrame:
        frame = frame.copy()
        key = TAGGED_KEY[entity]
        frame[key] = frame[key].map(lambda v: _tagged_text(v, token)).astype(object)
        if bronze:
            frame["_source_file"] = token + frame["_source_file"]
            frame["_file_sha256"] = token + frame["_file_sha256"]
        return frame


def silver_tables(frames: list[pd.DataFrame], entity: str, window: tuple[date, date] = EVER,
                  silver: pd.DataFrame | None = None, silver_declared: bool = False) -> dict[str, pa.Table]:
    """silver_window over bronze.<entity> made of `frames` (and silver.<entity> of `silver`) in a
    fresh in-memory DuckDB: its clean, rejected and accounting outputs as Arrow tables."""
    conn = duckdb.connect()
    WAREHOUSE.ensure_tables(conn, entity)
    for frame in frames:
        WAREHOUSE.append_bronze(conn, entity, to_arrow(frame, bronze_schema(ENTITIES[entity])))
    if silver is not None:
        conn.register("silver_rows", silver)
        if silver_declared:
            empty = silver_schema(ENTITIES[entity]).empty_table()  # noqa: F841 (scanned by DuckDB)
            conn.execute(f"CREATE TABLE silver.{entity} AS SELECT * FROM empty")
            conn.execute(f"INSERT INTO silver.{entity} BY NAME SELECT * FROM silver_rows")
        else:
            conn.execute(f"CREATE TABLE silver.{entity} AS SELECT * FROM silver_rows")
    # Made after the bronze writes: Ibis turns off DuckDB's replacement scans, which they rely on.
    out = silver_window(ibis.duckdb.from_connection(conn), entity, window[0], window[1], TEST_PROFILES)
    tables = {name: getattr(out, name).to_pyarrow() for name in ("clean", "rejected", "accounting")}
    assert tables["clean"].column_names == silver_columns(ENTITIES[entity])
    return tables


def _run(group: _Group) -> dict[int, Result]:
    """silver_window over all cases of a group at once, split back per case."""
    silver = None if group.silver is None else pd.concat(group.silver_frames, ignore_index=True)
    tables = silver_tables(group.frames, group.entity, (group.start, group.end), silver, group.silver == "declared")
    results: dict[int, Result] = {}
    for name, table in tables.items():
        for row in table.to_pylist():
            number = int(row["source_file"].split("#")[1])
            result = results.setdefault(number, Result([], [], []))
            getattr(result, name).append(_untagged(row, f"#{number}#"))
    for result in results.values():
        result.clean.sort(key=lambda r: (r["partition_date"], r["source_file"], r["source_row_number"]))
        result.rejected.sort(key=lambda r: (r["row_number"], r["partition_date"], r["source_file"]))
        result.accounting.sort(key=lambda r: (r["source_file"], r["file_sha256"]))
        assert_accounting_identity(result)
    return results
