"""Vectorised parsers for the values sources actually send.

Each parser takes a Series of strings (None = missing) and returns the typed
Series plus a boolean mask of values that were present but could not be parsed,
so every failure can be reported, not only the first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CURRENCY_SYMBOLS = r"[£$€¥]|GBP|USD|EUR"


def blank_to_null(values: pd.Series) -> pd.Series:
    """Strip whitespace; empty strings become None (CSV cannot tell empty from missing)."""
    # Arrow-backed strings: vectorised in C++, several times faster than object strings.
    stripped = values.astype("string[pyarrow]").str.strip()
    return stripped.mask(stripped == "", pd.NA)


def parse_int(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Integers; '6' and '6.0' are 6, '6.5' and 'six' are errors."""
    numbers = pd.to_numeric(values.astype("string"), errors="coerce").astype("float64")
    # Beyond +-2**53 floats stop being exact, and beyond int64 the cast wraps around:
    # such "integers" are errors, never silently changed numbers.
    ok = numbers.notna() & (numbers == np.floor(numbers)) & (numbers.abs() < 2.0**53)
    bad = values.notna() & ~ok
    return numbers.where(ok).astype("Int64"), bad


def parse_decimal(values: pd.Series, decimal_mark: str = ".") -> tuple[pd.Series, pd.Series]:
    """Decimals with currency symbols and thousands separators removed ('£1,234.50')."""
    text = values.astype("string").str.replace(CURRENCY_SYMBOLS, "", regex=True).str.replace(" ", "")
    if decimal_mark == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = values.notna() & numbers.isna()
    return numbers, bad


def parse_discount(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Discount as a fraction: '0.1', '10%' and '10' all mean 10%.

    A bare number above 1 is read as a percentage (nobody gives a 1000% discount);
    1 itself stays 100%. Values outside 0..100% are errors.
    """
    text = values.astype("string").str.strip()
    has_percent = text.str.endswith("%").fillna(False)
    numbers = pd.to_numeric(text.str.rstrip("%"), errors="coerce").astype("float64")
    as_percent = has_percent | (numbers > 1)
    fraction = numbers.where(~as_percent, numbers / 100.0)
    bad = values.notna() & (fraction.isna() | (fraction < 0) | (fraction > 1))
    return fraction.where(~bad), bad


def parse_timestamp(values: pd.Series, formats: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """Timestamps in any of the profile's formats, tried in order (first that fits wins)."""
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    text = values.astype("string")
    for fmt in formats:
        todo = result.isna() & text.notna()
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        result[todo] = parsed
    bad = values.notna() & result.isna()
    return result, bad


def parse_date(values: pd.Series, formats: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """Dates (midnight timestamps) in any of the profile's date formats."""
    stamps, bad = parse_timestamp(values, formats)
    return stamps.dt.normalize(), bad
