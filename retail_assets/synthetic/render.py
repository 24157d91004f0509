"""Typed sales lines to the contract's text: POS CSV columns and online NDJSON lines.

Everything is table look-ups and array operations: Python formats each
distinct value once (a few hundred prices, ids, times), never each line.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
from itertools import repeat
from typing import Callable

import numpy as np
import pandas as pd

from retail_assets.synthetic.defects import (
    DATE_DAY_FIRST,
    DATE_ISO_T,
    DISCOUNT_PERCENT_NUMBER,
    DISCOUNT_PERCENT_SIGN,
    PRICE_WITH_SYMBOL,
)
from retail_assets.synthetic.dimensions import Universe
from retail_assets.synthetic.sales import PAYMENT_METHODS, Lines, take

POS_COLUMNS = [
    "transaction_id", "line_number", "sold_at", "store_id", "customer_id", "employee_id",
    "product_id", "quantity", "unit_price", "discount", "payment_method", "channel",
]


def _format_distinct(values: np.ndarray, fmt: Callable[[int], str]) -> np.ndarray:
    """Format each distinct value once and spread the results back over the array."""
    if len(values) == 0:
        return np.empty(0, dtype=object)
    low, high = int(values.min()), int(values.max())
    if high - low < max(4096, len(values)):  # dense range: a direct table beats sorting
        return np.array([fmt(v) for v in range(low, high + 1)], dtype=object)[values - low]
    distinct, inverse = np.unique(values, return_inverse=True)
    return np.array([fmt(int(v)) for v in distinct], dtype=object)[inverse.reshape(-1)]


def _with_blank(ids: pd.Series, blank: str) -> np.ndarray:
    """Id look-up table whose last entry is `blank`, so index -1 (no entity) maps to it."""
    return np.append(ids.to_numpy(dtype=object), blank)


@lru_cache(maxsize=2)
def _clock(with_seconds: bool) -> np.ndarray:
    """'HH:MM:SS' (or 'HH:MM') for every second of a day."""
    s = np.arange(86_400)
    if with_seconds:
        return np.array([f"{h:02d}:{m:02d}:{x:02d}" for h, m, x in zip(s // 3600, s // 60 % 60, s % 60)], dtype=object)
    return np.array([f"{h:02d}:{m:02d}" for h, m in zip(s // 3600, s // 60 % 60)], dtype=object)


def _sold_at(lines: Lines, day: date) -> np.ndarray:
    """sold_at text in each line's date style, on the file day shifted by its day offset."""
    offset = lines["day_offset"].astype(np.int64)
    style = lines["date_style"]
    second = lines["second"]
    first = int(offset.min(initial=0))
    dates = [day + timedelta(days=d) for d in range(first, 1)]
    # (date prefix per offset, clock table) for each style; index 0 of `dates` is the earliest offset.
    styles = {
        0: ([f"{d.isoformat()} " for d in dates], _clock(True)),
        DATE_DAY_FIRST: ([f"{d:%d/%m/%Y} " for d in dates], _clock(False)),
        DATE_ISO_T: ([f"{d.isoformat()}T" for d in dates], _clock(True)),
    }
    out = np.empty(len(second), dtype=object)
    for code, (prefixes, clock) in styles.items():
        mask = style == code
        out[mask] = np.array(prefixes, dtype=object)[offset[mask] - first] + clock[second[mask]]
    return out


def _price_text(cents: np.ndarray) -> np.ndarray:
    """'12.50' for 1250 cents."""
    return _format_distinct(cents, lambda c: f"{c // 100}.{c % 100:02d}")


def _discount_text(pct: np.ndarray, style: np.ndarray) -> np.ndarray:
    """'0.1' normally; '10%' or '10' when spoiled (all meaning ten percent)."""
    fraction = _format_distinct(pct, lambda p: f"{p / 100:g}")
    percent = _format_distinct(pct, str)
    return np.where(
        style == DISCOUNT_PERCENT_SIGN, percent + "%", np.where(style == DISCOUNT_PERCENT_NUMBER, percent, fraction)
    )


def _transaction_ids(lines: Lines, universe: Universe, day: date) -> np.ndarray:
    """'T20261101-S003-000123': file day, store, running number in the store (unique across days)."""
    prefix = np.array([f"T{day:%Y%m%d}-{s}-" for s in universe.stores["store_id"]], dtype=object)
    return prefix[lines["store"]] + _format_distinct(lines["tx_number"], lambda n: f"{n:06d}")


