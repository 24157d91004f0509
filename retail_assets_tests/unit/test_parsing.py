"""Unit tests of retail_assets.ingestion.parsing: every parser on tiny hand-made Series."""

from __future__ import annotations

import pandas as pd
import pytest

from retail_assets.ingestion import parsing

POS_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M")


def strings(*values) -> pd.Series:
    """Values as bronze delivers them to the parsers (blank_to_null output: string dtype, NA = missing)."""
    return parsing.blank_to_null(pd.Series(list(values), dtype=object))


def as_list(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series.tolist()]


# --- blank_to_null ---------------------------------------------------------


def test_blank_to_null_strips_and_turns_empty_into_missing():
    out = parsing.blank_to_null(pd.Series(["  a ", "", "   ", None, "0"], dtype=object))
    assert as_list(out) == ["a", None, None, None, "0"]


# --- parse_int ---------------------------------------------------------------


def test_parse_int_accepts_whole_numbers_including_float_spelling():
    values, bad = parsing.parse_int(strings("6", "6.0", "-3", "0"))
    assert str(values.dtype) == "Int64"
    assert as_list(values) == [6, 6, -3, 0]
    assert not bad.any()


@pytest.mark.parametrize("text", ["6.5", "six", "6,5", "1 2"])
def test_parse_int_flags_non_integers(text):
    values, bad = parsing.parse_int(strings("1", text))
    assert as_list(bad) == [False, True]
    assert as_list(values) == [1, None]


def test_parse_int_missing_is_null_not_an_error():
    values, bad = parsing.parse_int(strings(None, "", "4"))
    assert as_list(values) == [None, None, 4]
    assert as_list(bad) == [False, False, False]


def test_parse_int_works_on_plain_object_series_too():
    values, bad = parsing.parse_int(pd.Series(["7", None, "x"], dtype=object))
    assert as_list(values) == [7, None, None]
    assert as_list(bad) == [False, False, True]


@pytest.mark.parametrize("text", ["99999999999999999999", "1e19", "1e400"])
def test_parse_int_out_of_range_is_reported_as_bad(text):
    # BUG (parsing.py parse_int): on the string-dtype Series clean_batch passes in, a whole number
    # beyond int64 is not flagged: the float -> Int64 cast wraps it to -9223372036854775808, bad=False.
    values, bad = parsing.parse_int(strings("1", text))
    assert as_list(bad) == [False, True]
    assert as_list(values) == [1, None]


def test_parse_int_out_of_range_on_object_series_does_not_raise():
    # BUG (same root cause): on a plain object Series the same cast raises TypeError
    # ("cannot safely cast non-equivalent float64 to int64") instead of flagging the value.
    values, bad = parsing.parse_int(pd.Series(["1", "99999999999999999999"], dtype=object))
    assert as_list(bad) == [False, True]
    assert as_list(values) == [1, None]


# --- parse_decimal -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3.50", 3.5),
        ("£3.50", 3.5),
        ("$1,234.50", 1234.5),
        ("€ 12.00", 12.0),
        ("12.5 EUR", 12.5),
        ("GBP 7", 7.0),
        ("1,234,567.89", 1234567.89),
        ("-£3.20", -3.2),
        (" 4 ", 4.0),
    ],
)
def test_parse_decimal_strips_currency_and_thousands(text, expected):
    values, bad = parsing.parse_decimal(strings(text))
    assert values.dtype == "float64"
    assert values.iloc[0] == pytest.approx(expected)
    assert not bad.iloc[0]


@pytest.mark.parametrize(
    "text, expected",
    [("1.234,50", 1234.5), ("€12,50", 12.5), ("3", 3.0), ("1.000.000,01", 1000000.01)],
)
def test_parse_decimal_comma_mode(text, expected):
    values, bad = parsing.parse_decimal(strings(text), decimal_mark=",")
    assert values.iloc[0] == pytest.approx(expected)
    assert not bad.iloc[0]


def test_parse_decimal_flags_garbage_and_keeps_missing_as_null():
    values, bad = parsing.parse_decimal(strings("abc", None, "1.2.3", "£"))
    assert as_list(bad) == [True, False, True, True]
    assert values.isna().all()


# --- parse_discount -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [("0.1", 0.1), ("10%", 0.1), ("10", 0.1), ("0", 0.0), ("0%", 0.0), ("1", 1.0), ("100%", 1.0), ("25.5%", 0.255)],
)
def test_parse_discount_fraction_percent_and_bare_number(text, expected):
    values, bad = parsing.parse_discount(strings(text))
    assert values.iloc[0] == pytest.approx(expected)
    assert not bad.iloc[0]


@pytest.mark.parametrize("text", ["150", "150%", "-5", "-0.1", "abc", "%"])
def test_parse_discount_rejects_out_of_range_and_garbage(text):
    values, bad = parsing.parse_discount(strings("0.2", text))
    assert as_list(bad) == [False, True]
    assert values.iloc[0] == pytest.approx(0.2)
    assert pd.isna(values.iloc[1])  # a bad value is not silently kept


def test_parse_discount_missing_is_not_an_error():
    values, bad = parsing.parse_discount(strings(None, ""))
    assert not bad.any()
    assert values.isna().all()


# --- parse_timestamp / parse_date ---------------------------------------------


def test_parse_timestamp_mixed_formats_in_one_series():
    values, bad = parsing.parse_timestamp(
        strings(
            "2026-11-01 10:00:00",
            "2026-11-01T11:30:00",
            "01/11/2026 12:15",  # day-first: 1 November, never 11 January
            "13/01/2026 09:05",
            "2026/11/01 10:00",  # no format fits
            None,
        ),
        POS_FORMATS,
    )
    assert values.dtype == "datetime64[ns]"
    assert as_list(values)[:4] == [
        pd.Timestamp("2026-11-01 10:00:00"),
        pd.Timestamp("2026-11-01 11:30:00"),
        pd.Timestamp("2026-11-01 12:15:00"),
        pd.Timestamp("2026-01-13 09:05:00"),
    ]
    assert pd.isna(values.iloc[4]) and pd.isna(values.iloc[5])
    assert as_list(bad) == [False, False, False, False, True, False]


def test_parse_timestamp_only_uses_the_given_formats():
    values, bad = parsing.parse_timestamp(strings("2026-11-01T11:30:00", "2026-11-01", "01/11/2026 12:15"),
                                          ("%Y-%m-%d %H:%M:%S",))
    assert values.isna().all()
    assert bad.all()


def test_parse_timestamp_first_matching_format_wins():
    # '01/02/2026 10:00' fits both; the profile's order decides (day-first listed first).
    values, bad = parsing.parse_timestamp(strings("01/02/2026 10:00"), ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"))
    assert values.iloc[0] == pd.Timestamp("2026-02-01 10:00")
    assert not bad.any()


def test_parse_date_formats_and_errors():
    values, bad = parsing.parse_date(
        strings("2026-11-01", "31/12/2026", "2026-02-30", "2026-11-01 10:00:00", None),
        ("%Y-%m-%d", "%d/%m/%Y"),
    )
    assert as_list(values)[:2] == [pd.Timestamp("2026-11-01"), pd.Timestamp("2026-12-31")]
    assert all(v is None or (v.hour, v.minute) == (0, 0) for v in as_list(values))
    assert as_list(bad) == [False, False, True, True, False]
    assert pd.isna(values.iloc[2]) and pd.isna(values.iloc[3]) and pd.isna(values.iloc[4])
