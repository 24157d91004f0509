"""Customers changing over time: new emails, loyalty tier moves, relocations.

Each changed customer keeps its id and is delivered again as a new version with
`updated_at` on the day of the change, which is what a slowly changing
dimension downstream has to track.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from retail_assets.synthetic import geography, seeding
from retail_assets.synthetic.dimensions import LOYALTY_TIERS, ascii_slug
from retail_assets.synthetic.ledger import DailyLedger

CUSTOMER_COLUMNS = [
    "customer_id", "email", "first_name", "last_name", "loyalty_tier",
    "region", "country", "signup_date", "updated_at",
]
VERSIONED = ["email", "loyalty_tier", "region", "country"]

CHANGE_DAY_P = 0.75  # share of days on which anyone changes at all
MEAN_CHANGES = 3.0  # customers changing on such a day, beyond the first
# Probability that a changing customer changes each of: email, tier, region.
CHANGE_KIND_P = np.array([0.55, 0.5, 0.3])
TIER_UP_P = 0.65  # loyalty tends to grow
EMAIL_DOMAINS = {
    "GB": ("gmail.com", "outlook.com", "yahoo.co.uk", "hotmail.co.uk", "btinternet.com"),
    "US": ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"),
    "CA": ("gmail.com", "outlook.com", "yahoo.ca", "icloud.com", "shaw.ca"),
}


def _new_email(rng: np.random.Generator, first: str, last: str, country: str, old: str) -> str:
    """A different email for the same person, as when someone switches provider."""
    while True:
        sep = str(rng.choice([".", "_", ""]))
        number, domain = rng.integers(1, 1000), rng.choice(EMAIL_DOMAINS[country])
        email = f"{ascii_slug(first)}{sep}{ascii_slug(last)}{number}@{domain}"
        if email != old:
            return email


def _move(rng: np.random.Generator, country: str, region: str) -> tuple[str, str]:
    """A new region: usually within the country, sometimes abroad."""
    if rng.random() < 0.85:
        options = [(country, r) for r, _ in geography.country_by_code(country).regions if r != region]
    else:
        options = [(c, r) for c, r in geography.all_regions() if c != country]
    return options[int(rng.integers(len(options)))]


def _step_tier(rng: np.random.Generator, tier: str) -> str:
    """One loyalty tier up (more likely) or down, within bronze..platinum."""
    i = LOYALTY_TIERS.index(tier)
    up = i == 0 or (i < len(LOYALTY_TIERS) - 1 and rng.random() < TIER_UP_P)
    return LOYALTY_TIERS[i + 1 if up else i - 1]


class CustomerLedger(DailyLedger):
    """Current email, tier and region of every customer, day by day."""

    def initial_state(self) -> pd.DataFrame:
        """First versions, as built with the universe."""
        return self.universe.customers[VERSIONED].copy()

    def draw_changes(self, day: date, state: pd.DataFrame) -> pd.DataFrame:
        """A few customers who signed up before `day` get a new version on it."""
        rng = seeding.day_rng(self.universe.seed, day, seeding.CUSTOMER_CHANGES)
        customers = self.universe.customers
        eligible = np.flatnonzero(customers["signup_ord"].to_numpy() < day.toordinal())
        k = 1 + int(rng.poisson(MEAN_CHANGES)) if rng.random() < CHANGE_DAY_P else 0
        chosen = np.sort(rng.choice(eligible, size=min(k, len(eligible)), replace=False))
        rows = []
        for i in chosen:  # a handful per day: a plain loop reads better than vector tricks
            current = state.loc[i]
            kinds = rng.random(3) < CHANGE_KIND_P
            if not kinds.any():
                kinds[rng.integers(3)] = True
            email, tier = current["email"], current["loyalty_tier"]
            country, region = current["country"], current["region"]
            if kinds[0]:
                email = _new_email(rng, customers.at[i, "first_name"], customers.at[i, "last_name"], country, email)
            if kinds[1]:
                tier = _step_tier(rng, tier)
            if kinds[2]:
                country, region = _move(rng, country, region)
            rows.append((i, email, tier, region, country, int(rng.integers(6 * 3600, 23 * 3600))))
        changes = pd.DataFrame(rows, columns=["row", *VERSIONED[:2], "region", "country", "updated_second"])
        return changes.set_index("row")


def _stamp(day: date, seconds: int) -> str:
    """'YYYY-MM-DD HH:MM:SS' for one day and second of the day."""
    h, rem = divmod(int(seconds), 3600)
    return f"{day.isoformat()} {h:02d}:{rem // 60:02d}:{rem % 60:02d}"


def customer_versions(ledger: CustomerLedger, day: date) -> pd.DataFrame:
    """Rows of `customers_D.xlsx`: everyone on the start day, later new and changed customers only."""
    customers = ledger.universe.customers
    changes = ledger.changes_on(day)  # also moves ledger.state to the end of `day`
    signup_ord = customers["signup_ord"]
    if day == ledger.universe.start:
        fresh = customers[signup_ord <= day.toordinal()]
    else:
        fresh = customers[signup_ord == day.toordinal()]
    first = fresh.copy()
    first["updated_at"] = [_stamp(d, s) for d, s in zip(fresh["signup_date"], fresh["signup_second"])]
    changed = customers.loc[changes.index].copy()
    changed[VERSIONED] = changes[VERSIONED]
    changed["updated_at"] = [_stamp(day, s) for s in changes["updated_second"]]
    rows = pd.concat([first, changed]).sort_values("customer_id", kind="stable")
    rows["signup_date"] = [d.isoformat() for d in rows["signup_date"]]
    return rows[CUSTOMER_COLUMNS].reset_index(drop=True)