def _common(lines: Lines, universe: Universe, day: date) -> dict[str, np.ndarray]:
    """Text of the fields that read the same in the CSV and the NDJSON."""
    return {
        "transaction_id": _transaction_ids(lines, universe, day),
        "line_number": _format_distinct(lines["line_number"], str),
        "sold_at": _sold_at(lines, day),
        "store_id": universe.stores["store_id"].to_numpy(dtype=object)[lines["store"]],
        "quantity": _format_distinct(lines["quantity"], str),
        "price": _price_text(lines["price_cents"]),
        "symbol": universe.stores["currency_symbol"].to_numpy(dtype=object)[lines["store"]],
        "payment_method": np.array(PAYMENT_METHODS, dtype=object)[lines["payment"]],
    }


def pos_table(lines: Lines, universe: Universe, day: date) -> dict[str, np.ndarray]:
    """The in-store lines as the text columns of `pos_sales_D.csv`, in contract order."""
    lines = take(lines, ~lines["online"])
    text = _common(lines, universe, day)
    price_style = lines["price_style"]
    table = {
        "transaction_id": text["transaction_id"],
        "line_number": text["line_number"],
        "sold_at": text["sold_at"],
        "store_id": text["store_id"],
        "customer_id": _with_blank(universe.customers["customer_id"], "")[lines["customer"]],
        "employee_id": _with_blank(universe.employees["employee_id"], "")[lines["employee"]],
        "product_id": universe.products["product_id"].to_numpy(dtype=object)[lines["product"]],
        "quantity": text["quantity"],
        "unit_price": np.where(price_style == PRICE_WITH_SYMBOL, text["symbol"] + text["price"], text["price"]),
        "discount": _discount_text(lines["discount_pct"], lines["discount_style"]),
        "payment_method": text["payment_method"],
        "channel": np.full(len(price_style), "in_store", dtype=object),
    }
    return {name: table[name] for name in POS_COLUMNS}


def _json_ids(ids: pd.Series) -> np.ndarray:
    """Quoted JSON ids with `null` last, so index -1 (no entity) maps to null."""
    return np.append(np.array([json.dumps(i) for i in ids], dtype=object), "null")


def online_json_lines(lines: Lines, universe: Universe, day: date) -> np.ndarray:
    """The web shop's lines as NDJSON objects (one string each) with a nested product."""
    lines = take(lines, lines["online"])
    text = _common(lines, universe, day)
    products = universe.products
    product_json = np.array(
        [
            json.dumps({"id": i, "name": n, "category": c}, ensure_ascii=False)
            for i, n, c in zip(products["product_id"], products["product_name"], products["category"])
        ],
        dtype=object,
    )
    price_style = lines["price_style"]
    discount_style = lines["discount_style"]
    discount = _discount_text(lines["discount_pct"], discount_style)
    # Clean prices and discounts are JSON numbers; '£12.50' and '10%' can only be strings.
    price = np.where(price_style == PRICE_WITH_SYMBOL, '"' + text["symbol"] + text["price"] + '"', text["price"])
    discount = np.where(discount_style == DISCOUNT_PERCENT_SIGN, '"' + discount + '"', discount)
    parts = [
        '{"transaction_id": "', text["transaction_id"],
        '", "line_number": ', text["line_number"],
        ', "sold_at": "', text["sold_at"],
        '", "store_id": "', text["store_id"],
        '", "customer_id": ', _json_ids(universe.customers["customer_id"])[lines["customer"]],
        ', "employee_id": ', _json_ids(universe.employees["employee_id"])[lines["employee"]],
        ', "product": ', product_json[lines["product"]],
        ', "quantity": ', text["quantity"],
        ', "unit_price": ', price,
        ', "discount": ', discount,
        ', "payment_method": "', text["payment_method"],
        '", "channel": "online"}',
    ]
    columns = [repeat(p) if isinstance(p, str) else p for p in parts]
    # One join per line, driven by map/zip in C: concatenating column by column would copy
    # each growing string again and again.
    return np.array(list(map("".join, zip(*columns))), dtype=object)
