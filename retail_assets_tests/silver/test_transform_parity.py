"""Parity: the Ibis silver transform (retail_assets.silver.transform) gives exactly what clean_batch gives.

Bronze is built from real files by the existing bronze code (bronze_rows + DuckDBWarehouse.append_bronze)
in an in-memory DuckDB; clean_batch gets what the silver asset gives it (read_bronze, silver_keys_outside),
silver_window reads the same tables in the warehouse. Compared: clean rows (values and types), rejected
rows (dq_errors and raw_record byte for byte), per-file accounting.
"""

from __future__ import annotations

import hashlib
import math
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import ibis
import pandas as pd
import pyarrow as pa
import pytest

from retail_assets.bronze.loads import bronze_rows
from retail_assets.entities import ENTITIES
from retail_assets.ingestion.cleaning import ACCOUNTING_COLUMNS, REJECTED_COLUMNS, clean_batch
from retail_assets.landing.profiles import match_file
from retail_assets.silver.transform import silver_window
from retail_assets.synthetic.generate import generate
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets.warehouse.table_schemas import REJECTED_ROWS_SCHEMA, silver_schema, to_arrow

ONLINE_RETAIL = Path(__file__).resolve().parents[3] / "shared" / "data" / "online-retail"
WAREHOUSE = DuckDBWarehouse(path=":memory:")  # only its conn-taking methods are used
FAR_PAST, FAR_FUTURE = date(1900, 1, 1), date(2200, 1, 1)


# --- building bronze the way the pipeline does -------------------------------------------


class Bronze:
    """An in-memory DuckDB warehouse fed by the bronze code, seen by both implementations."""

    def __init__(self):
        self.conn = duckdb.connect()
        self._ibis = None
        self.clock = datetime(2026, 12, 1, 1, 0, 0)

    def load(self, name: str, content: bytes) -> str:
        """Bronze rows of one landing file, ingested one second after the previous one."""
        match = match_file(name)
        sha = hashlib.sha256(content).hexdigest()
        self.clock += timedelta(seconds=1)
        rows = bronze_rows(content, match.profile, name, sha, match.partition_key, self.clock)
        WAREHOUSE.ensure_tables(self.conn, match.profile.entity)
        WAREHOUSE.append_bronze(self.conn, match.profile.entity, rows, sha)
        return match.profile.entity

    def old(self, entity: str, start: date, end: date):
        """clean_batch on exactly what the silver asset hands it."""
        bronze = WAREHOUSE.read_bronze(self.conn, entity, start, end)
        keys = WAREHOUSE.silver_keys_outside(self.conn, entity, start, end)
        return clean_batch(bronze, entity, keys_elsewhere=keys)

    @property
    def con(self) -> ibis.BaseBackend:
        """The Ibis view of the same connection. Made on first use: Ibis turns off DuckDB's
        replacement scans, which the warehouse's bronze writes rely on."""
        if self._ibis is None:
            self._ibis = ibis.duckdb.from_connection(self.conn)
        return self._ibis

    def new(self, entity: str, start: date, end: date):
        return silver_window(self.con, entity, start, end)

    def store_silver(self, entity: str, start: date, end: date, clean: pd.DataFrame) -> None:
        """Write a window's clean rows into silver.<entity> as the IO manager would (delete window, insert)."""
        schema = silver_schema(ENTITIES[entity])
        self.conn.register("silver_batch", to_arrow(clean, schema))
        self.conn.execute("CREATE SCHEMA IF NOT EXISTS silver")
        self.conn.execute(f"CREATE TABLE IF NOT EXISTS silver.{entity} AS SELECT * FROM silver_batch LIMIT 0")
        self.conn.execute(f"DELETE FROM silver.{entity} WHERE partition_date >= ? AND partition_date < ?", [start, end])
        self.conn.execute(f"INSERT INTO silver.{entity} BY NAME SELECT * FROM silver_batch")
        self.conn.unregister("silver_batch")


