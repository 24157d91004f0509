"""Clean sales lines of one day, fully vectorised with numpy.

Transactions are drawn first (channel, customer, store, time, basket size,
payment, till worker), then exploded into lines (product, quantity, price,
discount). Lines are typed columns (indices into the universe, integer cents
and percents) kept as plain numpy arrays rather than a DataFrame: at a million
lines pandas' block copies would cost more than the simulation itself.
`render` turns them into the contract's text and `defects` spoils them.
"""

from __future__ import annotations

from datetime import date
from typing import Iterator

import numpy as np
import pandas as pd

from retail_assets.synthetic import patterns, seeding
from retail_assets.synthetic.dimensions import SEGMENTS, Universe
from retail_assets.synthetic.operations import TILL_HANDOVER_HOUR

PAYMENT_METHODS = ("cash", "card", "mobile", "gift_card")
IN_STORE_PAYMENT_P = np.array([0.20, 0.60, 0.15, 0.05])
ONLINE_PAYMENT_P = np.array([0.0, 0.70, 0.25, 0.05])

GUEST = len(SEGMENTS)  # segment code of a sale without a customer
IN_STORE_GUEST_P = 0.30  # many shoppers never show a loyalty card
ONLINE_GUEST_P = 0.05  # the web shop asks for an account, but allows guest checkout
HOME_STORE_P = 0.85  # customers mostly shop at their home store

# Churners fade out exponentially from their churn start, then stop for good.
CHURN_DECAY_DAYS = 5.0
CHURN_STOP_DAYS = 20

# Per segment (vip, regular, occasional, guest): basket size, preference for
# pricier products (exponent on price) and units per line.
BASKET_MULTIPLIER = np.array([1.5, 1.0, 0.8, 0.7])
BASE_EXTRA_LINES = 1.1  # lines per basket beyond the first, before multipliers
PRICE_PREFERENCE = np.array([0.5, 0.0, -0.2, -0.1])
EXTRA_UNITS = np.array([0.5, 0.25, 0.2, 0.2])

DISCOUNT_PCTS = np.array([5, 10, 15, 20, 25, 30, 40, 50])
DISCOUNT_PCT_P = np.array([0.15, 0.30, 0.15, 0.15, 0.10, 0.08, 0.05, 0.02])

# Columns of the typed lines; *_style columns say how a value is written (0 = clean).
LINE_COLUMNS = [
    "store", "tx_number", "line_number", "day_offset", "second", "customer", "employee", "product",
    "quantity", "price_cents", "discount_pct", "payment", "online", "date_style", "price_style", "discount_style",
]

Lines = dict[str, np.ndarray]  # one equal-length array per name in LINE_COLUMNS


def take(lines: Lines, index: np.ndarray) -> Lines:
    """The lines at `index` (a mask or positions) in every column: filter, reorder or repeat."""
    return {name: column[index] for name, column in lines.items()}


def split(lines: Lines, size: int) -> Iterator[Lines]:
    """Consecutive runs of at most `size` lines; always at least one, possibly empty."""
    n = len(lines["store"])
    for begin in range(0, max(n, 1), size):
        yield take(lines, slice(begin, begin + size))


def customer_activity(universe: Universe, day: date) -> np.ndarray:
    """Purchase-rate multiplier per customer on `day`: 0 before signup, decaying for churners."""
    customers = universe.customers
    today = day.toordinal()
    since_churn = today - customers["churn_start_ord"].to_numpy(dtype=np.float64)
    decay = np.where(since_churn <= 0, 1.0, np.exp(-np.maximum(since_churn, 0) / CHURN_DECAY_DAYS))
    decay[since_churn > CHURN_STOP_DAYS] = 0.0
    signed_up = customers["signup_ord"].to_numpy() <= today
    return decay * signed_up


def _normalise(weights: np.ndarray) -> np.ndarray:
    """Probabilities from non-negative weights."""
    return weights / weights.sum()


def _draw_transactions(
    rng: np.random.Generator, universe: Universe, day: date, n: int, activity: np.ndarray
) -> dict[str, np.ndarray]:
    """`n` transactions with channel, customer, store, time of day, basket size and payment."""
    stores, customers = universe.stores, universe.customers
    online_store = universe.online_store
    physical = np.flatnonzero(stores["store_type"].to_numpy() != "online")
    traffic = _normalise(stores["traffic"].to_numpy()[physical])
    rate = customers["base_rate"].to_numpy() * activity
    affinity = customers["online_affinity"].to_numpy()

    online = rng.random(n) < patterns.online_share(day)
    guest = rng.random(n) < np.where(online, ONLINE_GUEST_P, IN_STORE_GUEST_P)
    customer = np.full(n, -1, dtype=np.int64)
    in_store_known, online_known = ~online & ~guest, online & ~guest
    customer[in_store_known] = rng.choice(len(rate), in_store_known.sum(), p=_normalise(rate * (1 - affinity)))
    customer[online_known] = rng.choice(len(rate), online_known.sum(), p=_normalise(rate * affinity))

    store = np.where(online, online_store, physical[rng.choice(len(physical), n, p=traffic)])
    at_home = in_store_known & (rng.random(n) < HOME_STORE_P)
    store[at_home] = customers["home_store"].to_numpy()[customer[at_home]]

    segment_code = pd.Categorical(customers["segment"], categories=SEGMENTS).codes.astype(np.int64)
    segment = np.where(customer >= 0, segment_code[np.maximum(customer, 0)], GUEST)
    hour = np.where(
        online,
        rng.choice(24, n, p=patterns.online_hour_weights()),
        patterns.STORE_OPEN_HOUR + rng.choice(len(patterns.STORE_HOUR_WEIGHT), n, p=patterns.store_hour_weights(day)),
    )
    second = hour * 3600 + rng.integers(0, 3600, n)
    basket_boost = stores["basket_boost"].to_numpy()[store]
    basket = 1 + rng.poisson(BASE_EXTRA_LINES * BASKET_MULTIPLIER[segment] * basket_boost)
    payment = np.where(
        online, rng.choice(4, n, p=ONLINE_PAYMENT_P), rng.choice(4, n, p=IN_STORE_PAYMENT_P)
    )
    return {"online": online, "customer": customer, "store": store, "segment": segment,
            "second": second, "basket": basket, "payment": payment}


