"""Unit tests of retail_assets.ingestion.rules, driven through clean_batch on tiny bronze frames."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from retail_assets.ingestion.cleaning import REJECTED_COLUMNS, clean_batch

from .bronze_frames import assert_accounting_identity, bronze, online, pos


def run(frame: pd.DataFrame, entity: str = "sales_lines"):
    result = clean_batch(frame, entity)
    assert_accounting_identity(result)
    return result


def errors_by_row(result) -> dict[int, str]:
    return dict(zip(result.rejected["row_number"], result.rejected["dq_errors"]))


def assert_rejected_once(result, *fragments: str):
    """Exactly one row rejected, its dq_errors containing every fragment; nothing loaded."""
    assert len(result.clean) == 0
    assert len(result.rejected) == 1
    text = result.rejected["dq_errors"].iloc[0]
    for fragment in fragments:
        assert fragment in text, text


def test_valid_pos_line_is_loaded_typed():
    result = run(pos([{}]))
    assert result.rejected.empty
    (row,) = result.clean.to_dict("records")
    assert row["transaction_id"] == "T1" and row["line_number"] == 1
    assert row["sold_at"] == pd.Timestamp("2026-11-01 10:00:00")
    assert row["quantity"] == 2 and row["unit_price"] == 3.5 and row["discount"] == 0.0
    assert row["sale_date"] == date(2026, 11, 1) and row["partition_date"] == date(2026, 11, 1)
    assert not row["is_cancellation"] and not row["is_guest"]
    assert row["line_type"] == "product"
    assert (row["source_file"], row["file_sha256"], row["source_row_number"]) == ("file.csv", "sha-file.csv", 1)


# --- sales rules --------------------------------------------------------------------


def test_quantity_zero_rejected():
    assert_rejected_once(run(pos([{"quantity": "0"}])), "quantity is 0")


def test_negative_quantity_on_a_sale_rejected():
    assert_rejected_once(run(pos([{"quantity": "-2"}])), "quantity -2 is negative on a sale that is not a cancellation")


def test_online_retail_cancellation_with_negative_quantity_kept():
    result = run(online([{"transaction_id": "C536379", "quantity": "-1"}]))
    assert result.rejected.empty
    (row,) = result.clean.to_dict("records")
    assert row["is_cancellation"]
    assert row["quantity"] == -1
    assert row["revenue"] == pytest.approx(-2.55)


def test_online_retail_cancellation_with_positive_quantity_rejected():
    result = run(online([{"transaction_id": "C536379", "quantity": "1"}]))
    assert_rejected_once(result, "cancellation with positive quantity 1")


def test_pos_profile_has_no_cancellations_so_c_prefix_is_an_ordinary_sale():
    result = run(pos([{"transaction_id": "C100", "quantity": "-1"}]))
    assert_rejected_once(result, "is negative on a sale that is not a cancellation")


def test_negative_price_rejected():
    assert_rejected_once(run(pos([{"unit_price": "-3.50"}])), "unit_price -3.5 is negative")


def test_zero_price_on_product_line_rejected():
    assert_rejected_once(run(online([{"product_id": "22752", "unit_price": "0"}])), "unit_price is 0 on a product line")
    assert_rejected_once(run(pos([{"unit_price": "0.00"}])), "unit_price is 0 on a product line")


@pytest.mark.parametrize("code", ["POST", "M", "DOT", "BANK CHARGES", "AMAZONFEE"])
def test_zero_price_on_non_product_stock_code_kept(code):
    result = run(online([{"product_id": code, "unit_price": "0"}]))
    assert result.rejected.empty
    (row,) = result.clean.to_dict("records")
    assert row["line_type"] == "non_product"
    assert row["unit_price"] == 0.0 and row["revenue"] == 0.0


def test_product_codes_with_letter_suffix_are_products():
    result = run(online([{"product_id": "85123A"}, {"product_id": "84029E", "quantity": "2"}]))
    assert result.clean["line_type"].tolist() == ["product", "product"]


@pytest.mark.parametrize("discount", ["100%", "1", "1.0"])
def test_discount_of_100_percent_or_more_rejected(discount):
    assert_rejected_once(run(pos([{"discount": discount}])), "discount of 100% or more")


@pytest.mark.parametrize("discount, fraction", [("99%", 0.99), ("0.5", 0.5), ("", 0.0), (None, 0.0)])
def test_discount_below_100_percent_kept(discount, fraction):
    result = run(pos([{"discount": discount}]))
    assert result.rejected.empty
    assert result.clean["discount"].iloc[0] == pytest.approx(fraction)


def test_sold_after_the_file_date_rejected():
    result = run(pos([{"sold_at": "2026-11-02 00:30:00"}], partition="2026-11-01"))
    assert_rejected_once(result, "sold_at 2026-11-02 00:30:00 is after the file's business date")


def test_sold_late_on_the_file_date_is_not_after_it():
    result = run(pos([{"sold_at": "2026-11-01 23:59:59"}], partition="2026-11-01"))
    assert len(result.clean) == 1


def test_sold_more_than_max_late_days_before_rejected():
    # synthetic_pos_sales: max_late_days 3 -> 2026-10-29 is the earliest accepted day for 2026-11-01.
    result = run(pos([{"sold_at": "2026-10-28 23:59:59"}], partition="2026-11-01"))
    assert_rejected_once(result, "sold_at 2026-10-28 23:59:59 is more than 3 days before the file's date")


def test_late_line_within_window_kept_with_its_true_sale_date():
    result = run(pos([{"sold_at": "29/10/2026 08:15"}], partition="2026-11-01"))
    assert result.rejected.empty
    (row,) = result.clean.to_dict("records")
    assert row["sale_date"] == date(2026, 10, 29)
    assert row["partition_date"] == date(2026, 11, 1)


def test_online_retail_accepts_no_late_lines():
    result = run(online([{"sold_at": "2010-11-30 23:00:00"}], partition="2010-12-01"))
    assert_rejected_once(result, "is more than 0 days before the file's date")


# --- generic rules: required, parseable -------------------------------------------------


@pytest.mark.parametrize("column", ["transaction_id", "line_number", "sold_at", "store_id", "product_id",
                                    "quantity", "unit_price"])
def test_required_column_missing_rejected(column):
    result = run(pos([{column: ""}, {column: None}, {column: "   "}]))
    assert len(result.clean) == 0
    assert len(result.rejected) == 3  # '', None and blanks are all missing
    assert all(f"{column} is missing" in e for e in result.rejected["dq_errors"])


def test_optional_columns_may_be_missing():
    result = run(pos([{"customer_id": "", "employee_id": None, "payment_method": " ", "channel": None}]))
    assert result.rejected.empty
    (row,) = result.clean.to_dict("records")
    assert row["customer_id"] is None and row["employee_id"] is None and row["payment_method"] is None
    assert row["is_guest"]


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
    ],
)
def test_unparseable_values_rejected_with_the_value_quoted(column, value, message):
    result = run(pos([{column: value}]))
    assert_rejected_once(result, message)
    assert f"{column} is missing" not in result.rejected["dq_errors"].iloc[0]  # present, just bad


def test_absurdly_large_line_number_is_rejected_not_loaded():
    # BUG (parsing.parse_int, via clean_batch): '99999999999999999999' is loaded as line_number
    # -9223372036854775808 with no dq error, instead of "line_number ... is not a valid int".
    result = run(pos([{"line_number": "99999999999999999999"}]))
    assert_rejected_once(result, "line_number '99999999999999999999' is not a valid int")


def test_row_breaking_three_rules_gets_all_three_reasons():
    result = run(pos([{"quantity": "-1", "unit_price": "-2", "sold_at": "2026-11-05 10:00:00"}]))
    assert_rejected_once(result)
    reasons = result.rejected["dq_errors"].iloc[0].split("; ")
    assert reasons == [
        "quantity -1 is negative on a sale that is not a cancellation",
        "unit_price -2.0 is negative",
        "sold_at 2026-11-05 10:00:00 is after the file's business date",
    ]


def test_generic_and_entity_errors_are_combined():
    result = run(pos([{"store_id": "", "quantity": "0", "discount": "abc"}]))
    reasons = result.rejected["dq_errors"].iloc[0].split("; ")
    assert reasons == ["store_id is missing", "discount 'abc' is not a valid discount", "quantity is 0"]


def test_rejected_rows_frame_keeps_the_raw_record_and_lineage():
    result = run(pos([{}, {"line_number": "2", "quantity": "0", "customer_id": ""}], file="pos_sales_2026-11-01.csv"))
    assert list(result.rejected.columns) == REJECTED_COLUMNS
    (rej,) = result.rejected.to_dict("records")
    assert rej["entity"] == "sales_lines"
    assert rej["row_number"] == 2
    assert rej["source_file"] == "pos_sales_2026-11-01.csv"
    assert rej["partition_date"] == date(2026, 11, 1)
    raw = json.loads(rej["raw_record"])
    assert raw["quantity"] == "0" and raw["unit_price"] == "3.50"  # as it arrived, not typed
    assert raw["customer_id"] == ""


def test_only_bad_rows_are_rejected_in_a_mixed_file():
    result = run(pos([{"line_number": "1"}, {"line_number": "2", "quantity": "0"}, {"line_number": "3"}]))
    assert result.clean["line_number"].tolist() == [1, 3]
    assert list(errors_by_row(result)) == [2]


# --- other entities ------------------------------------------------------------------


def customer(**kw):
    return {"customer_id": "C1", "email": "ann@example.com", "updated_at": "2026-11-01 09:00:00", **kw}


@pytest.mark.parametrize("email", ["not-an-email", "ann@example", "ann smith@example.com", "@example.com"])
def test_customers_bad_email_rejected(email):
    result = run(bronze("customers", "synthetic_customers", [customer(email=email)]), "customers")
    assert_rejected_once(result, f"email {email} is not an address")


def test_customers_good_or_missing_email_kept():
    rows = [customer(), customer(customer_id="C2", email=""), customer(customer_id="C3", signup_date="2025-01-31")]
    result = run(bronze("customers", "synthetic_customers", rows), "customers")
    assert result.rejected.empty
    assert result.clean["customer_id"].tolist() == ["C1", "C2", "C3"]
    assert result.clean["signup_date"].tolist() == [None, None, date(2025, 1, 31)]
    assert result.clean["updated_at"].iloc[0] == pd.Timestamp("2026-11-01 09:00:00")


def test_customers_required_and_date_parse():
    rows = [customer(updated_at=""), customer(customer_id="C2", signup_date="31/01/2025")]
    result = run(bronze("customers", "synthetic_customers", rows), "customers")
    errors = errors_by_row(result)
    assert "updated_at is missing" in errors[1]
    assert "signup_date '31/01/2025' is not a valid date" in errors[2]


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
    assert result.clean["shift_id"].tolist() == ["SH1"]
    assert errors_by_row(result) == {2: "shift_end is not after shift_start", 3: "shift_end is not after shift_start"}


def test_inventory_negative_on_hand_rejected():
    rows = [
        {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P1", "on_hand": "5", "reorder_point": "2"},
        {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P2", "on_hand": "-3", "reorder_point": "2"},
        {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P3", "on_hand": "0", "reorder_point": "-1"},
    ]
    result = run(bronze("inventory", "synthetic_inventory", rows), "inventory")
    assert result.clean["product_id"].tolist() == ["P1"]
    assert result.clean["snapshot_date"].tolist() == [date(2026, 11, 1)]
    assert errors_by_row(result) == {2: "on_hand -3 is negative", 3: "reorder_point -1 is negative"}


def test_products_negative_price_rejected():
    base = {"product_name": "Tea", "updated_at": "2026-11-01 00:00:00"}
    rows = [
        {**base, "product_id": "P1", "unit_cost": "1.00", "list_price": "£2.50"},
        {**base, "product_id": "P2", "unit_cost": "1.00", "list_price": "-2.50"},
        {**base, "product_id": "P3", "unit_cost": "-1", "list_price": "-1"},
    ]
    result = run(bronze("products", "synthetic_products", rows), "products")
    assert result.clean["product_id"].tolist() == ["P1"]
    assert result.clean["list_price"].tolist() == [2.5]
    errors = errors_by_row(result)
    assert errors[2] == "list_price -2.5 is negative"
    assert errors[3] == "unit_cost -1.0 is negative; list_price -1.0 is negative"


def test_employees_negative_hourly_rate_rejected():
    rows = [{"employee_id": "E1", "store_id": "S1", "hourly_rate": "-11.50"},
            {"employee_id": "E2", "store_id": "S1", "hourly_rate": "11.50", "hired_on": "2024-03-01"}]
    result = run(bronze("employees", "synthetic_employees", rows), "employees")
    assert result.clean["employee_id"].tolist() == ["E2"]
    assert errors_by_row(result) == {1: "hourly_rate -11.5 is negative"}


def test_stores_have_only_generic_rules():
    rows = [{"store_id": "S1", "store_name": "Leeds", "country": "UK"},
            {"store_id": "S2", "store_name": "York", "country": ""}]
    result = run(bronze("stores", "synthetic_stores", rows), "stores")
    assert result.clean["store_id"].tolist() == ["S1"]
    assert errors_by_row(result) == {2: "country is missing"}