# --- comparing ---------------------------------------------------------------------------


def _same_value(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _assert_same_rows(new: list[dict], old: list[dict], key: list[str], what: str) -> None:
    assert len(new) == len(old), f"{what}: {len(new)} rows (ibis) vs {len(old)} (clean_batch)"
    sort = lambda rows: sorted(rows, key=lambda r: tuple((r[k] is None, r[k]) for k in key))  # noqa: E731
    for n, o in zip(sort(new), sort(old)):
        assert n.keys() == o.keys(), what
        diff = {c: (n[c], o[c]) for c in n if not _same_value(n[c], o[c])}
        assert not diff, f"{what}: row {[o[k] for k in key]} differs (ibis, clean_batch): {diff}"


def assert_parity(bronze: Bronze, entity: str, start: date, end: date) -> dict:
    """Both implementations on one window; returns counts so callers can check the data was interesting."""
    old = bronze.old(entity, start, end)
    new = bronze.new(entity, start, end)
    schema = silver_schema(ENTITIES[entity])

    clean = new.clean.to_pyarrow()
    assert clean.schema.names == schema.names
    assert clean.schema.types == schema.types, (clean.schema, schema)
    lineage = ["source_file", "source_row_number"]
    _assert_same_rows(clean.to_pylist(), to_arrow(old.clean, schema).to_pylist(),
                      list(ENTITIES[entity].business_key) + lineage, f"{entity} clean")

    rejected = new.rejected.to_pyarrow()
    assert rejected.schema.names == REJECTED_COLUMNS
    old_rejected = pa.Table.from_pandas(old.rejected, schema=REJECTED_ROWS_SCHEMA.remove(7), preserve_index=False)
    _assert_same_rows(rejected.to_pylist(), old_rejected.to_pylist(), ["file_sha256", "row_number"],
                      f"{entity} rejected")  # raw_record and dq_errors compared as exact strings

    accounting = new.accounting.to_pandas()
    assert list(accounting.columns) == ACCOUNTING_COLUMNS + ["superseded"]
    _assert_same_rows(accounting.to_dict("records"), old.accounting.to_dict("records"), ["file_sha256"],
                      f"{entity} accounting")
    return {
        "clean": len(old.clean), "rejected": len(old.rejected),
        "duplicate": int(old.accounting["rows_duplicate"].sum()),
        "superseded": int(old.accounting["superseded"].sum()),
        "old": old,
    }


# --- (a) the real Online Retail sample ------------------------------------------------------


@pytest.mark.skipif(not ONLINE_RETAIL.is_dir(), reason=f"{ONLINE_RETAIL} not present")
def test_online_retail_fourteen_days_in_one_window():
    bronze = Bronze()
    for path in sorted(ONLINE_RETAIL.glob("*.csv")):
        bronze.load(path.name, path.read_bytes())
    got = assert_parity(bronze, "sales_lines", date(2010, 12, 1), date(2010, 12, 17))
    # The sample's real dirt is there: cancellations, guests, non-product lines, rejects, repeats.
    clean = got["old"].clean
    assert got["clean"] > 20_000 and got["rejected"] > 0 and got["duplicate"] > 0
    assert clean["is_cancellation"].any() and clean["is_guest"].any()
    assert (clean["line_type"] == "non_product").any()
    assert len(got["old"].accounting) == 14


# --- (b) generated data with every defect kind -------------------------------------------------

DAYS = [date(2026, 11, 1) + timedelta(days=i) for i in range(3)]


def _reupload(landing: Path, bronze: Bronze, name: str, extra: bytes = b"", drop_last: int = 3) -> None:
    """A corrected re-export of an already loaded CSV under the same name: the first version is superseded."""
    lines = (landing / name).read_bytes().splitlines(keepends=True)
    content = b"".join(lines[: len(lines) - drop_last]) + extra
    content = content.replace(b",card,", b",mobile,", 5)  # changed content, not only fewer lines
    bronze.load(name, content)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Three generated days (defect rate 5%: late lines, guests, bad quantities, percent discounts,
    mixed date formats, currency prices, repeated lines), loaded day by day, plus:
    - a re-upload of day 1's POS file (same name, new content): its first version is superseded;
    - day 3's POS file re-uploaded with some of day 1's lines appended: re-deliveries of keys that
      the second window finds in silver already;
    - day 2's online file copied into a file of another name: the same keys delivered twice."""
    landing = tmp_path_factory.mktemp("synthetic_landing")
    generate(landing, DAYS[0], len(DAYS), seed=11, defect_rate=0.05, lines_per_day=500)
    bronze = Bronze()
    for day in DAYS:
        for path in sorted(landing.glob(f"*_{day.isoformat()}.*")):
            bronze.load(path.name, path.read_bytes())
    _reupload(landing, bronze, f"pos_sales_{DAYS[0]}.csv")
    day1_lines = (landing / f"pos_sales_{DAYS[0]}.csv").read_bytes().splitlines(keepends=True)[1:40]
    _reupload(landing, bronze, f"pos_sales_{DAYS[2]}.csv", extra=b"".join(day1_lines), drop_last=0)
    copy = landing / "copies"
    copy.mkdir()
    shutil.copy(landing / f"online_sales_{DAYS[1]}.ndjson", copy / f"online_sales_{DAYS[2]}.ndjson")
    bronze.load(f"online_sales_{DAYS[2]}.ndjson", (copy / f"online_sales_{DAYS[2]}.ndjson").read_bytes())
    return bronze


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_generated_entities_whole_range(synthetic, entity):
    got = assert_parity(synthetic, entity, DAYS[0], DAYS[-1] + timedelta(days=1))
    assert got["clean"] > 0
    if entity == "sales_lines":
        assert got["rejected"] > 0 and got["duplicate"] > 0 and got["superseded"] >= 2


def test_generated_sales_window_by_window_with_keys_already_in_silver(synthetic):
    """Days 1-2 go to silver first; the day-3 window then re-delivers day-1 keys (duplicates
    because silver holds them elsewhere), and re-running window 1 sees day-3's keys in silver."""
    first, second = (DAYS[0], DAYS[2]), (DAYS[2], DAYS[2] + timedelta(days=1))
    try:
        got = assert_parity(synthetic, "sales_lines", *first)
        synthetic.store_silver("sales_lines", *first, got["old"].clean)
        got = assert_parity(synthetic, "sales_lines", *second)
        assert got["duplicate"] > 39  # at least the 39 re-delivered day-1 lines
        synthetic.store_silver("sales_lines", *second, got["old"].clean)
        assert_parity(synthetic, "sales_lines", *first)
    finally:
        synthetic.conn.execute("DROP TABLE IF EXISTS silver.sales_lines")


@pytest.mark.parametrize("entity", ["customers", "products", "inventory", "shifts"])
def test_generated_entities_second_window_against_silver(synthetic, entity):
    first, second = (DAYS[0], DAYS[1]), (DAYS[1], DAYS[-1] + timedelta(days=1))
    try:
        got = assert_parity(synthetic, entity, *first)
        synthetic.store_silver(entity, *first, got["old"].clean)
        assert_parity(synthetic, entity, *second)
    finally:
        synthetic.conn.execute(f"DROP TABLE IF EXISTS silver.{entity}")


def test_empty_window_and_missing_silver_table(synthetic):
    got = assert_parity(synthetic, "sales_lines", date(2030, 1, 1), date(2030, 1, 2))
    assert got["clean"] == 0 and len(got["old"].accounting) == 0


# --- (c) hand-made edge values: parsers, message formatting and raw_record escaping -------------


EDGE_TIMESTAMPS = [
    "2026-11-01 10:00:00", "2026-11-1 9:5:7", "2026-11-01  10:00:00", "2026-11-01\t10:00:00",
    "2026-11-01\u00a010:00:00", "2026-11-01 10:00", "2026-11-01 10:00:00.5", "2026-11-01T10:00:00",
    "2026-11-01t10:00:00", "2026-11-01 10:00:60", "2026-10-31 23:59:61", "2026-11-01 10:00:62", "2026-11-01 24:00:00",
    "2026-02-29 10:00:00", "2024-02-29 10:00:00", "02026-11-01 10:00:00", "26-11-01 10:00:00", "01/11/2026 10:00",
    "1/11/2026 9:05", " 1/11/2026 10:00", "31/10/2026  10:00", "29/02/2026 10:00", "01/11/2026 10:00:00",
    "01/13/2026 10:00", "9999-12-31 00:00:00", "2262-04-11 23:47:17", "yesterday", "2026-11-02 00:00:00",
    "2026-11-03 00:00:00", "2026-10-20 00:00:00", "2026-10-20 10:00:00",
]
EDGE_NUMBERS = ["6", "6.0", "1e0", "+2", "-2", "0", "-0", "1.", ".5", "1.5", "two", "1_000", "0x10", "1e400", "inf",
                "-inf", "Infinity", "nan", "99999999999999999999", "9007199254740993", "1,000", " 3 "]
EDGE_PRICES = ["3.50", "£3.50", "$1,234.50", "EUR 3", "3,50", "-3.50", "0", "0.00", "-0.00", "1e-05", "-1e-05", "-1e20",
               "inf", "1e400", "£", "3.50p", "12.345678901234", "-1234567.0"]
EDGE_DISCOUNTS = ["0", "0.1", "10%", "10", "10 %", "10%%", "%", "1", "1.0", "100%", "150", "-5", "abc", "0.875",
                  "12.5%", "", None, "inf", "nan", "99%"]
EDGE_TEXTS = ["plain", "  padded\t", "\u3000wide\u3000", "quote \" and \\ backslash", "line\nbreak", "tab\there",
              "bell\x07 and \x1f", "ünïcödé €", "", None, "\x0b"]


def _pos_rows() -> list[dict]:
    base = dict(transaction_id="T1", line_number="1", sold_at="2026-11-01 10:00:00", store_id="S01",
                customer_id="C001", employee_id="E01", product_id="P001", quantity="2", unit_price="3.50",
                discount="0", payment_method="card", channel="store")
    rows = []
    for column, values in [("sold_at", EDGE_TIMESTAMPS), ("quantity", EDGE_NUMBERS), ("line_number", EDGE_NUMBERS),
                           ("unit_price", EDGE_PRICES), ("discount", EDGE_DISCOUNTS),
                           ("payment_method", EDGE_TEXTS), ("customer_id", EDGE_TEXTS), ("store_id", EDGE_TEXTS)]:
        rows += [{**base, column: v} for v in values]
    # Rejected (quantity 0) with odd text: raw_record must escape it exactly as json.dumps does.
    rows += [{**base, "quantity": "0", "product_name": v, "employee_id": v} for v in EDGE_TEXTS]
    for i, row in enumerate(rows):  # distinct keys unless the edge value is the key itself
        row["transaction_id"] = f"T{i}" if row["transaction_id"] == "T1" else row["transaction_id"]
    # Revenue ties at the 4th decimal (0.25 * 1 * 0.125 = 0.03125): numpy rounds them to even.
    rows += [{**base, "transaction_id": "TQ", "line_number": str(n), "unit_price": p, "discount": d, "quantity": q}
             for n, (p, d, q) in enumerate([("0.25", "0.875", "1"), ("2.55", "12.5%", "1"), ("0.01", "0.5", "3"), ("3.33", "0.15", "7"),
                                            ("0.25", "0.375", "1"), ("0.01", "0.875", "5")], start=1)]
    return rows


def _frame(entity: str, profile: str, rows: list[dict], file: str, partition: str) -> pd.DataFrame:
    columns = ENTITIES[entity].column_names
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns, dtype=object)
    frame["_source_file"], frame["_file_sha256"], frame["_profile"] = file, f"sha-{file}", profile
    frame["_row_number"] = range(1, len(frame) + 1)
    frame["_partition_date"] = date.fromisoformat(partition)
    frame["_ingested_at"] = datetime(2026, 11, 2, 1)
    return frame


