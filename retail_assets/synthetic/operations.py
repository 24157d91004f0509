"""Store operations of a day: staff shifts and end-of-day inventory snapshots.

Both depend only on (seed, universe, date): shifts are drawn from the day's
stream, and stock follows a replenishment sawtooth whose phase is fixed per
store and product, so no state has to be carried from one day to the next.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from retail_assets.synthetic import patterns, seeding
from retail_assets.synthetic.dimensions import Universe

SHIFT_COLUMNS = ["shift_id", "employee_id", "store_id", "shift_start", "shift_end"]
INVENTORY_COLUMNS = ["snapshot_date", "store_id", "product_id", "on_hand", "reorder_point"]

# Shift hours as (start, end) hour of the day. Stores trade 08:00-22:00; the
# early and late till shifts overlap 14:00-16:00 for the hand-over.
EARLY, LATE = (8, 16), (14, 22)
MANAGER, STOCK = (9, 17), (6, 14)
TILL_HANDOVER_HOUR = 15  # sales before 15:00 are rung up by the early shift
WORK_P = {"weekday": 0.68, "weekend": 0.8}  # more staff on the busy weekend

# Units sold per day over the whole chain, for sizing stock (not the sales volume).
NOMINAL_UNITS_PER_DAY = 2600.0
ONLINE_STOCK_SHARE = 0.2  # the web shop's warehouse carries a fifth of the demand
REPLENISH_CYCLES = np.array([7, 10, 14])


def plan_shifts(universe: Universe, day: date) -> pd.DataFrame:
    """Who works when in every physical store, with at least one till worker early and late."""
    rng = seeding.day_rng(universe.seed, day, seeding.SHIFTS)
    staff = universe.employees
    weekend = day.weekday() >= 5
    works = rng.random(len(staff)) < WORK_P["weekend" if weekend else "weekday"]
    late = rng.random(len(staff)) < 0.5
    is_manager = (staff["role"] == "store_manager").to_numpy()
    works[is_manager] = not weekend or rng.random() < 0.3
    tills = staff["takes_payments"].to_numpy()
    if patterns.stores_closed(day):
        works[:] = False

    # Cover both till slots in every open store: a store must never lack a cashier.
    for store in np.unique(staff["store_idx"]) if not patterns.stores_closed(day) else []:
        mine = np.flatnonzero((staff["store_idx"] == store).to_numpy() & tills)
        for want_late in (False, True):
            if (works[mine] & (late[mine] == want_late)).any():
                continue
            idle = mine[~works[mine]]
            other_slot = mine[works[mine] & (late[mine] != want_late)]
            pick = idle if len(idle) else other_slot[: len(other_slot) - 1]
            chosen = pick[int(rng.integers(len(pick)))]
            works[chosen], late[chosen] = True, want_late

    hours = np.where(late[:, None], LATE, EARLY)
    hours[is_manager] = MANAGER
    hours[(staff["role"] == "stock_clerk").to_numpy()] = STOCK
    on = np.flatnonzero(works)
    stamp = day.isoformat()
    shifts = pd.DataFrame(
        {
            "shift_id": [f"SH{day:%Y%m%d}-{e}" for e in staff["employee_id"].to_numpy()[on]],
            "employee_id": staff["employee_id"].to_numpy()[on],
            "store_id": staff["store_id"].to_numpy()[on],
            "shift_start": [f"{stamp} {h:02d}:00:00" for h in hours[on, 0]],
            "shift_end": [f"{stamp} {h:02d}:00:00" for h in hours[on, 1]],
            "employee_idx": on,
            "store_idx": staff["store_idx"].to_numpy()[on],
            "start_hour": hours[on, 0],
            "takes_payments": tills[on],
        }
    )
    return shifts


def till_roster(universe: Universe, shifts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Till workers per (store, early/late slot) as a padded matrix plus counts, for vectorised picks."""
    n_stores = len(universe.stores)
    tills = shifts[shifts["takes_payments"]]
    slot = (tills["start_hour"].to_numpy() == LATE[0]).astype(int)
    counts = np.zeros((n_stores, 2), dtype=np.int64)
    np.add.at(counts, (tills["store_idx"].to_numpy(), slot), 1)
    roster = np.full((n_stores, 2, max(1, int(counts.max()))), -1, dtype=np.int64)
    filled = np.zeros_like(counts)
    for store, s, employee in zip(tills["store_idx"], slot, tills["employee_idx"]):
        roster[store, s, filled[store, s]] = employee
        filled[store, s] += 1
    return roster, counts


def _stock_profile(universe: Universe) -> dict[str, np.ndarray]:
    """Per store x product demand, reorder point, cycle and phase; fixed for the universe."""
    rng = seeding.day_rng(universe.seed, universe.start, seeding.STOCK_PROFILE)
    stores, products = universe.stores, universe.products
    online = (stores["store_type"] == "online").to_numpy()
    traffic = stores["traffic"].to_numpy()
    store_share = np.where(online, ONLINE_STOCK_SHARE, (1 - ONLINE_STOCK_SHARE) * traffic / traffic.sum())
    product_share = products["popularity"].to_numpy() / products["popularity"].sum()
    demand = NOMINAL_UNITS_PER_DAY * store_share[:, None] * product_share[None, :]
    shape = demand.shape
    lead_days = rng.integers(3, 7, shape)
    reorder_point = np.ceil(demand * lead_days + 2).astype(np.int64)
    cycle = rng.choice(REPLENISH_CYCLES, shape)
    capacity = reorder_point + np.ceil(demand * cycle * rng.uniform(1.0, 1.3, shape)).astype(np.int64)
    phase = rng.integers(0, 14, shape)
    return {"demand": demand, "reorder_point": reorder_point, "cycle": cycle, "capacity": capacity, "phase": phase}


def inventory_snapshot(universe: Universe, day: date) -> pd.DataFrame:
    """End-of-day stock per store and product: refilled every cycle, sold down in between."""
    profile = _stock_profile(universe)
    rng = seeding.day_rng(universe.seed, day, seeding.INVENTORY)
    days_since_delivery = (day.toordinal() + profile["phase"]) % profile["cycle"]
    # Noisy sell-through: a busy stretch can empty the shelf before the next delivery.
    sold = profile["demand"] * days_since_delivery * rng.lognormal(0.0, 0.35, profile["demand"].shape)
    on_hand = np.maximum(profile["capacity"] - np.round(sold).astype(np.int64), 0)
    n_stores, n_products = on_hand.shape
    return pd.DataFrame(
        {
            "snapshot_date": day.isoformat(),
            "store_id": np.repeat(universe.stores["store_id"].to_numpy(), n_products),
            "product_id": np.tile(universe.products["product_id"].to_numpy(), n_stores),
            "on_hand": on_hand.ravel(),
            "reorder_point": profile["reorder_point"].ravel(),
        }
    )
