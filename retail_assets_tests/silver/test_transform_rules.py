"""Every DQ rule, parser and dedup case of the pandas tests (unit/test_rules.py, unit/test_dedup_upsert.py),
run through the Ibis transform (silver_window) on tiny bronze tables in an in-memory DuckDB."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import ibis
import pandas as pd
import pytest

from retail_assets.entities import ENTITIES
from retail_assets.ingestion.cleaning import REJECTED_COLUMNS, silver_columns
from retail_assets.silver.transform import silver_window
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets_tests.unit.bronze_frames import bronze, online, pos

WAREHOUSE = DuckDBWarehouse(path=":memory:")


@dataclass
class Result:
    clean: list[dict]  # in delivery order (partition, file, row)
    rejected: list[dict]
    accounting: list[dict]

    def column(self, name: str) -> list:
        return [r[name] for r in self.clean]


def load(conn, frame: pd.DataFrame, entity: str) -> None:
    WAREHOUSE.ensure_tables(conn, entity)
    for sha, rows in frame.groupby("_file_sha256", sort=False):
        WAREHOUSE.append_bronze(conn, entity, rows, sha)


def run(frame: pd.DataFrame, entity: str = "sales_lines", silver: pd.DataFrame | None = None,
        start: date = date(2000, 1, 1), end: date = date(2100, 1, 1)) -> Result:
    """Bronze (and optionally silver) tables from frames, then silver_window over [start, end)."""
    conn = duckdb.connect()
    load(conn, frame, entity)
    if silver is not None:
        conn.execute("CREATE SCHEMA IF NOT EXISTS silver")
        conn.register("silver_rows", silver)
        conn.execute(f"CREATE TABLE silver.{entity} AS SELECT * FROM silver_rows")
    window = silver_window(ibis.duckdb.from_connection(conn), entity, start, end)
    clean = window.clean.order_by(["partition_date", "source_file", "source_row_number"]).to_pyarrow()
    assert clean.column_names == silver_columns(ENTITIES[entity])
    result = Result(clean.to_pylist(), window.rejected.order_by("row_number").to_pyarrow().to_pylist(),
                    window.accounting.to_pyarrow().to_pylist())
    assert_accounting_identity(result)
    return result


def assert_accounting_identity(result: Result) -> None:
    assert result.accounting
    for r in result.accounting:
        assert r["rows_read"] == r["rows_loaded"] + r["rows_rejected"] + r["rows_duplicate"], r
        assert min(r["rows_loaded"], r["rows_rejected"], r["rows_duplicate"]) >= 0, r
    assert sum(r["rows_loaded"] for r in result.accounting) == len(result.clean)
    assert sum(r["rows_rejected"] for r in result.accounting) == len(result.rejected)


def accounting_of(result: Result, file: str) -> dict:
    (row,) = [r for r in result.accounting if r["source_file"] == file]
    return {k: row[k] for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_duplicate")}


def errors_by_row(result: Result) -> dict[int, str]:
    return {r["row_number"]: r["dq_errors"] for r in result.rejected}


def assert_rejected_once(result: Result, *fragments: str) -> str:
    """Exactly one row rejected, its dq_errors containing every fragment; nothing loaded."""
    assert len(result.clean) == 0
    assert len(result.rejected) == 1
    text = result.rejected[0]["dq_errors"]
    for fragment in fragments:
        assert fragment in text, text
    return text


def test_valid_pos_line_is_loaded_typed():
    result = run(pos([{}]))
    assert result.rejected == []
    (row,) = result.clean
    assert row["transaction_id"] == "T1" and row["line_number"] == 1
    assert row["sold_at"] == datetime(2026, 11, 1, 10, 0, 0)
    assert row["quantity"] == 2 and row["unit_price"] == 3.5 and row["discount"] == 0.0
    assert row["sale_date"] == date(2026, 11, 1) and row["partition_date"] == date(2026, 11, 1)
    assert row["is_cancellation"] is False and row["is_guest"] is False
    assert row["line_type"] == "product" and row["revenue"] == 7.0
    assert (row["source_file"], row["file_sha256"], row["source_row_number"]) == ("file.csv", "sha-file.csv", 1)


# --- sales rules --------------------------------------------------------------------


def test_quantity_zero_rejected():
    assert assert_rejected_once(run(pos([{"quantity": "0"}]))) == "quantity is 0"


def test_negative_quantity_on_a_sale_rejected():
    assert_rejected_once(run(pos([{"quantity": "-2"}])), "quantity -2 is negative on a sale that is not a cancellation")


def test_online_retail_cancellation_with_negative_quantity_kept():
    result = run(online([{"transaction_id": "C536379", "quantity": "-1"}]))
    assert result.rejected == []
    (row,) = result.clean
    assert row["is_cancellation"] and row["quantity"] == -1
    assert row["revenue"] == pytest.approx(-2.55)


def test_online_retail_cancellation_with_positive_quantity_rejected():
    result = run(online([{"transaction_id": "C536379", "quantity": "1"}]))
    assert assert_rejected_once(result) == "cancellation with positive quantity 1"


def test_pos_profile_has_no_cancellations_so_c_prefix_is_an_ordinary_sale():
    result = run(pos([{"transaction_id": "C100", "quantity": "-1"}]))
    assert_rejected_once(result, "is negative on a sale that is not a cancellation")


def test_negative_price_rejected():
    assert assert_rejected_once(run(pos([{"unit_price": "-3.50"}]))) == "unit_price -3.5 is negative"


def test_zero_price_on_product_line_rejected():
    message = "unit_price is 0 on a product line (a stock adjustment, not a sale)"
    assert assert_rejected_once(run(online([{"product_id": "22752", "unit_price": "0"}]))) == message
    assert assert_rejected_once(run(pos([{"unit_price": "0.00"}]))) == message


@pytest.mark.parametrize("code", ["POST", "M", "DOT", "BANK CHARGES", "AMAZONFEE"])
def test_zero_price_on_non_product_stock_code_kept(code):
    result = run(online([{"product_id": code, "unit_price": "0"}]))
    assert result.rejected == []
    (row,) = result.clean
    assert row["line_type"] == "non_product"
    assert row["unit_price"] == 0.0 and row["revenue"] == 0.0


def test_product_codes_with_letter_suffix_are_products():
    result = run(online([{"product_id": "85123A"}, {"product_id": "84029E", "quantity": "2"}]))
    assert result.column("line_type") == ["product", "product"]


@pytest.mark.parametrize("discount", ["100%", "1", "1.0"])
def test_discount_of_100_percent_or_more_rejected(discount):
    assert assert_rejected_once(run(pos([{"discount": discount}]))) == "discount of 100% or more"


@pytest.mark.parametrize("discount, fraction", [("99%", 0.99), ("0.5", 0.5), ("10", 0.1), ("", 0.0), (None, 0.0)])
def test_discount_below_100_percent_kept(discount, fraction):
    result = run(pos([{"discount": discount}]))
    assert result.rejected == []
    assert result.clean[0]["discount"] == pytest.approx(fraction)
    assert result.clean[0]["revenue"] == pytest.approx(round(7.0 * (1 - fraction), 4))


def test_sold_after_the_file_date_rejected():
    result = run(pos([{"sold_at": "2026-11-02 00:30:00"}], partition="2026-11-01"))
    assert assert_rejected_once(result) == "sold_at 2026-11-02 00:30:00 is after the file's business date"


def test_sold_at_midnight_is_printed_as_a_date_like_clean_batch_does():
    # pandas prints a datetime Series of midnights without times; clean_batch's messages show it.
    result = run(pos([{"sold_at": "2026-11-02 00:00:00"}], partition="2026-11-01"))
    assert assert_rejected_once(result) == "sold_at 2026-11-02 is after the file's business date"


def test_sold_late_on_the_file_date_is_not_after_it():
    result = run(pos([{"sold_at": "2026-11-01 23:59:59"}], partition="2026-11-01"))
    assert len(result.clean) == 1


def test_sold_more_than_max_late_days_before_rejected():
    # synthetic_pos_sales: max_late_days 3 -> 2026-10-29 is the earliest accepted day for 2026-11-01.
    result = run(pos([{"sold_at": "2026-10-28 23:59:59"}], partition="2026-11-01"))
    assert assert_rejected_once(result) == "sold_at 2026-10-28 23:59:59 is more than 3 days before the file's date"


def test_late_line_within_window_kept_with_its_true_sale_date():
    result = run(pos([{"sold_at": "29/10/2026 08:15"}], partition="2026-11-01"))
    assert result.rejected == []
    (row,) = result.clean
    assert row["sale_date"] == date(2026, 10, 29)
    assert row["sold_at"] == datetime(2026, 10, 29, 8, 15)
    assert row["partition_date"] == date(2026, 11, 1)


def test_online_retail_accepts_no_late_lines():
    result = run(online([{"sold_at": "2010-11-30 23:00:00"}], partition="2010-12-01"))
    assert_rejected_once(result, "is more than 0 days before the file's date")


# --- generic rules: required, parseable -------------------------------------------------


@pytest.mark.parametrize("column", ["transaction_id", "line_number", "sold_at", "store_id", "product_id",
                                    "quantity", "unit_price"])
def test_required_column_missing_rejected(column):
    result = run(pos([{column: ""}, {column: None}, {column: "   "}, {column: "\u00a0"}]))
    assert len(result.clean) == 0
    assert len(result.rejected) == 4  # '', None and (Unicode) blanks are all missing
    assert all(f"{column} is missing" in r["dq_errors"] for r in result.rejected)


def test_optional_columns_may_be_missing():
    result = run(pos([{"customer_id": "", "employee_id": None, "payment_method": " ", "channel": None}]))
    assert result.rejected == []
    (row,) = result.clean
    assert row["customer_id"] is None and row["employee_id"] is None and row["payment_method"] is None
    assert row["is_guest"]


def test_values_are_stripped_and_float_exported_ids_fixed():
    result = run(online([{"customer_id": " 17850.0 ", "product_name": "\tMUG  "}]))
    (row,) = result.clean
    assert row["customer_id"] == "17850" and row["product_name"] == "MUG"
    assert (row["store_id"], row["channel"], row["discount"]) == ("ONLINE-UK", "online", 0.0)  # profile constants


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("quantity", "two", "quantity 'two' is not a valid int"),
        ("quantity", "1.5", "quantity '1.5' is not a valid int"),
        ("line_number", "x", "line_number 'x' is not a valid int"),
        ("unit_price", "3,50p", "unit_price '3,50p' is not a valid decimal"),
        ("discount", "abc", "discount 'abc' is not a valid discount"),
        ("discount", "150", "discount '150' is not a valid discount"),
        ("sold_at", "11/31/2026 10:00", "sold_at '11/31/2026 10:00' is not a valid timestamp"),
        ("sold_at", "yesterday", "sold_at 'yesterday' is not a valid timestamp"),
        ("sold_at", "31/02/2026 10:00", "sold_at '31/02/2026 10:00' is not a valid timestamp"),
    ],
)
def test_unparseable_values_rejected_with_the_value_quoted(column, value, message):
    text = assert_rejected_once(run(pos([{column: value}])), message)
    assert f"{column} is missing" not in text  # present, just bad


@pytest.mark.parametrize("value, parsed", [("6", 6), ("6.0", 6), ("+6", 6), ("1e1", 10)])
def test_integers_written_as_floats_are_integers(value, parsed):
    assert run(pos([{"quantity": value}])).clean[0]["quantity"] == parsed


@pytest.mark.parametrize("value, parsed", [("£3.50", 3.5), ("$1,234.50", 1234.5), ("EUR 3", 3.0)])
def test_prices_with_currency_and_thousands_separators(value, parsed):
    assert run(pos([{"unit_price": value}])).clean[0]["unit_price"] == parsed


def test_absurdly_large_line_number_is_rejected_not_loaded():
    result = run(pos([{"line_number": "99999999999999999999"}]))
    assert_rejected_once(result, "line_number '99999999999999999999' is not a valid int")


def test_row_breaking_three_rules_gets_all_three_reasons():
    result = run(pos([{"quantity": "-1", "unit_price": "-2", "sold_at": "2026-11-05 10:00:00"}]))
    reasons = assert_rejected_once(result).split("; ")
    assert reasons == [
        "quantity -1 is negative on a sale that is not a cancellation",
        "unit_price -2.0 is negative",
        "sold_at 2026-11-05 10:00:00 is after the file's business date",
    ]


def test_generic_and_entity_errors_are_combined():
    result = run(pos([{"store_id": "", "quantity": "0", "discount": "abc"}]))
    reasons = result.rejected[0]["dq_errors"].split("; ")
    assert reasons == ["store_id is missing", "discount 'abc' is not a valid discount", "quantity is 0"]


def test_rejected_rows_frame_keeps_the_raw_record_and_lineage():
    result = run(pos([{}, {"line_number": "2", "quantity": "0", "customer_id": "", "product_id": 'P "1"\n'}],
                     file="pos_sales_2026-11-01.csv"))
    (rej,) = result.rejected
    assert list(rej) == REJECTED_COLUMNS
    assert rej["entity"] == "sales_lines"
    assert rej["row_number"] == 2
    assert rej["source_file"] == "pos_sales_2026-11-01.csv"
    assert rej["partition_date"] == date(2026, 11, 1)
    raw = json.loads(rej["raw_record"])
    assert list(raw) == ENTITIES["sales_lines"].column_names  # canonical names, in order
    assert raw["quantity"] == "0" and raw["unit_price"] == "3.50"  # as it arrived, not typed
    assert raw["customer_id"] == "" and raw["product_name"] is None and raw["product_id"] == 'P "1"\n'
    assert rej["raw_record"] == json.dumps(raw, ensure_ascii=False)  # byte for byte as clean_batch writes it


def test_only_bad_rows_are_rejected_in_a_mixed_file():
    result = run(pos([{"line_number": "1"}, {"line_number": "2", "quantity": "0"}, {"line_number": "3"}]))
    assert result.column("line_number") == [1, 3]
    assert list(errors_by_row(result)) == [2]


# --- other entities ------------------------------------------------------------------


def customer(**kw):
    return {"customer_id": "C1", "email": "ann@example.com", "updated_at": "2026-11-01 09:00:00", **kw}


@pytest.mark.parametrize("email", ["not-an-email", "ann@example", "ann smith@example.com", "@example.com",
                                   "ann\u00a0smith@example.com"])
def test_customers_bad_email_rejected(email):
    result = run(bronze("customers", "synthetic_customers", [customer(email=email)]), "customers")
    assert assert_rejected_once(result) == f"email {email} is not an address"


def test_customers_good_or_missing_email_kept():
    rows = [customer(), customer(customer_id="C2", email=""),
            customer(customer_id="C3", signup_date="2025-01-31"),
            customer(customer_id="C4", signup_date="2025-01-31 00:00:00")]  # Excel date cell
    result = run(bronze("customers", "synthetic_customers", rows), "customers")
    assert result.rejected == []
    assert result.column("customer_id") == ["C1", "C2", "C3", "C4"]
    assert result.column("signup_date") == [None, None, date(2025, 1, 31), date(2025, 1, 31)]
    assert result.clean[0]["updated_at"] == datetime(2026, 11, 1, 9, 0, 0)


def test_customers_required_and_date_parse():
    rows = [customer(updated_at=""), customer(customer_id="C2", signup_date="31/01/2025"),
            customer(customer_id="C3", signup_date="9999-12-31")]  # beyond pandas' nanosecond range, as in clean_batch
    result = run(bronze("customers", "synthetic_customers", rows), "customers")
    errors = errors_by_row(result)
    assert errors[1] == "updated_at is missing"
    assert errors[2] == "signup_date '31/01/2025' is not a valid date"
    assert errors[3] == "signup_date '9999-12-31' is not a valid date"


def test_shifts_end_not_after_start_rejected():
    rows = [
        {"shift_id": "SH1", "employee_id": "E1", "store_id": "S1",
         "shift_start": "2026-11-01 09:00:00", "shift_end": "2026-11-01 17:00:00"},
        {"shift_id": "SH2", "employee_id": "E1", "store_id": "S1",
         "shift_start": "2026-11-01 17:00:00", "shift_end": "2026-11-01 09:00:00"},
        {"shift_id": "SH3", "employee_id": "E1", "store_id": "S1",
         "shift_start": "2026-11-01 09:00:00", "shift_end": "2026-11-01 09:00:00"},
    ]
    result = run(bronze("shifts", "synthetic_shifts", rows), "shifts")
    assert result.column("shift_id") == ["SH1"]
    assert errors_by_row(result) == {2: "shift_end is not after shift_start", 3: "shift_end is not after shift_start"}


def test_inventory_negative_on_hand_rejected():
    rows = [
        {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P1", "on_hand": "5", "reorder_point": "2"},
        {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P2", "on_hand": "-3", "reorder_point": "2"},
        {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P3", "on_hand": "0", "reorder_point": "-1"},
    ]
    result = run(bronze("inventory", "synthetic_inventory", rows), "inventory")
    assert result.column("product_id") == ["P1"]
    assert result.column("snapshot_date") == [date(2026, 11, 1)]
    assert errors_by_row(result) == {2: "on_hand -3 is negative", 3: "reorder_point -1 is negative"}


def test_products_negative_price_rejected():
    base = {"product_name": "Tea", "updated_at": "2026-11-01 00:00:00"}
    rows = [
        {**base, "product_id": "P1", "unit_cost": "1.00", "list_price": "£2.50"},
        {**base, "product_id": "P2", "unit_cost": "1.00", "list_price": "-2.50"},
        {**base, "product_id": "P3", "unit_cost": "-1", "list_price": "-1"},
    ]
    result = run(bronze("products", "synthetic_products", rows), "products")
    assert result.column("product_id") == ["P1"]
    assert result.column("list_price") == [2.5]
    errors = errors_by_row(result)
    assert errors[2] == "list_price -2.5 is negative"
    assert errors[3] == "unit_cost -1.0 is negative; list_price -1.0 is negative"


def test_employees_negative_hourly_rate_rejected():
    rows = [{"employee_id": "E1", "store_id": "S1", "hourly_rate": "-11.50"},
            {"employee_id": "E2", "store_id": "S1", "hourly_rate": "11.50", "hired_on": "2024-03-01"}]
    result = run(bronze("employees", "synthetic_employees", rows), "employees")
    assert result.column("employee_id") == ["E2"]
    assert result.column("hired_on") == [date(2024, 3, 1)]
    assert errors_by_row(result) == {1: "hourly_rate -11.5 is negative"}


def test_stores_have_only_generic_rules():
    rows = [{"store_id": "S1", "store_name": "Leeds", "country": "UK"},
            {"store_id": "S2", "store_name": "York", "country": ""}]
    result = run(bronze("stores", "synthetic_stores", rows), "stores")
    assert result.column("store_id") == ["S1"]
    assert errors_by_row(result) == {2: "country is missing"}


# --- duplicates, line numbering, latest wins, re-deliveries ----------------------------------


def lines(result: Result) -> list[tuple]:
    return sorted((r["transaction_id"], r["line_number"], r["product_id"]) for r in result.clean)


def test_online_retail_exact_repeats_are_duplicates_and_lines_renumbered():
    result = run(online([
        {"product_id": "85123A"},
        {"product_id": "85123A", "customer_id": "17850"},  # the same line once typed: a repeat
        {"transaction_id": "536366", "product_id": "22633"},
        {"product_id": "71053"},
        {"product_id": "85123A"},  # repeat again, not adjacent
        {"transaction_id": "536366", "product_id": "22632"},
        {"product_id": "85123A", "quantity": "12"},  # same product, different quantity: a real line
    ]))
    assert lines(result) == [("536365", 1, "85123A"), ("536365", 2, "71053"), ("536365", 3, "85123A"),
                             ("536366", 1, "22633"), ("536366", 2, "22632")]
    assert result.column("source_row_number") == [1, 3, 4, 6, 7]  # the first of the repeats is kept
    assert accounting_of(result, "2010-12-01.csv") == {
        "rows_read": 7, "rows_loaded": 5, "rows_rejected": 0, "rows_duplicate": 2}


def test_pos_repeated_key_within_a_file_last_line_wins():
    result = run(pos([
        {"line_number": "1", "quantity": "1"},
        {"line_number": "2"},
        {"line_number": "1", "quantity": "1"},
        {"line_number": "1.0", "quantity": "3"},  # same key spelt differently, other content
    ], file="pos_sales_2026-11-01.csv"))
    assert {r["line_number"]: r["quantity"] for r in result.clean} == {1: 3, 2: 2}
    assert accounting_of(result, "pos_sales_2026-11-01.csv") == {
        "rows_read": 4, "rows_loaded": 2, "rows_rejected": 0, "rows_duplicate": 2}


def test_rejected_rows_are_not_counted_as_duplicates():
    result = run(pos([{"quantity": "0"}, {"quantity": "0"}, {}]))
    assert accounting_of(result, "file.csv") == {"rows_read": 3, "rows_loaded": 1, "rows_rejected": 2,
                                                 "rows_duplicate": 0}


def test_latest_ingestion_wins_not_file_name_order():
    a = pos([{"quantity": "7"}], file="a.csv", ingested_at="2026-11-02 05:00:00")
    z = pos([{"quantity": "1"}], file="z.csv", ingested_at="2026-11-02 01:00:00")
    result = run(pd.concat([a, z], ignore_index=True))
    assert result.column("quantity") == [7]
    assert accounting_of(result, "z.csv")["rows_duplicate"] == 1


def test_a_rejected_later_line_does_not_supersede_a_valid_earlier_one():
    early = pos([{"quantity": "2"}], file="a.csv", ingested_at="2026-11-02 01:00:00")
    late = pos([{"quantity": "0"}], file="b.csv", ingested_at="2026-11-02 02:00:00")
    result = run(pd.concat([early, late], ignore_index=True))
    assert result.column("source_file") == ["a.csv"]
    assert accounting_of(result, "b.csv")["rows_rejected"] == 1


def test_reupload_of_the_same_file_name_replaces_the_earlier_version_as_a_whole():
    v1 = pos([{"line_number": "1", "quantity": "1"}, {"line_number": "2"}, {"line_number": "3", "quantity": "0"}],
             file="pos_sales_2026-11-01.csv", sha="v1", ingested_at="2026-11-02 01:00:00")
    v2 = pos([{"line_number": "1", "quantity": "4"}], file="pos_sales_2026-11-01.csv",
             sha="v2", ingested_at="2026-11-02 03:00:00")
    result = run(pd.concat([v1, v2], ignore_index=True))
    assert [(r["line_number"], r["quantity"]) for r in result.clean] == [(1, 4)]  # line 2 went with v1
    assert result.rejected == []  # the old version's bad line is not judged: it was replaced
    by_sha = {r["file_sha256"]: r for r in result.accounting}
    assert (by_sha["v1"]["rows_duplicate"], by_sha["v1"]["superseded"]) == (3, True)
    assert (by_sha["v2"]["rows_loaded"], by_sha["v2"]["superseded"]) == (1, False)


def test_keys_already_in_silver_elsewhere_are_redeliveries():
    frame = pos([{"line_number": "1"}, {"line_number": "2"}], file="pos_sales_2026-11-02.csv", partition="2026-11-02")
    silver = pd.DataFrame({"transaction_id": ["T1", "T1"], "line_number": [1, 1],
                           "partition_date": [date(2026, 11, 1), date(2026, 11, 2)]})
    result = run(frame, silver=silver, start=date(2026, 11, 2), end=date(2026, 11, 3))
    # (T1, 1) is in silver on 11-01 (outside the window): a re-delivery. The 11-02 copy is inside
    # the window, being rebuilt, so it does not count.
    assert result.column("line_number") == [2]
    assert accounting_of(result, "pos_sales_2026-11-02.csv")["rows_duplicate"] == 1


def test_window_bounds_and_missing_silver_table():
    day1 = pos([{}], file="pos_sales_2026-11-01.csv", partition="2026-11-01")
    day2 = pos([{"line_number": "2"}], file="pos_sales_2026-11-02.csv", partition="2026-11-02")
    result = run(pd.concat([day1, day2], ignore_index=True), start=date(2026, 11, 2), end=date(2026, 11, 3))
    assert [r["source_file"] for r in result.accounting] == ["pos_sales_2026-11-02.csv"]
    assert result.column("line_number") == [2]


def test_whitespace_class_is_pythons():
    """_strip removes exactly what str.strip() (and so clean_batch's blank_to_null) removes."""
    from retail_assets.silver.transform import _strip

    chars = [chr(c) for c in range(1, 0x3001)]
    table = ibis.memtable({"code": [ord(c) for c in chars], "s": [f"{c}x{c}" for c in chars]})
    stripped = table.select("code", s=_strip(table.s)).to_pyarrow().to_pylist()
    con_result = {r["code"]: r["s"] for r in stripped}
    assert {c for c, s in con_result.items() if s == "x"} == {ord(c) for c in chars if c.isspace()}