def test_edge_values_parse_and_report_like_clean_batch():
    bronze = Bronze()
    WAREHOUSE.ensure_tables(bronze.conn, "sales_lines")
    pos = _frame("sales_lines", "synthetic_pos_sales", _pos_rows(), "pos_sales_2026-11-01.csv", "2026-11-01")
    WAREHOUSE.append_bronze(bronze.conn, "sales_lines", pos, "sha-pos_sales_2026-11-01.csv")
    online = _frame("sales_lines", "online_retail", [
        dict(transaction_id=t, product_id=p, quantity=q, sold_at=s, unit_price="2.55", customer_id=c, country="UK",
             product_name=n)
        for t, p, q, s, c, n in [
            ("536365", "85123A", "6", "2010-12-01 08:26:00", "17850.0", "A"),
            ("536365", "85123A", "6", "2010-12-01 08:26:00", "17850", "A"),  # same typed content: a repeat
            ("536365", "85123A", "6.0", "2010-12-01 08:26:00", "17850.00", "A"),  # a repeat too
            ("536365", "85123ab", "6", "2010-12-01 08:26:00", ".0", "B"),
            ("C536366", "POST", "-1", "2010-12-01 09:00:00", None, "C"),
            ("C536366", "22752", "1", "2010-12-01 09:00:00", None, "D"),
            ("536367", "٣٤٥٦٧", "1", "2010-12-01 09:00:00", None, "E"),
            ("536367", "M", "1", "2010-11-30 00:00:00", None, "F"),
            ("536368", "12345", "1", "2010-12-02 00:00:00", None, "G"),
        ]], "2010-12-01.csv", "2010-12-01")
    WAREHOUSE.append_bronze(bronze.conn, "sales_lines", online, "sha-2010-12-01.csv")
    got = assert_parity(bronze, "sales_lines", FAR_PAST, FAR_FUTURE)
    assert got["clean"] > 20 and got["rejected"] > 50 and got["duplicate"] >= 2