def _cut_to_lines(tx: dict[str, np.ndarray], target: int) -> dict[str, np.ndarray]:
    """Keep the transactions that fill exactly `target` lines, trimming the last basket."""
    ends = np.cumsum(tx["basket"])
    keep = int(np.searchsorted(ends, target)) + 1  # first transaction reaching the target, inclusive
    kept = {k: v[:keep].copy() for k, v in tx.items()}
    kept["basket"][-1] -= int(ends[keep - 1]) - target
    return kept


def _number_per_store(store: np.ndarray) -> np.ndarray:
    """1-based running number of each transaction within its store, in the current order."""
    order = np.lexsort((np.arange(len(store)), store))
    sorted_store = store[order]
    number = np.empty(len(store), dtype=np.int64)
    number[order] = np.arange(len(store)) - np.searchsorted(sorted_store, sorted_store, side="left") + 1
    return number


def _assign_tills(
    rng: np.random.Generator, tx: dict[str, np.ndarray], roster: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Employee at the till for each transaction: someone on shift in that store and half-day."""
    slot = (tx["second"] >= TILL_HANDOVER_HOUR * 3600).astype(np.int64)
    available = counts[tx["store"], slot]
    pick = np.floor(rng.random(len(slot)) * available).astype(np.int64)
    employee = roster[tx["store"], slot, np.minimum(pick, roster.shape[2] - 1)]
    return np.where(tx["online"] | (available == 0), -1, employee)


def simulate_sales(
    universe: Universe,
    day: date,
    list_price: np.ndarray,
    roster: np.ndarray,
    counts: np.ndarray,
    lines_per_day: int,
) -> Lines:
    """Typed clean sales lines of `day`, exactly `patterns.line_target(...)` of them."""
    target = patterns.line_target(universe.seed, day, lines_per_day)
    rng = seeding.day_rng(universe.seed, day, seeding.SALES)
    activity = customer_activity(universe, day)
    batch = int(target / 2.0 * 1.3) + 16  # enough transactions almost always; topped up below if not
    parts = [_draw_transactions(rng, universe, day, batch, activity)]
    while sum(p["basket"].sum() for p in parts) < target:
        parts.append(_draw_transactions(rng, universe, day, batch, activity))
    tx = _cut_to_lines({k: np.concatenate([p[k] for p in parts]) for k in parts[0]}, target)

    order = np.lexsort((tx["store"], tx["second"]))  # files list sales in time order
    tx = {k: v[order] for k, v in tx.items()}
    tx["number"] = _number_per_store(tx["store"])
    tx["employee"] = _assign_tills(rng, tx, roster, counts)

    basket = tx["basket"]
    line_tx = np.repeat(np.arange(len(basket)), basket)
    first_line = np.cumsum(basket) - basket
    n_lines = len(line_tx)
    segment = tx["segment"][line_tx]
    store = tx["store"][line_tx]

    product = np.empty(n_lines, dtype=np.int64)
    popularity = universe.products["popularity"].to_numpy()
    for code, preference in enumerate(PRICE_PREFERENCE):  # four segments, not one loop per line
        mask = segment == code
        p = _normalise(popularity * list_price**preference)
        product[mask] = rng.choice(len(p), mask.sum(), p=p)
    quantity = 1 + rng.poisson(EXTRA_UNITS[segment])
    discount_p = np.minimum(0.9, patterns.promo_intensity(day) * universe.stores["discount_boost"].to_numpy()[store])
    discounted = rng.random(n_lines) < discount_p
    discount_pct = np.where(discounted, rng.choice(DISCOUNT_PCTS, n_lines, p=DISCOUNT_PCT_P), 0)

    def zeros() -> np.ndarray:
        return np.zeros(n_lines, dtype=np.int8)

    return {
        "store": store,
        "tx_number": tx["number"][line_tx],
        "line_number": np.arange(n_lines) - first_line[line_tx] + 1,
        "day_offset": zeros(),
        "second": tx["second"][line_tx],
        "customer": tx["customer"][line_tx],
        "employee": tx["employee"][line_tx],
        "product": product,
        "quantity": quantity,
        "price_cents": np.round(list_price * 100).astype(np.int64)[product],
        "discount_pct": discount_pct,
        "payment": tx["payment"][line_tx],
        "online": tx["online"][line_tx],
        "date_style": zeros(),
        "price_style": zeros(),
        "discount_style": zeros(),
    }
