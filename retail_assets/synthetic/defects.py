"""Defect injection into typed sales lines: pure functions, one per defect kind.

Each function takes the lines, a generator and a rate (the share of eligible
lines, or of transactions for late arrivals, that get the defect) and returns
new lines; the input arrays are never modified. With rate 0 nothing changes.
The defects live only in the data: nothing records which lines were spoiled.
"""

from __future__ import annotations

import numpy as np

from retail_assets.synthetic.sales import Lines, take

# How a value is written; 0 is always the clean form (see `render`).
DATE_DAY_FIRST, DATE_ISO_T = 1, 2  # 'DD/MM/YYYY HH:MM', 'YYYY-MM-DDTHH:MM:SS'
PRICE_WITH_SYMBOL = 1  # '£12.50' / '$12.50', symbol of the store's country
DISCOUNT_PERCENT_SIGN, DISCOUNT_PERCENT_NUMBER = 1, 2  # '10%', '10'

MAX_LATE_DAYS = 2


def _pick(rng: np.random.Generator, eligible: np.ndarray, rate: float) -> np.ndarray:
    """Boolean mask: each eligible row independently with probability `rate`."""
    return eligible & (rng.random(len(eligible)) < rate)


def _every(lines: Lines) -> np.ndarray:
    """All lines are eligible."""
    return np.ones(len(lines["store"]), dtype=bool)


def late_arrivals(lines: Lines, rng: np.random.Generator, rate: float, signup_ord: np.ndarray, day_ord: int) -> Lines:
    """Whole transactions sold 1-2 days earlier that only arrive in this file, at its end."""
    tx_key = lines["store"] * 10_000_000 + lines["tx_number"]
    keys, first, which = np.unique(tx_key, return_index=True, return_inverse=True)
    lag = rng.integers(1, MAX_LATE_DAYS + 1, len(keys))
    customer = lines["customer"][first]
    # A late sale must still be on or after its customer's signup day.
    fits = (customer < 0) | (signup_ord[np.maximum(customer, 0)] <= day_ord - lag)
    late = _pick(rng, fits, rate)
    offset = np.where(late, -lag, 0).astype(np.int8)[which.reshape(-1)]
    # The late batch goes to the end of the file, each part keeping its time order.
    order = np.concatenate([np.flatnonzero(offset == 0), np.flatnonzero(offset < 0)])
    return take({**lines, "day_offset": offset}, order)


def null_customers(lines: Lines, rng: np.random.Generator, rate: float) -> Lines:
    """Lines of a known customer's transaction that lost their customer id."""
    hit = _pick(rng, lines["customer"] >= 0, rate)
    return {**lines, "customer": np.where(hit, -1, lines["customer"])}


def bad_quantities(lines: Lines, rng: np.random.Generator, rate: float) -> Lines:
    """Quantities keyed in as zero or with a minus sign."""
    hit = _pick(rng, _every(lines), rate)
    zero = rng.random(len(hit)) < 0.5
    return {**lines, "quantity": np.where(hit, np.where(zero, 0, -lines["quantity"]), lines["quantity"])}


def percent_discounts(lines: Lines, rng: np.random.Generator, rate: float) -> Lines:
    """Discounts written as '10%' or '10' instead of 0.1 (only where there is a discount)."""
    hit = _pick(rng, lines["discount_pct"] > 0, rate)
    style = rng.choice(np.array([DISCOUNT_PERCENT_SIGN, DISCOUNT_PERCENT_NUMBER], dtype=np.int8), len(hit))
    return {**lines, "discount_style": np.where(hit, style, lines["discount_style"])}


def mixed_date_formats(lines: Lines, rng: np.random.Generator, rate: float) -> Lines:
    """sold_at written day-first with slashes or ISO with a 'T', next to the normal format."""
    hit = _pick(rng, _every(lines), rate)
    style = rng.choice(np.array([DATE_DAY_FIRST, DATE_ISO_T], dtype=np.int8), len(hit))
    return {**lines, "date_style": np.where(hit, style, lines["date_style"])}


def currency_prices(lines: Lines, rng: np.random.Generator, rate: float) -> Lines:
    """Unit prices with the store's currency symbol in front."""
    hit = _pick(rng, _every(lines), rate)
    return {**lines, "price_style": np.where(hit, np.int8(PRICE_WITH_SYMBOL), lines["price_style"])}


def duplicate_lines(lines: Lines, rng: np.random.Generator, rate: float) -> Lines:
    """Exact copies of some lines, right after the original as a resent record would be."""
    copies = 1 + _pick(rng, _every(lines), rate).astype(np.int64)
    return take(lines, np.repeat(np.arange(len(copies)), copies))


def inject_defects(lines: Lines, rng: np.random.Generator, rate: float, signup_ord: np.ndarray, day_ord: int) -> Lines:
    """Every defect kind at `rate`; duplicates last so that copies are exact copies."""
    if rate <= 0:
        return lines
    lines = late_arrivals(lines, rng, rate, signup_ord, day_ord)
    lines = null_customers(lines, rng, rate)
    lines = bad_quantities(lines, rng, rate)
    lines = percent_discounts(lines, rng, rate)
    lines = mixed_date_formats(lines, rng, rate)
    lines = currency_prices(lines, rng, rate)
    return duplicate_lines(lines, rng, rate)
