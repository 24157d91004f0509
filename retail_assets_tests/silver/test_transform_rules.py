"""Every DQ rule and every typing (parsing) case of silver, run through silver_window on tiny bronze tables.

Cases are declared at module level and run together, one silver_window per entity (see
bronze_tables.SilverCases); each test asserts on its own case's rows only.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import ibis
import pytest

from retail_assets.entities import ENTITIES
from retail_assets.silver.columns import REJECTED_COLUMNS

from .bronze_tables import SilverCases, assert_rejected_once, bronze, errors_by_row, online, pos

CASES = SilverCases()
result = CASES.result


# --- a valid line -------------------------------------------------------------------------

VALID_POS = CASES.add(pos([{}]))


def test_valid_pos_line_is_loaded_typed():
    res = result(VALID_POS)
    assert res.rejected == []
    (row,) = res.clean
    assert row["transaction_id"] == "T1" and row["line_number"] == 1
    assert row["sold_at"] == datetime(2026, 11, 1, 10, 0, 0)
    assert row["quantity"] == 2 and row["unit_price"] == 3.5 and row["discount"] == 0.0
    assert row["sale_date"] == date(2026, 11, 1) and row["partition_date"] == date(2026, 11, 1)
    assert row["is_cancellation"] is False and row["is_guest"] is False
    assert row["line_type"] == "product" and row["revenue"] == 7.0
    assert (row["source_file"], row["file_sha256"], row["source_row_number"]) == ("file.csv", "sha-file.csv", 1)


# --- sales rules --------------------------------------------------------------------

QUANTITY_ZERO = CASES.add(pos([{"quantity": "0"}]))
NEGATIVE_SALE = CASES.add(pos([{"quantity": "-2"}]))
ONLINE_CANCELLATION = CASES.add(online([{"transaction_id": "C536379", "quantity": "-1"}]))
ONLINE_POSITIVE_CANCELLATION = CASES.add(online([{"transaction_id": "C536379", "quantity": "1"}]))
POS_C_PREFIX = CASES.add(pos([{"transaction_id": "C100", "quantity": "-1"}]))
NEGATIVE_PRICE = CASES.add(pos([{"unit_price": "-3.50"}]))
ZERO_PRICE_ONLINE_PRODUCT = CASES.add(online([{"product_id": "22752", "unit_price": "0"}]))
ZERO_PRICE_POS_PRODUCT = CASES.add(pos([{"unit_price": "0.00"}]))
NON_PRODUCT_CODES = ["POST", "M", "DOT", "BANK CHARGES", "AMAZONFEE"]
ZERO_PRICE_NON_PRODUCT = {code: CASES.add(online([{"product_id": code, "unit_price": "0"}])) for code in NON_PRODUCT_CODES}
LETTER_SUFFIX = CASES.add(online([{"product_id": "85123A"}, {"product_id": "84029E", "quantity": "2"}]))


def test_quantity_zero_rejected():
    assert assert_rejected_once(result(QUANTITY_ZERO)) == "quantity is 0"


def test_negative_quantity_on_a_sale_rejected():
    assert_rejected_once(result(NEGATIVE_SALE), "quantity -2 is negative on a sale that is not a cancellation")


def test_online_retail_cancellation_with_negative_quantity_kept():
    res = result(ONLINE_CANCELLATION)
    assert res.rejected == []
    (row,) = res.clean
    assert row["is_cancellation"] and row["quantity"] == -1
    assert row["revenue"] == pytest.approx(-2.55)


def test_online_retail_cancellation_with_positive_quantity_rejected():
    assert assert_rejected_once(result(ONLINE_POSITIVE_CANCELLATION)) == "cancellation with positive quantity 1"


def test_pos_profile_has_no_cancellations_so_c_prefix_is_an_ordinary_sale():
    assert_rejected_once(result(POS_C_PREFIX), "is negative on a sale that is not a cancellation")


def test_negative_price_rejected():
    assert assert_rejected_once(result(NEGATIVE_PRICE)) == "unit_price -3.5 is negative"


def test_zero_price_on_product_line_rejected():
    message = "unit_price is 0 on a product line (a stock adjustment, not a sale)"
    assert assert_rejected_once(result(ZERO_PRICE_ONLINE_PRODUCT)) == message
    assert assert_rejected_once(result(ZERO_PRICE_POS_PRODUCT)) == message


@pytest.mark.parametrize("code", NON_PRODUCT_CODES)
def test_zero_price_on_non_product_stock_code_kept(code):
    res = result(ZERO_PRICE_NON_PRODUCT[code])
    assert res.rejected == []
    (row,) = res.clean
    assert row["line_type"] == "non_product"
    assert row["unit_price"] == 0.0 and row["revenue"] == 0.0


def test_product_codes_with_letter_suffix_are_products():
    assert result(LETTER_SUFFIX).column("line_type") == ["product", "product"]


DISCOUNT_WHOLE = ["100%", "1", "1.0"]
DISCOUNT_WHOLE_CASES = {d: CASES.add(pos([{"discount": d}])) for d in DISCOUNT_WHOLE}
# '0.1', '10%' and '10' all mean 10%; a bare number above 1 is a percentage.
DISCOUNT_KEPT = [("99%", 0.99), ("0.5", 0.5), ("10", 0.1), ("", 0.0), (None, 0.0),
                 ("0.1", 0.1), ("10%", 0.1), ("0", 0.0), ("0%", 0.0), ("25.5%", 0.255)]
DISCOUNT_KEPT_CASES = {d: CASES.add(pos([{"discount": d}])) for d, _ in DISCOUNT_KEPT}


@pytest.mark.parametrize("discount", DISCOUNT_WHOLE)
def test_discount_of_100_percent_or_more_rejected(discount):
    assert assert_rejected_once(result(DISCOUNT_WHOLE_CASES[discount])) == "discount of 100% or more"


@pytest.mark.parametrize("discount, fraction", DISCOUNT_KEPT)
def test_discount_below_100_percent_kept(discount, fraction):
    res = result(DISCOUNT_KEPT_CASES[discount])
    assert res.rejected == []
    assert res.clean[0]["discount"] == pytest.approx(fraction)
    assert res.clean[0]["revenue"] == pytest.approx(round(7.0 * (1 - fraction), 4))


SOLD_AFTER = CASES.add(pos([{"sold_at": "2026-11-02 00:30:00"}], partition="2026-11-01"))
# Alone: the message format depends on every sold_at breaking the rule in the profile's batch.
SOLD_AFTER_AT_MIDNIGHT = CASES.add(pos([{"sold_at": "2026-11-02 00:00:00"}], partition="2026-11-01"), alone=True)
SOLD_LATE_ON_THE_DAY = CASES.add(pos([{"sold_at": "2026-11-01 23:59:59"}], partition="2026-11-01"))
SOLD_TOO_EARLY = CASES.add(pos([{"sold_at": "2026-10-28 23:59:59"}], partition="2026-11-01"))
LATE_WITHIN_WINDOW = CASES.add(pos([{"sold_at": "29/10/2026 08:15"}], partition="2026-11-01"))
ONLINE_LATE = CASES.add(online([{"sold_at": "2010-11-30 23:00:00"}], partition="2010-12-01"))


def test_sold_after_the_file_date_rejected():
    assert assert_rejected_once(result(SOLD_AFTER)) == "sold_at 2026-11-02 00:30:00 is after the file's business date"


def test_sold_at_midnight_is_printed_as_a_date_like_clean_batch_did():
    # pandas printed a datetime Series of midnights without times; the messages keep that format.
    assert assert_rejected_once(result(SOLD_AFTER_AT_MIDNIGHT)) == "sold_at 2026-11-02 is after the file's business date"


def test_sold_late_on_the_file_date_is_not_after_it():
    assert len(result(SOLD_LATE_ON_THE_DAY).clean) == 1


def test_sold_more_than_max_late_days_before_rejected():
    # synthetic_pos_sales: max_late_days 3 -> 2026-10-29 is the earliest accepted day for 2026-11-01.
    assert (assert_rejected_once(result(SOLD_TOO_EARLY))
            == "sold_at 2026-10-28 23:59:59 is more than 3 days before the file's date")


def test_late_line_within_window_kept_with_its_true_sale_date():
    res = result(LATE_WITHIN_WINDOW)
    assert res.rejected == []
    (row,) = res.clean
    assert row["sale_date"] == date(2026, 10, 29)
    assert row["sold_at"] == datetime(2026, 10, 29, 8, 15)
    assert row["partition_date"] == date(2026, 11, 1)


def test_online_retail_accepts_no_late_lines():
    assert_rejected_once(result(ONLINE_LATE), "is more than 0 days before the file's date")


# --- generic rules: required, parseable -------------------------------------------------

REQUIRED = ["transaction_id", "line_number", "sold_at", "store_id", "product_id", "quantity", "unit_price"]
REQUIRED_MISSING = {c: CASES.add(pos([{c: ""}, {c: None}, {c: "   "}, {c: "\u00a0"}])) for c in REQUIRED}
OPTIONAL_MISSING = CASES.add(pos([{"customer_id": "", "employee_id": None, "payment_method": " ", "channel": None}]))
STRIPPED = CASES.add(online([{"customer_id": " 17850.0 ", "product_name": "\tMUG  "}]))


@pytest.mark.parametrize("column", REQUIRED)
def test_required_column_missing_rejected(column):
    res = result(REQUIRED_MISSING[column])
    assert len(res.clean) == 0
    assert len(res.rejected) == 4  # '', None and (Unicode) blanks are all missing
    assert all(f"{column} is missing" in r["dq_errors"] for r in res.rejected)


def test_optional_columns_may_be_missing():
    res = result(OPTIONAL_MISSING)
    assert res.rejected == []
    (row,) = res.clean
    assert row["customer_id"] is None and row["employee_id"] is None and row["payment_method"] is None
    assert row["is_guest"]


def test_values_are_stripped_and_float_exported_ids_fixed():
    (row,) = result(STRIPPED).clean
    assert row["customer_id"] == "17850" and row["product_name"] == "MUG"
    assert (row["store_id"], row["channel"], row["discount"]) == ("ONLINE-UK", "online", 0.0)  # profile constants


UNPARSEABLE = [
    ("quantity", "two", "quantity 'two' is not a valid int"),
    ("quantity", "1.5", "quantity '1.5' is not a valid int"),
    ("quantity", "6.5", "quantity '6.5' is not a valid int"),
    ("quantity", "six", "quantity 'six' is not a valid int"),
    ("quantity", "6,5", "quantity '6,5' is not a valid int"),
    ("quantity", "1 2", "quantity '1 2' is not a valid int"),
    ("line_number", "x", "line_number 'x' is not a valid int"),
    ("line_number", "99999999999999999999", "line_number '99999999999999999999' is not a valid int"),
    ("line_number", "1e19", "line_number '1e19' is not a valid int"),
    ("line_number", "1e400", "line_number '1e400' is not a valid int"),
    ("unit_price", "3,50p", "unit_price '3,50p' is not a valid decimal"),
    ("unit_price", "abc", "unit_price 'abc' is not a valid decimal"),
    ("unit_price", "1.2.3", "unit_price '1.2.3' is not a valid decimal"),
    ("unit_price", "£", "unit_price '£' is not a valid decimal"),
    # A comma is a thousands separator only before groups of three digits: '2,50' is not 250.
    ("unit_price", "2,50", "unit_price '2,50' is not a valid decimal"),
    ("unit_price", "1,2345.00", "unit_price '1,2345.00' is not a valid decimal"),
    ("discount", "abc", "discount 'abc' is not a valid discount"),
    ("discount", "150", "discount '150' is not a valid discount"),
    ("discount", "150%", "discount '150%' is not a valid discount"),
    ("discount", "-5", "discount '-5' is not a valid discount"),
    ("discount", "-0.1", "discount '-0.1' is not a valid discount"),
    ("discount", "%", "discount '%' is not a valid discount"),
    ("sold_at", "11/31/2026 10:00", "sold_at '11/31/2026 10:00' is not a valid timestamp"),
    ("sold_at", "yesterday", "sold_at 'yesterday' is not a valid timestamp"),
    ("sold_at", "31/02/2026 10:00", "sold_at '31/02/2026 10:00' is not a valid timestamp"),
    ("sold_at", "2026/11/01 10:00", "sold_at '2026/11/01 10:00' is not a valid timestamp"),
    ("sold_at", "2026-11-01", "sold_at '2026-11-01' is not a valid timestamp"),
    ("sold_at", "2026-11-01T10:00:00+1", "sold_at '2026-11-01T10:00:00+1' is not a valid timestamp"),
    ("sold_at", "2026-11-01T10:00:00 CET", "sold_at '2026-11-01T10:00:00 CET' is not a valid timestamp"),
]
UNPARSEABLE_CASES = {(c, v): CASES.add(pos([{c: v}])) for c, v, _ in UNPARSEABLE}


@pytest.mark.parametrize("column, value, message", UNPARSEABLE)
def test_unparseable_values_rejected_with_the_value_quoted(column, value, message):
    text = assert_rejected_once(result(UNPARSEABLE_CASES[column, value]), message)
    assert f"{column} is missing" not in text  # present, just bad


INTEGERS = [("6", 6), ("6.0", 6), ("+6", 6), ("1e1", 10), ("-3", -3), ("0", 0)]
INTEGER_CASES = {v: CASES.add(pos([{"line_number": v}])) for v, _ in INTEGERS}


@pytest.mark.parametrize("value, parsed", INTEGERS)
def test_integers_written_as_floats_are_integers(value, parsed):
    # line_number: an int column no rule restricts, so the parsed value itself shows.
    res = result(INTEGER_CASES[value])
    assert res.rejected == []
    assert res.clean[0]["line_number"] == parsed


def test_absurdly_large_line_number_is_rejected_not_loaded():
    res = result(UNPARSEABLE_CASES["line_number", "99999999999999999999"])
    assert_rejected_once(res, "line_number '99999999999999999999' is not a valid int")


PRICES = [("3.50", 3.5), ("£3.50", 3.5), ("$1,234.50", 1234.5), ("EUR 3", 3.0), ("€ 12.00", 12.0), ("12.5 EUR", 12.5),
          ("GBP 7", 7.0), ("1,234,567.89", 1234567.89), (" 4 ", 4.0)]
PRICE_CASES = {v: CASES.add(pos([{"unit_price": v}])) for v, _ in PRICES}
NEGATIVE_CURRENCY_PRICE = CASES.add(pos([{"unit_price": "-£3.20"}]))
COMMA_PRICES = [("1.234,50", 1234.5), ("€12,50", 12.5), ("3", 3.0), ("1.000.000,01", 1000000.01)]
COMMA_PRICE_CASES = {v: CASES.add(pos([{"unit_price": v}], profile="test_pos_decimal_comma")) for v, _ in COMMA_PRICES}
# ...and in a decimal-comma profile a dot is one only before groups of three: '2.50' is neither 250 nor a guess.
COMMA_PROFILE_UNPARSEABLE = ["2.50", "1.2345,00"]
COMMA_PROFILE_UNPARSEABLE_CASES = {v: CASES.add(pos([{"unit_price": v}], profile="test_pos_decimal_comma"))
                                   for v in COMMA_PROFILE_UNPARSEABLE}


@pytest.mark.parametrize("value, parsed", PRICES)
def test_prices_with_currency_and_thousands_separators(value, parsed):
    res = result(PRICE_CASES[value])
    assert res.rejected == []
    assert res.clean[0]["unit_price"] == pytest.approx(parsed)


def test_negative_price_with_currency_symbol_is_parsed_then_rejected():
    assert assert_rejected_once(result(NEGATIVE_CURRENCY_PRICE)) == "unit_price -3.2 is negative"


@pytest.mark.parametrize("value, parsed", COMMA_PRICES)
def test_prices_of_a_decimal_comma_profile(value, parsed):
    res = result(COMMA_PRICE_CASES[value])
    assert res.rejected == []
    assert res.clean[0]["unit_price"] == pytest.approx(parsed)


@pytest.mark.parametrize("value", COMMA_PROFILE_UNPARSEABLE)
def test_a_decimal_comma_profile_does_not_read_a_lone_dot_as_thousands(value):
    assert_rejected_once(result(COMMA_PROFILE_UNPARSEABLE_CASES[value]), f"unit_price '{value}' is not a valid decimal")


# --- timestamps: the profile's formats, in order -------------------------------------------

POS_TIMESTAMPS = [
    ("2026-11-01 10:00:00", "2026-11-01", datetime(2026, 11, 1, 10, 0)),
    ("2026-11-01T11:30:00", "2026-11-01", datetime(2026, 11, 1, 11, 30)),
    ("01/11/2026 12:15", "2026-11-01", datetime(2026, 11, 1, 12, 15)),  # day-first: 1 November, never 11 January
    ("13/01/2026 09:05", "2026-01-13", datetime(2026, 1, 13, 9, 5)),
    # ISO 8601 with a UTC offset: the time as the store's clock wrote it, the offset not applied
    # (00:30+01:00 is a sale of 1 November in that store, though it was 31 October in UTC).
    ("2026-11-01T00:30:00+01:00", "2026-11-01", datetime(2026, 11, 1, 0, 30)),
    ("2026-11-01T09:30:00Z", "2026-11-01", datetime(2026, 11, 1, 9, 30)),
    ("2026-11-01T08:00:00-0500", "2026-11-01", datetime(2026, 11, 1, 8, 0)),
    ("2026-11-01T08:00:00+05", "2026-11-01", datetime(2026, 11, 1, 8, 0)),
]
POS_TIMESTAMP_CASES = {v: CASES.add(pos([{"sold_at": v}], partition=p)) for v, p, _ in POS_TIMESTAMPS}
# online_retail has one timestamp format: the others POS accepts are errors there.
ONLINE_OTHER_FORMATS = ["2026-11-01T11:30:00", "2026-11-01", "01/11/2026 12:15"]
ONLINE_OTHER_FORMAT_CASES = {v: CASES.add(online([{"sold_at": v}])) for v in ONLINE_OTHER_FORMATS}
# '01/02/2026 10:00' fits both day-first and month-first; the profile's order decides (day-first first).
AMBIGUOUS_DAY_MONTH = CASES.add(pos([{"sold_at": "01/02/2026 10:00"}], partition="2026-02-01",
                                    profile="test_pos_day_first_then_month_first"))


@pytest.mark.parametrize("value, partition, parsed", POS_TIMESTAMPS)
def test_timestamps_in_any_of_the_profiles_formats(value, partition, parsed):
    res = result(POS_TIMESTAMP_CASES[value])
    assert res.rejected == []
    assert res.clean[0]["sold_at"] == parsed


@pytest.mark.parametrize("value", ONLINE_OTHER_FORMATS)
def test_timestamps_only_in_the_profiles_formats(value):
    assert_rejected_once(result(ONLINE_OTHER_FORMAT_CASES[value]), f"sold_at '{value}' is not a valid timestamp")


def test_first_matching_timestamp_format_wins():
    res = result(AMBIGUOUS_DAY_MONTH)
    assert res.rejected == []
    assert res.clean[0]["sold_at"] == datetime(2026, 2, 1, 10, 0)


# --- several reasons, raw records --------------------------------------------------------

THREE_RULES = CASES.add(pos([{"quantity": "-1", "unit_price": "-2", "sold_at": "2026-11-05 10:00:00"}]))
GENERIC_AND_ENTITY = CASES.add(pos([{"store_id": "", "quantity": "0", "discount": "abc"}]))
RAW_RECORD = CASES.add(pos([{}, {"line_number": "2", "quantity": "0", "customer_id": "", "product_id": 'P "1"\n'}],
                           file="pos_sales_2026-11-01.csv"))
MIXED_FILE = CASES.add(pos([{"line_number": "1"}, {"line_number": "2", "quantity": "0"}, {"line_number": "3"}]))


def test_row_breaking_three_rules_gets_all_three_reasons():
    reasons = assert_rejected_once(result(THREE_RULES)).split("; ")
    assert reasons == [
        "quantity -1 is negative on a sale that is not a cancellation",
        "unit_price -2.0 is negative",
        "sold_at 2026-11-05 10:00:00 is after the file's business date",
    ]


def test_generic_and_entity_errors_are_combined():
    reasons = result(GENERIC_AND_ENTITY).rejected[0]["dq_errors"].split("; ")
    assert reasons == ["store_id is missing", "discount 'abc' is not a valid discount", "quantity is 0"]


def test_rejected_rows_frame_keeps_the_raw_record_and_lineage():
    (rej,) = result(RAW_RECORD).rejected
    assert list(rej) == REJECTED_COLUMNS
    assert rej["entity"] == "sales_lines"
    assert rej["row_number"] == 2
    assert rej["source_file"] == "pos_sales_2026-11-01.csv"
    assert rej["partition_date"] == date(2026, 11, 1)
    raw = json.loads(rej["raw_record"])
    assert list(raw) == ENTITIES["sales_lines"].column_names  # canonical names, in order
    assert raw["transaction_id"] == "T1"
    assert raw["quantity"] == "0" and raw["unit_price"] == "3.50"  # as it arrived, not typed
    assert raw["customer_id"] == "" and raw["product_name"] is None and raw["product_id"] == 'P "1"\n'
    assert rej["raw_record"] == json.dumps(raw, ensure_ascii=False)  # byte for byte as json.dumps writes it


def test_only_bad_rows_are_rejected_in_a_mixed_file():
    res = result(MIXED_FILE)
    assert res.column("line_number") == [1, 3]
    assert list(errors_by_row(res)) == [2]


# --- other entities ------------------------------------------------------------------


def customer(**kw):
    return {"customer_id": "C1", "email": "ann@example.com", "updated_at": "2026-11-01 09:00:00", **kw}


def customers(rows, profile="synthetic_customers"):
    return CASES.add(bronze("customers", profile, rows), "customers")


BAD_EMAILS = ["not-an-email", "ann@example", "ann smith@example.com", "@example.com", "ann\u00a0smith@example.com"]
BAD_EMAIL_CASES = {e: customers([customer(email=e)]) for e in BAD_EMAILS}
GOOD_CUSTOMERS = customers([customer(), customer(customer_id="C2", email=""),
                            customer(customer_id="C3", signup_date="2025-01-31"),
                            customer(customer_id="C4", signup_date="2025-01-31 00:00:00")])  # Excel date cell
BAD_CUSTOMERS = customers([customer(updated_at=""), customer(customer_id="C2", signup_date="31/01/2025"),
                           customer(customer_id="C3", signup_date="9999-12-31")])  # beyond pandas' nanosecond range
DMY_DATES = customers([customer(signup_date="2026-11-01"), customer(customer_id="C2", signup_date="31/12/2026"),
                       customer(customer_id="C3", signup_date="2026-02-30"),
                       customer(customer_id="C4", signup_date="2026-11-01 10:00:00"),
                       customer(customer_id="C5", signup_date=None)], profile="test_customers_dmy_dates")


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_customers_bad_email_rejected(email):
    assert assert_rejected_once(result(BAD_EMAIL_CASES[email])) == f"email {email} is not an address"


def test_customers_good_or_missing_email_kept():
    res = result(GOOD_CUSTOMERS)
    assert res.rejected == []
    assert res.column("customer_id") == ["C1", "C2", "C3", "C4"]
    assert res.column("signup_date") == [None, None, date(2025, 1, 31), date(2025, 1, 31)]
    assert res.clean[0]["updated_at"] == datetime(2026, 11, 1, 9, 0, 0)


def test_customers_required_and_date_parse():
    errors = errors_by_row(result(BAD_CUSTOMERS))
    assert errors[1] == "updated_at is missing"
    assert errors[2] == "signup_date '31/01/2025' is not a valid date"
    assert errors[3] == "signup_date '9999-12-31' is not a valid date"


def test_dates_in_any_of_the_profiles_date_formats():
    res = result(DMY_DATES)
    assert res.column("customer_id") == ["C1", "C2", "C5"]
    assert res.column("signup_date") == [date(2026, 11, 1), date(2026, 12, 31), None]  # missing is not an error
    assert errors_by_row(res) == {3: "signup_date '2026-02-30' is not a valid date",
                                  4: "signup_date '2026-11-01 10:00:00' is not a valid date"}


SHIFTS = CASES.add(bronze("shifts", "synthetic_shifts", [
    {"shift_id": "SH1", "employee_id": "E1", "store_id": "S1",
     "shift_start": "2026-11-01 09:00:00", "shift_end": "2026-11-01 17:00:00"},
    {"shift_id": "SH2", "employee_id": "E1", "store_id": "S1",
     "shift_start": "2026-11-01 17:00:00", "shift_end": "2026-11-01 09:00:00"},
    {"shift_id": "SH3", "employee_id": "E1", "store_id": "S1",
     "shift_start": "2026-11-01 09:00:00", "shift_end": "2026-11-01 09:00:00"},
]), "shifts")
INVENTORY = CASES.add(bronze("inventory", "synthetic_inventory", [
    {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P1", "on_hand": "5", "reorder_point": "2"},
    {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P2", "on_hand": "-3", "reorder_point": "2"},
    {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P3", "on_hand": "0", "reorder_point": "-1"},
]), "inventory")
INVENTORY_MISSING_INT = CASES.add(bronze("inventory", "synthetic_inventory", [
    {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P1", "on_hand": "5", "reorder_point": ""},
    {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P2", "on_hand": "4", "reorder_point": None},
    {"snapshot_date": "2026-11-01", "store_id": "S1", "product_id": "P3", "on_hand": "3", "reorder_point": "4"},
]), "inventory")
PRODUCTS = CASES.add(bronze("products", "synthetic_products", [
    {"product_name": "Tea", "updated_at": "2026-11-01 00:00:00", "product_id": "P1", "unit_cost": "1.00",
     "list_price": "£2.50"},
    {"product_name": "Tea", "updated_at": "2026-11-01 00:00:00", "product_id": "P2", "unit_cost": "1.00",
     "list_price": "-2.50"},
    {"product_name": "Tea", "updated_at": "2026-11-01 00:00:00", "product_id": "P3", "unit_cost": "-1",
     "list_price": "-1"},
]), "products")
PRODUCTS_MISSING_DECIMAL = CASES.add(bronze("products", "synthetic_products", [
    {"product_name": "Tea", "updated_at": "2026-11-01 00:00:00", "product_id": "P1", "unit_cost": None,
     "list_price": ""},
]), "products")
EMPLOYEES = CASES.add(bronze("employees", "synthetic_employees", [
    {"employee_id": "E1", "store_id": "S1", "hourly_rate": "-11.50"},
    {"employee_id": "E2", "store_id": "S1", "hourly_rate": "11.50", "hired_on": "2024-03-01"},
]), "employees")
STORES = CASES.add(bronze("stores", "synthetic_stores", [
    {"store_id": "S1", "store_name": "Leeds", "country": "UK"},
    {"store_id": "S2", "store_name": "York", "country": ""},
]), "stores")


def test_shifts_end_not_after_start_rejected():
    res = result(SHIFTS)
    assert res.column("shift_id") == ["SH1"]
    assert errors_by_row(res) == {2: "shift_end is not after shift_start", 3: "shift_end is not after shift_start"}


def test_inventory_negative_on_hand_rejected():
    res = result(INVENTORY)
    assert res.column("product_id") == ["P1"]
    assert res.column("snapshot_date") == [date(2026, 11, 1)]
    assert errors_by_row(res) == {2: "on_hand -3 is negative", 3: "reorder_point -1 is negative"}


def test_optional_int_missing_is_null_not_an_error():
    res = result(INVENTORY_MISSING_INT)
    assert res.rejected == []
    assert res.column("reorder_point") == [None, None, 4]


def test_products_negative_price_rejected():
    res = result(PRODUCTS)
    assert res.column("product_id") == ["P1"]
    assert res.column("list_price") == [2.5]
    errors = errors_by_row(res)
    assert errors[2] == "list_price -2.5 is negative"
    assert errors[3] == "unit_cost -1.0 is negative; list_price -1.0 is negative"


def test_optional_decimal_missing_is_null_not_an_error():
    res = result(PRODUCTS_MISSING_DECIMAL)
    assert res.rejected == []
    assert (res.column("unit_cost"), res.column("list_price")) == ([None], [None])


def test_employees_negative_hourly_rate_rejected():
    res = result(EMPLOYEES)
    assert res.column("employee_id") == ["E2"]
    assert res.column("hired_on") == [date(2024, 3, 1)]
    assert errors_by_row(res) == {1: "hourly_rate -11.5 is negative"}


def test_stores_have_only_generic_rules():
    res = result(STORES)
    assert res.column("store_id") == ["S1"]
    assert errors_by_row(res) == {2: "country is missing"}


# --- portability ---------------------------------------------------------------------


def test_whitespace_class_is_pythons():
    """_strip removes exactly what Python's str.strip() removes (the pandas implementation's blank_to_null)."""
    from retail_assets.silver.transform import _strip

    chars = [chr(c) for c in range(1, 0x3001)]
    table = ibis.memtable({"code": [ord(c) for c in chars], "s": [f"{c}x{c}" for c in chars]})
    stripped = table.select("code", s=_strip(table.s)).to_pyarrow().to_pylist()
    con_result = {r["code"]: r["s"] for r in stripped}
    assert {c for c, s in con_result.items() if s == "x"} == {ord(c) for c in chars if c.isspace()}