def test_edge_values_of_other_entities():
    bronze = Bronze()
    WAREHOUSE.ensure_tables(bronze.conn, "customers")
    emails = ["ann@example.com", "not-an-email", "ann@example", "ann smith@example.com", "a\u00a0b@example.com",
              "@example.com", "a@b.c", "", None, "ann@exa mple.com", "x@y.z\u3000"]
    dates = ["2025-01-31", "2025-1-1", "2025-01-31 00:00:00", "2025-01-31 13:00:00", "31/01/2025", "9999-12-31",
             "1677-09-22", "1677-09-21", "2262-04-11 23:59:59", "", None]
    rows = [{"customer_id": f"C{i}", "email": e, "updated_at": "2026-11-01 09:00:00"} for i, e in enumerate(emails)]
    rows += [{"customer_id": f"D{i}", "signup_date": d, "updated_at": "2026-11-01 09:00:00"} for i, d in enumerate(dates)]
    rows += [{"customer_id": "E1", "updated_at": "2026-11-01 09:00:00"}, {"customer_id": "E1", "updated_at": "2026-11-01 9:00:00"}]
    frame = _frame("customers", "synthetic_customers", rows, "customers_2026-11-01.xlsx", "2026-11-01")
    WAREHOUSE.append_bronze(bronze.conn, "customers", frame, "sha-customers_2026-11-01.xlsx")
    got = assert_parity(bronze, "customers", FAR_PAST, FAR_FUTURE)
    assert got["rejected"] >= 8 and got["duplicate"] == 1
