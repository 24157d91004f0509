"""Deduplication, latest-wins upserts, re-deliveries, derived fields and per-file accounting of silver_window.

Cases are declared at module level and run together, one silver_window per window and silver
table (see bronze_tables.SilverCases); each test asserts on its own case's rows only.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from .bronze_tables import SilverCases, accounting_of, batch, bronze, online, pos

CASES = SilverCases()
result = CASES.result


def lines(res) -> list[tuple]:
    """(transaction, line, product) of the clean rows, in delivery order."""
    return [(r["transaction_id"], r["line_number"], r["product_id"]) for r in res.clean]


# --- within one file -------------------------------------------------------------------

EXACT_REPEATS = CASES.add(online([
    {"product_id": "85123A"},
    {"product_id": "85123A"},  # exact repeat of the line above
    {"transaction_id": "536366", "product_id": "22633"},
    {"product_id": "71053"},
    {"product_id": "85123A"},  # repeat again, not adjacent
    {"transaction_id": "536366", "product_id": "22632"},
    {"product_id": "85123A", "quantity": "12"},  # same product, different quantity: a real line
]))
TYPED_REPEATS = CASES.add(online([
    {"product_id": "85123A"},
    {"product_id": "85123A", "customer_id": "17850"},  # the same line once typed ('17850.0' is 17850): a repeat
    {"transaction_id": "536366", "product_id": "22633"},
    {"product_id": "71053"},
    {"product_id": "85123A"},
    {"transaction_id": "536366", "product_id": "22632"},
    {"product_id": "85123A", "quantity": "12"},
]))
NUMBERING_PER_FILE = CASES.add(batch(
    online([{"product_id": "85123A"}, {"product_id": "71053"}], file="2010-12-01.csv"),
    online([{"transaction_id": "536400", "product_id": "85123A", "sold_at": "2010-12-02 09:00:00"}],
           file="2010-12-02.csv", partition="2010-12-02", ingested_at="2026-11-02 02:00:00"),
))
ONLINE_LATER_FILE = CASES.add(batch(
    online([{"transaction_id": "536365"}], file="2010-12-01.csv"),
    online([{"transaction_id": "536365", "sold_at": "2010-12-02 08:26:00"}],
           file="2010-12-02.csv", partition="2010-12-02", ingested_at="2026-11-02 02:00:00"),
))
POS_REPEATED_KEY = CASES.add(pos([
    {"line_number": "1", "quantity": "1"},
    {"line_number": "2"},
    {"line_number": "1", "quantity": "1"},  # the generator wrote the line twice
    {"line_number": "1.0", "quantity": "3"},  # same key spelt differently, other content
], file="pos_sales_2026-11-01.csv"))
REJECTED_NOT_DUPLICATES = CASES.add(pos([{"quantity": "0"}, {"quantity": "0"}, {}]))


def test_online_retail_exact_repeats_are_duplicates_and_lines_renumbered():
    res = result(EXACT_REPEATS)
    assert lines(res) == [
        ("536365", 1, "85123A"),
        ("536366", 1, "22633"),
        ("536365", 2, "71053"),
        ("536366", 2, "22632"),
        ("536365", 3, "85123A"),
    ]
    assert all(type(n) is int for n in res.column("line_number"))
    assert res.column("source_row_number") == [1, 3, 4, 6, 7]  # the first of the repeats is kept
    assert accounting_of(res, "2010-12-01.csv") == {
        "rows_read": 7, "rows_loaded": 5, "rows_rejected": 0, "rows_duplicate": 2,
    }


def test_online_retail_repeats_are_judged_on_typed_values():
    res = result(TYPED_REPEATS)
    assert sorted(lines(res)) == [("536365", 1, "85123A"), ("536365", 2, "71053"), ("536365", 3, "85123A"),
                                  ("536366", 1, "22633"), ("536366", 2, "22632")]
    assert res.column("source_row_number") == [1, 3, 4, 6, 7]
    assert accounting_of(res, "2010-12-01.csv") == {
        "rows_read": 7, "rows_loaded": 5, "rows_rejected": 0, "rows_duplicate": 2,
    }


def test_online_retail_numbering_is_per_invoice_and_starts_at_one_in_each_file():
    res = result(NUMBERING_PER_FILE)
    assert lines(res) == [("536365", 1, "85123A"), ("536365", 2, "71053"), ("536400", 1, "85123A")]


def test_online_retail_same_line_in_a_later_file_supersedes_not_repeats():
    res = result(ONLINE_LATER_FILE)
    # Same key (536365, 1) from two files: the later delivery wins, the earlier is its file's duplicate.
    assert len(res.clean) == 1
    assert res.clean[0]["source_file"] == "2010-12-02.csv"
    assert accounting_of(res, "2010-12-01.csv")["rows_duplicate"] == 1
    assert accounting_of(res, "2010-12-02.csv")["rows_loaded"] == 1


def test_pos_repeated_transaction_and_line_number_within_a_file_keeps_one():
    res = result(POS_REPEATED_KEY)
    assert sorted(res.column("line_number")) == [1, 2]
    assert {r["line_number"]: r["quantity"] for r in res.clean}[1] == 3  # the last line of the file wins
    assert accounting_of(res, "pos_sales_2026-11-01.csv") == {
        "rows_read": 4, "rows_loaded": 2, "rows_rejected": 0, "rows_duplicate": 2,
    }


def test_rejected_rows_are_not_counted_as_duplicates():
    acc = accounting_of(result(REJECTED_NOT_DUPLICATES), "file.csv")
    assert acc == {"rows_read": 3, "rows_loaded": 1, "rows_rejected": 2, "rows_duplicate": 0}


# --- across deliveries ---------------------------------------------------------------------

LATER_FILE = CASES.add(batch(  # bronze order does not matter, _ingested_at does
    pos([{"quantity": "5", "sold_at": "01/11/2026 10:00"}], file="pos_sales_2026-11-02.csv",
        partition="2026-11-02", ingested_at="2026-11-03 01:00:00"),
    pos([{"quantity": "1"}, {"line_number": "2"}], file="pos_sales_2026-11-01.csv",
        ingested_at="2026-11-02 01:00:00"),
))
LATEST_INGESTION = CASES.add(batch(
    pos([{"quantity": "7"}], file="a.csv", ingested_at="2026-11-02 05:00:00"),
    pos([{"quantity": "1"}], file="z.csv", ingested_at="2026-11-02 01:00:00"),
))
REJECTED_LATER_LINE = CASES.add(batch(
    pos([{"quantity": "2"}], file="a.csv", ingested_at="2026-11-02 01:00:00"),
    pos([{"quantity": "0"}], file="b.csv", ingested_at="2026-11-02 02:00:00"),
))
REUPLOAD = CASES.add(batch(
    pos([{"line_number": "1", "quantity": "1"}, {"line_number": "2"}], file="pos_sales_2026-11-01.csv",
        sha="v1", ingested_at="2026-11-02 01:00:00"),
    pos([{"line_number": "1", "quantity": "4"}], file="pos_sales_2026-11-01.csv",
        sha="v2", ingested_at="2026-11-02 03:00:00"),
))
REUPLOAD_OF_A_BAD_FILE = CASES.add(batch(
    pos([{"line_number": "1", "quantity": "1"}, {"line_number": "2"}, {"line_number": "3", "quantity": "0"}],
        file="pos_sales_2026-11-01.csv", sha="v1", ingested_at="2026-11-02 01:00:00"),
    pos([{"line_number": "1", "quantity": "4"}], file="pos_sales_2026-11-01.csv",
        sha="v2", ingested_at="2026-11-02 03:00:00"),
))


def test_same_key_in_a_later_file_supersedes_the_earlier():
    res = result(LATER_FILE)
    by_line = {r["line_number"]: r for r in res.clean}
    assert by_line[1]["quantity"] == 5
    assert by_line[1]["source_file"] == "pos_sales_2026-11-02.csv"
    assert by_line[1]["partition_date"] == date(2026, 11, 2)
    assert by_line[2]["source_file"] == "pos_sales_2026-11-01.csv"
    assert accounting_of(res, "pos_sales_2026-11-01.csv") == {
        "rows_read": 2, "rows_loaded": 1, "rows_rejected": 0, "rows_duplicate": 1,
    }
    assert accounting_of(res, "pos_sales_2026-11-02.csv") == {
        "rows_read": 1, "rows_loaded": 1, "rows_rejected": 0, "rows_duplicate": 0,
    }


def test_latest_ingestion_wins_not_file_name_order():
    res = result(LATEST_INGESTION)
    assert res.column("quantity") == [7]
    assert accounting_of(res, "z.csv")["rows_duplicate"] == 1


def test_a_rejected_later_line_does_not_supersede_a_valid_earlier_one():
    res = result(REJECTED_LATER_LINE)
    assert res.column("source_file") == ["a.csv"]
    assert accounting_of(res, "b.csv")["rows_rejected"] == 1


def test_reupload_of_the_same_file_name_replaces_the_earlier_version_as_a_whole():
    res = result(REUPLOAD)
    assert res.column("line_number") == [1]  # line 2, dropped by the re-export, is gone too
    assert res.column("quantity") == [4]
    acc = {r["file_sha256"]: r for r in res.accounting}
    assert [acc["v1"][k] for k in ("rows_read", "rows_loaded", "rows_duplicate")] == [2, 0, 2]
    assert [acc["v2"][k] for k in ("rows_read", "rows_loaded", "rows_duplicate")] == [1, 1, 0]
    assert acc["v1"]["superseded"] is True and acc["v2"]["superseded"] is False


def test_reupload_replaces_the_earlier_version_without_judging_its_bad_lines():
    res = result(REUPLOAD_OF_A_BAD_FILE)
    assert [(r["line_number"], r["quantity"]) for r in res.clean] == [(1, 4)]
    assert res.rejected == []  # the old version's bad line is not judged: it was replaced
    acc = {r["file_sha256"]: r for r in res.accounting}
    assert (acc["v1"]["rows_duplicate"], acc["v1"]["superseded"]) == (3, True)
    assert (acc["v2"]["rows_loaded"], acc["v2"]["superseded"]) == (1, False)


# --- re-deliveries: business keys silver already holds outside the window ---------------------
# (The pandas implementation was handed these keys as a frame; silver_window reads silver.<entity>.)

ELSEWHERE = date(2000, 1, 1)  # a partition outside every window below
REDELIVERY_WINDOW = (date(2010, 12, 1), date(2026, 11, 2))


def silver_keys(**columns) -> pd.DataFrame:
    """silver.<entity> rows holding only business keys, in a partition outside the window."""
    frame = pd.DataFrame(columns)
    return frame.assign(partition_date=[ELSEWHERE] * len(frame))


REDELIVERED = CASES.add(pos([{"line_number": "1"}, {"line_number": "2"}, {"transaction_id": "T2", "line_number": "1"}]),
                        window=REDELIVERY_WINDOW,
                        silver=silver_keys(transaction_id=["T1", "T1", "T9"], line_number=[2, 2, 1]))
NO_SILVER_TABLE = CASES.add(pos([{}]))
EMPTY_SILVER_TABLE = CASES.add(pos([{}]), silver=silver_keys(transaction_id=[], line_number=[]), silver_declared=True)
REDELIVERED_DERIVED_LINE = CASES.add(online([{"product_id": "85123A"}, {"product_id": "71053"}]),
                                     window=REDELIVERY_WINDOW,
                                     silver=silver_keys(transaction_id=["536365"], line_number=[2]))

INVENTORY = [{"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P1", "on_hand": "5"}]
NOV_2 = (date(2026, 11, 2), date(2026, 11, 3))
INVENTORY_KEYS = dict(snapshot_date=[date(2026, 11, 1)], store_id=["S1"], product_id=["P1"])
REDELIVERED_DATE_KEY = CASES.add(bronze("inventory", "synthetic_inventory", INVENTORY, partition="2026-11-02"),
                                 "inventory", window=NOV_2, silver=silver_keys(**INVENTORY_KEYS))
REDELIVERED_DATE_KEY_DECLARED = CASES.add(bronze("inventory", "synthetic_inventory", INVENTORY, partition="2026-11-02"),
                                          "inventory", window=NOV_2, silver=silver_keys(**INVENTORY_KEYS),
                                          silver_declared=True)
NEW_VERSION_OF_A_CUSTOMER = CASES.add(
    bronze("customers", "synthetic_customers",
           [{"customer_id": "C1", "email": "a@example.com", "updated_at": "2026-11-01 10:00:00"},
            {"customer_id": "C1", "email": "b@example.com", "updated_at": "2026-11-02 10:00:00"}],
           partition="2026-11-02"),
    "customers", window=NOV_2,
    silver=silver_keys(customer_id=["C1"],
                       updated_at=pd.Series(pd.to_datetime(["2026-11-01 10:00:00"])).astype("datetime64[us]")))
# (T1, 1) is in silver on 11-01 (outside the window): a re-delivery. The 11-02 copy is inside
# the window, being rebuilt, so it does not count.
REDELIVERED_NOT_REBUILT = CASES.add(
    pos([{"line_number": "1"}, {"line_number": "2"}], file="pos_sales_2026-11-02.csv", partition="2026-11-02"),
    window=NOV_2, silver=pd.DataFrame({"transaction_id": ["T1", "T1"], "line_number": [1, 1],
                                       "partition_date": [date(2026, 11, 1), date(2026, 11, 2)]}))
WINDOW_BOUNDS = CASES.add(batch(pos([{}], file="pos_sales_2026-11-01.csv", partition="2026-11-01"),
                                pos([{"line_number": "2"}], file="pos_sales_2026-11-02.csv", partition="2026-11-02")),
                          window=NOV_2)


def test_keys_in_silver_elsewhere_mark_redeliveries_as_duplicates():
    res = result(REDELIVERED)
    assert [(r["transaction_id"], r["line_number"]) for r in res.clean] == [("T1", 1), ("T2", 1)]
    assert accounting_of(res, "file.csv") == {
        "rows_read": 3, "rows_loaded": 2, "rows_rejected": 0, "rows_duplicate": 1,
    }


@pytest.mark.parametrize("case", [NO_SILVER_TABLE, EMPTY_SILVER_TABLE], ids=["no_silver_table", "empty_silver_table"])
def test_no_keys_in_silver_changes_nothing(case):
    assert len(result(case).clean) == 1


def test_keys_in_silver_elsewhere_with_derived_online_retail_line_numbers():
    assert lines(result(REDELIVERED_DERIVED_LINE)) == [("536365", 1, "85123A")]


@pytest.mark.parametrize("case", [REDELIVERED_DATE_KEY, REDELIVERED_DATE_KEY_DECLARED],
                         ids=["python_dates", "declared_silver_schema"])
def test_keys_in_silver_elsewhere_on_a_date_key(case):
    res = result(case)
    assert res.clean == []
    assert accounting_of(res, "file.csv")["rows_duplicate"] == 1


def test_keys_in_silver_elsewhere_on_a_timestamp_key():
    res = result(NEW_VERSION_OF_A_CUSTOMER)
    assert res.column("email") == ["b@example.com"]  # a new version of C1 is not a duplicate


def test_keys_in_silver_inside_the_window_are_not_redeliveries():
    res = result(REDELIVERED_NOT_REBUILT)
    assert res.column("line_number") == [2]
    assert accounting_of(res, "pos_sales_2026-11-02.csv")["rows_duplicate"] == 1


def test_window_bounds_and_missing_silver_table():
    res = result(WINDOW_BOUNDS)
    assert [r["source_file"] for r in res.accounting] == ["pos_sales_2026-11-02.csv"]
    assert res.column("line_number") == [2]


# --- derived fields ---------------------------------------------------------------------------

REVENUES = [("3", "2.50", "10%", 6.75), ("3", "2.50", "0.1", 6.75), ("3", "2.50", "10", 6.75),
            ("2", "£1,000.00", "", 2000.0), ("7", "1.15", "0.2", 6.44), ("4", "9.99", "0", 39.96)]
REVENUE_CASES = {(q, p, d): CASES.add(pos([{"quantity": q, "unit_price": p, "discount": d}])) for q, p, d, _ in REVENUES}
CANCELLATION_NETS_OUT = CASES.add(online([{"quantity": "6"}, {"transaction_id": "C536379", "quantity": "-6"}]))
FLOAT_CUSTOMER_IDS = CASES.add(online([{"customer_id": "17850.0"}, {"customer_id": "13047.00", "product_id": "71053"},
                                       {"customer_id": "12583", "product_id": "22633"}]))
POS_CUSTOMER_ID = CASES.add(pos([{"customer_id": "17850.0"}]))
ONLINE_CONSTANTS = CASES.add(online([{}]))
GUEST_CHECKOUT = {
    "online": CASES.add(online([{"customer_id": ""}, {"customer_id": None, "product_id": "71053"}])),
    "pos": CASES.add(pos([{"customer_id": ""}, {"customer_id": None, "product_id": "71053", "line_number": "2"}])),
}
KNOWN_CUSTOMER = CASES.add(online([{}]))


@pytest.mark.parametrize("quantity, price, discount, revenue", REVENUES)
def test_revenue_is_quantity_times_price_times_one_minus_discount(quantity, price, discount, revenue):
    assert result(REVENUE_CASES[quantity, price, discount]).clean[0]["revenue"] == pytest.approx(revenue)


def test_revenue_nets_out_cancellations():
    revenue = result(CANCELLATION_NETS_OUT).column("revenue")
    assert revenue == pytest.approx([15.3, -15.3])
    assert sum(revenue) == pytest.approx(0.0)


def test_online_retail_float_customer_ids_become_integers_as_text():
    assert result(FLOAT_CUSTOMER_IDS).column("customer_id") == ["17850", "13047", "12583"]


def test_pos_customer_ids_are_left_as_delivered():
    assert result(POS_CUSTOMER_ID).column("customer_id") == ["17850.0"]


def test_online_retail_constants_fill_unmapped_columns():
    (row,) = result(ONLINE_CONSTANTS).clean
    assert (row["store_id"], row["channel"], row["discount"]) == ("ONLINE-UK", "online", 0.0)
    assert row["employee_id"] is None and row["payment_method"] is None


@pytest.mark.parametrize("source", ["online", "pos"])
def test_guest_checkout_is_loaded_with_is_guest(source):
    res = result(GUEST_CHECKOUT[source])
    assert res.rejected == []
    assert res.column("customer_id") == [None, None]
    assert res.column("is_guest") == [True, True]


def test_known_customer_is_not_a_guest():
    assert result(KNOWN_CUSTOMER).column("is_guest") == [False]


def test_every_business_key_column_is_required_as_dedup_joins_on_it_with_plain_equality():
    """silver/transform.py `_mark_older_versions` finds keys held by several deliveries with an aggregate and
    joins back on the key: a NULL key would never match itself there (a window would have grouped NULLs).
    Required columns never reach the valid rows NULL, so the registry must keep every key column required."""
    from retail_assets.entities import ENTITIES

    optional = {name: [k for k in e.business_key if not next(c for c in e.columns if c.name == k).required]
                for name, e in ENTITIES.items()}
    assert {name: keys for name, keys in optional.items() if keys} == {}
