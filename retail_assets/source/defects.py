"""Defect injection into typed sales lines: pure functions, one per defect kind.

Each function takes the lines, a generator and a rate (the share of eligible
lines, or transactions for late arrivals, that get the defect) and returns a
new frame; the input is never modified. With rate 0 nothing changes. The
defects live only in the data: nothing records which lines were spoiled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# How a value is written; 0 is always the clean form (see `render`).
DATE_DAY_FIRST, DATE_ISO_T = 1, 2  # 'DD/MM/YYYY HH:MM', 'YYYY-MM-DDTHH:MM:SS'
PRICE_WITH_SYMBOL = 1  # '£12.50' / '$12.50', symbol of the store's country
DISCOUNT_PERCENT_SIGN, DISCOUNT_PERCENT_NUMBER = 1, 2  # '10%', '10'

MAX_LATE_DAYS = 2


def _pick(rng: np.random.Generator, eligible: np.ndarray, rate: float) -> np.ndarray:
    """Boolean mask: each eligible row independently with probability `rate`."""
    return eligible & (rng.random(len(eligible)) < rate)


def late_arrivals(
    lines: pd.DataFrame, rng: np.random.Generator, rate: float, signup_ord: np.ndarray, day_ord: int
) -> pd.DataFrame:
    """Whole transactions sold 1-2 days earlier that only arrive in this file, at its end."""
    tx_key = lines["store"].to_numpy() * 10_000_000 + lines["tx_number"].to_numpy()
    keys, first = np.unique(tx_key, return_index=True)
    lag = rng.integers(1, MAX_LATE_DAYS + 1, len(keys))
    customer = lines["customer"].to_numpy()[first]
    # A late sale must still postdate its customer's signup.
    fits = (customer < 0) | (signup_ord[np.maximum(customer, 0)] <= day_ord - lag)
    late = _pick(rng, fits, rate)
    offset = np.zeros(len(keys), dtype=np.int8)
    offset[late] = -lag[late]
    out = lines.assign(day_offset=offset[np.searchsorted(keys, tx_key)])
    # Stable sort on "is late" moves the late batch to the end, keeping time order within each part.
    return out.iloc[np.argsort(out["day_offset"].to_numpy() < 0, kind="stable")].reset_index(drop=True)


def null_customers(lines: pd.DataFrame, rng: np.random.Generator, rate: float) -> pd.DataFrame:
    """Lines of a known customer's transaction that lost their customer id."""
    hit = _pick(rng, lines["customer"].to_numpy() >= 0, rate)
    return lines.assign(customer=np.where(hit, -1, lines["customer"].to_numpy()))


def bad_quantities(lines: pd.DataFrame, rng: np.random.Generator, rate: float) -> pd.DataFrame:
    """Quantities keyed in as zero or with a minus sign."""
    quantity = lines["quantity"].to_numpy()
    hit = _pick(rng, np.ones(len(lines), dtype=bool), rate)
    zero = rng.random(len(lines)) < 0.5
    return lines.assign(quantity=np.where(hit, np.where(zero, 0, -quantity), quantity))


def percent_discounts(lines: pd.DataFrame, rng: np.random.Generator, rate: float) -> pd.DataFrame:
    """Discounts written as '10%' or '10' instead of 0.1 (only where there is a discount)."""
    hit = _pick(rng, lines["discount_pct"].to_numpy() > 0, rate)
    style = rng.choice([DISCOUNT_PERCENT_SIGN, DISCOUNT_PERCENT_NUMBER], len(lines))
    return lines.assign(discount_style=np.where(hit, style, lines["discount_style"].to_numpy()).astype(np.int8))


def mixed_date_formats(lines: pd.DataFrame, rng: np.random.Generator, rate: float) -> pd.DataFrame:
    """sold_at written day-first with slashes or ISO with a 'T', next to the normal format."""
    hit = _pick(rng, np.ones(len(lines), dtype=bool), rate)
    style = rng.choice([DATE_DAY_FIRST, DATE_ISO_T], len(lines))
    return lines.assign(date_style=np.where(hit, style, lines["date_style"].to_numpy()).astype(np.int8))


def currency_prices(lines: pd.DataFrame, rng: np.random.Generator, rate: float) -> pd.DataFrame:
    """Unit prices with the store's currency symbol in front."""
    hit = _pick(rng, np.ones(len(lines), dtype=bool), rate)
    return lines.assign(price_style=np.where(hit, PRICE_WITH_SYMBOL, lines["price_style"].to_numpy()).astype(np.int8))


def duplicate_lines(lines: pd.DataFrame, rng: np.random.Generator, rate: float) -> pd.DataFrame:
    """Exact copies of some lines, right after the original as a resent record would be."""
    copies = 1 + _pick(rng, np.ones(len(lines), dtype=bool), rate).astype(np.int64)
    return lines.iloc[np.repeat(np.arange(len(lines)), copies)].reset_index(drop=True)


def inject_defects(
    lines: pd.DataFrame, rng: np.random.Generator, rate: float, signup_ord: np.ndarray, day_ord: int
) -> pd.DataFrame:
    """All defect kinds at `rate` each; duplicates last so that copies are exact copies."""
    if rate <= 0:
        return lines
    lines = late_arrivals(lines, rng, rate, signup_ord, day_ord)
    lines = null_customers(lines, rng, rate)
    lines = bad_quantities(lines, rng, rate)
    lines = percent_discounts(lines, rng, rate)
    lines = mixed_date_formats(lines, rng, rate)
    lines = currency_prices(lines, rng, rate)
    return duplicate_lines(lines, rng, rate)
