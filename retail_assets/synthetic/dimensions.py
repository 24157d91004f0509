"""The dimension universe: stores, products, customers and employees.

Built once from (seed, start date) with Faker for people's names and emails,
so every day's facts can be drawn against the same entities. Columns beyond
the file contract (segment, churn start, traffic...) are the hidden behaviour
the sales simulation uses; they are never written to the landing files.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from faker import Faker

from retail_assets.synthetic import geography, seeding

STORE_TYPE_TRAFFIC = {"flagship": 1.6, "mall": 1.0, "outlet": 0.75, "online": 0.0}
# Outlets live on markdowns; flagships sell bigger baskets.
STORE_TYPE_DISCOUNT_BOOST = {"flagship": 0.8, "mall": 1.0, "outlet": 2.2, "online": 1.1}
STORE_TYPE_BASKET_BOOST = {"flagship": 1.25, "mall": 1.0, "outlet": 0.9, "online": 1.1}

LOYALTY_TIERS = ("bronze", "silver", "gold", "platinum")
SEGMENTS = ("vip", "regular", "occasional")
SEGMENT_SHARE = (0.06, 0.54, 0.40)
# Expected purchases relative to a regular customer: VIPs carry the revenue.
SEGMENT_RATE = {"vip": 3.0, "regular": 1.0, "occasional": 0.35}
SEGMENT_TIER_P = {
    "vip": (0.0, 0.0, 0.4, 0.6),
    "regular": (0.35, 0.45, 0.18, 0.02),
    "occasional": (0.75, 0.22, 0.03, 0.0),
}
# Chance of being a churner among established customers; ~17% overall.
SEGMENT_CHURN_P = {"vip": 0.09, "regular": 0.19, "occasional": 0.25}
CHURN_START_WINDOW = (-7, 21)  # days around the universe start when churners begin to fade

NEW_CUSTOMER_SHARE = 0.15  # sign up after the start, spread over NEW_CUSTOMER_DAYS
NEW_CUSTOMER_DAYS = 180
ONLINE_FIRST_SHARE = 0.15  # customers who mostly order on the web shop

# (category, median price, price spread, nouns)
CATEGORIES = (
    ("Apparel", 35.0, 0.45, ("T-Shirt", "Jeans", "Jacket", "Sweater", "Dress", "Shirt", "Hoodie", "Chinos")),
    ("Footwear", 70.0, 0.40, ("Sneakers", "Boots", "Sandals", "Loafers", "Running Shoes")),
    ("Accessories", 22.0, 0.55, ("Scarf", "Belt", "Wallet", "Cap", "Sunglasses", "Backpack", "Watch")),
    ("Home", 28.0, 0.55, ("Candle", "Throw Blanket", "Mug Set", "Cushion", "Lamp", "Vase")),
    ("Beauty", 16.0, 0.50, ("Moisturiser", "Lip Balm", "Shampoo", "Perfume", "Face Mask")),
    ("Electronics", 85.0, 0.60, ("Headphones", "Speaker", "Charger", "Smartwatch", "Power Bank")),
)
ADJECTIVES = (
    "Classic", "Essential", "Premium", "Organic", "Urban", "Coastal", "Vintage", "Everyday", "Deluxe", "Lightweight",
)
COLOURS = ("Black", "White", "Navy", "Grey", "Olive", "Sand", "Red", "Blue")
BRAND_SUFFIXES = ("& Co", "Studio", "Goods", "Supply", "Works", "Label")

# role: (share of a store's staff, base hourly rate, takes payments)
ROLES = {
    "store_manager": (0, 24.0, False),
    "supervisor": (0.15, 16.5, True),
    "cashier": (0.40, 11.8, True),
    "sales_associate": (0.30, 12.6, True),
    "stock_clerk": (0.15, 11.5, False),
}


@dataclass(frozen=True)
class UniverseSize:
    """How many entities of each kind the chain has."""

    n_stores: int = 8  # including the single web shop
    n_products: int = 150
    n_customers: int = 2000


@dataclass(frozen=True)
class Universe:
    """Every entity the daily facts refer to, plus their hidden behaviour."""

    seed: int
    start: date
    stores: pd.DataFrame
    products: pd.DataFrame
    customers: pd.DataFrame
    employees: pd.DataFrame

    @property
    def online_store(self) -> int:
        """Row index of the web shop in `stores`."""
        return int(np.flatnonzero(self.stores["store_type"].to_numpy() == "online")[0])


def _fakers(seed: int, start: date) -> dict[str, Faker]:
    """One seeded Faker per country, so names fit the country and stay reproducible."""
    rng = seeding.day_rng(seed, start, seeding.FAKER)
    fakers = {}
    for country in geography.COUNTRIES:
        fake = Faker(country.faker_locale)
        fake.seed_instance(int(rng.integers(2**31)))
        fakers[country.code] = fake
    return fakers


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters only, for building email local parts from names."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _split_stores(n_physical: int) -> list[int]:
    """Physical stores per country by largest remainder, at least one each when possible."""
    shares = np.array(geography.COUNTRY_STORE_SHARE) * n_physical
    counts = np.floor(shares).astype(int)
    if n_physical >= len(counts):
        counts = np.maximum(counts, 1)
    while counts.sum() < n_physical:
        counts[np.argmax(shares - counts)] += 1
    while counts.sum() > n_physical:
        counts[np.argmax(counts)] -= 1
    return counts.tolist()


def build_stores(rng: np.random.Generator, fakers: dict[str, Faker], start: date, n_stores: int) -> pd.DataFrame:
    """Physical stores spread over countries and regions, then the web shop last."""
    rows = []
    for country, count in zip(geography.COUNTRIES, _split_stores(n_stores - 1)):
        for i in range(count):
            region, city = country.regions[i % len(country.regions)]
            # Each country's first store is its flagship; the rest are mall stores or outlets.
            store_type = "flagship" if i == 0 else str(rng.choice(["mall", "outlet"], p=[0.65, 0.35]))
            if store_type == "mall":
                label = f"{fakers[country.code].last_name()} Centre"  # malls are named after a developer
            else:
                label = {"flagship": "Flagship", "outlet": "Outlet Village"}[store_type]
            opened = start - timedelta(days=int(rng.integers(365, 15 * 365)))
            rows.append((f"{city} {label}", country.code, region, city, store_type, opened))
    code, region, city = geography.ONLINE_HOME
    rows.append(("Online Store", code, region, city, "online", start - timedelta(days=6 * 365)))
    stores = pd.DataFrame(rows, columns=["store_name", "country", "region", "city", "store_type", "opened_on"])
    stores.insert(0, "store_id", [f"S{i + 1:03d}" for i in range(len(stores))])
    stores["traffic"] = stores["store_type"].map(STORE_TYPE_TRAFFIC) * rng.lognormal(0.0, 0.15, len(stores))
    stores["discount_boost"] = stores["store_type"].map(STORE_TYPE_DISCOUNT_BOOST)
    stores["basket_boost"] = stores["store_type"].map(STORE_TYPE_BASKET_BOOST)
    stores["currency_symbol"] = stores["country"].map(lambda c: geography.country_by_code(c).currency_symbol)
    return stores


def price_point(raw: np.ndarray) -> np.ndarray:
    """Round to retail price points ending in .49 or .99."""
    return np.maximum(np.round(raw * 2) / 2 - 0.01, 1.99).round(2)


def build_products(rng: np.random.Generator, fakers: dict[str, Faker], n_products: int) -> pd.DataFrame:
    """A catalogue over a few categories with brand, cost, list price and popularity."""
    fake = fakers[geography.COUNTRIES[0].code]
    category_idx = rng.integers(0, len(CATEGORIES), n_products)
    brands = {c[0]: [f"{fake.last_name()} {rng.choice(BRAND_SUFFIXES)}" for _ in range(4)] for c in CATEGORIES}
    rows = []
    for i in category_idx:
        name, median, spread, nouns = CATEGORIES[i]
        product_name = f"{rng.choice(ADJECTIVES)} {rng.choice(nouns)} {rng.choice(COLOURS)}"
        rows.append((product_name, name, str(rng.choice(brands[name])), median * rng.lognormal(0.0, spread)))
    products = pd.DataFrame(rows, columns=["product_name", "category", "brand", "raw_price"])
    products.insert(0, "product_id", [f"P{i + 1:04d}" for i in range(n_products)])
    products["list_price"] = price_point(products.pop("raw_price").to_numpy())
    products["unit_cost"] = (products["list_price"] * rng.uniform(0.35, 0.6, n_products)).round(2)
    # Long-tailed popularity, cheaper items sell a bit more often.
    products["popularity"] = rng.lognormal(0.0, 0.8, n_products) * products["list_price"] ** -0.3
    return products[["product_id", "product_name", "category", "brand", "unit_cost", "list_price", "popularity"]]


def _pick_region(rng: np.random.Generator, country: geography.Country, home_region: str) -> str:
    """Mostly the home store's region, sometimes another region of the same country."""
    if rng.random() < 0.8:
        return home_region
    return str(rng.choice([r for r, _ in country.regions]))


def build_customers(
    rng: np.random.Generator, fakers: dict[str, Faker], stores: pd.DataFrame, start: date, n_customers: int
) -> pd.DataFrame:
    """Customers with a home store, segment, loyalty tier, signup date and churn behaviour."""
    physical = stores.index[stores["store_type"] != "online"].to_numpy()
    traffic = stores.loc[physical, "traffic"].to_numpy()
    home = rng.choice(physical, n_customers, p=traffic / traffic.sum())
    segment = rng.choice(SEGMENTS, n_customers, p=SEGMENT_SHARE)
    is_new = rng.random(n_customers) < NEW_CUSTOMER_SHARE
    days_after = rng.integers(1, NEW_CUSTOMER_DAYS + 1, n_customers)
    days_before = rng.integers(1, 3 * 365, n_customers)  # up to three years of history
    offset = np.where(is_new, days_after, -days_before)
    signup_ord = start.toordinal() + offset

    rows, seen_emails = [], set()
    for i in range(n_customers):
        store = stores.loc[home[i]]
        country = geography.country_by_code(store["country"])
        fake = fakers[country.code]
        first, last = fake.first_name(), fake.last_name()
        number = rng.integers(1, 100) if rng.random() < 0.6 else ""  # many add digits to a taken name
        email = f"{ascii_slug(first)}.{ascii_slug(last)}{number}@{fake.free_email_domain()}"
        if email in seen_emails:  # keep emails unique: a clash gets the customer number
            local, domain = email.split("@")
            email = f"{local}{i + 1}@{domain}"
        seen_emails.add(email)
        tier = str(rng.choice(LOYALTY_TIERS, p=SEGMENT_TIER_P[segment[i]]))
        rows.append((first, last, email, tier, _pick_region(rng, country, store["region"]), country.code))
    customers = pd.DataFrame(rows, columns=["first_name", "last_name", "email", "loyalty_tier", "region", "country"])
    customers.insert(0, "customer_id", [f"C{i + 1:06d}" for i in range(n_customers)])
    customers["signup_ord"] = signup_ord
    customers["signup_date"] = [date.fromordinal(int(o)) for o in signup_ord]
    customers["signup_second"] = rng.integers(7 * 3600, 23 * 3600, n_customers)
    customers["segment"] = segment
    customers["home_store"] = home
    online_first = rng.random(n_customers) < ONLINE_FIRST_SHARE
    high, low = rng.uniform(0.6, 0.9, n_customers), rng.uniform(0.03, 0.2, n_customers)
    customers["online_affinity"] = np.where(online_first, high, low)  # share of their orders placed online
    customers["base_rate"] = pd.Series(segment).map(SEGMENT_RATE).to_numpy() * rng.lognormal(0.0, 0.3, n_customers)
    # Churners must have a purchase history first, so only long-standing customers churn.
    established = signup_ord <= start.toordinal() - 30
    churn_p = pd.Series(segment).map(SEGMENT_CHURN_P).to_numpy()
    is_churner = established & (rng.random(n_customers) < churn_p)
    churn_offset = rng.integers(CHURN_START_WINDOW[0], CHURN_START_WINDOW[1] + 1, n_customers)
    customers["is_churner"] = is_churner
    customers["churn_start_ord"] = np.where(is_churner, start.toordinal() + churn_offset, np.iinfo(np.int64).max)
    return customers


def build_employees(
    rng: np.random.Generator, fakers: dict[str, Faker], stores: pd.DataFrame, start: date
) -> pd.DataFrame:
    """Staff of each physical store: one manager plus supervisors, tills and stock."""
    rows = []
    for s, store in stores.iterrows():
        if store["store_type"] == "online":
            continue  # the web shop has no till staff; its lines carry no employee
        country = geography.country_by_code(store["country"])
        headcount = int(rng.integers(8, 12)) + (3 if store["store_type"] == "flagship" else 0)
        others = [r for r in ROLES if ROLES[r][0] > 0]
        shares = np.array([ROLES[r][0] for r in others])
        roles = ["store_manager"] + list(rng.choice(others, headcount - 1, p=shares / shares.sum()))
        # Every store needs at least two people who take payments, one per shift.
        roles[1:3] = ["cashier", "sales_associate"]
        opened = store["opened_on"]
        for role in roles:
            hired = max(opened, start - timedelta(days=int(rng.integers(30, 8 * 365))))
            rate = ROLES[role][1] * country.wage_factor * rng.uniform(0.95, 1.12)
            fake = fakers[country.code]
            rows.append((fake.first_name(), fake.last_name(), store["store_id"], s, role, hired, round(rate, 2)))
    employees = pd.DataFrame(
        rows, columns=["first_name", "last_name", "store_id", "store_idx", "role", "hired_on", "hourly_rate"]
    )
    employees.insert(0, "employee_id", [f"E{i + 1:04d}" for i in range(len(employees))])
    employees["takes_payments"] = employees["role"].map(lambda r: ROLES[r][2])
    return employees


def build_universe(seed: int, start: date, size: UniverseSize = UniverseSize()) -> Universe:
    """All dimension entities; depends only on seed, start date and size."""
    rng = seeding.universe_rng(seed, start)
    fakers = _fakers(seed, start)
    stores = build_stores(rng, fakers, start, size.n_stores)
    products = build_products(rng, fakers, size.n_products)
    customers = build_customers(rng, fakers, stores, start, size.n_customers)
    employees = build_employees(rng, fakers, stores, start)
    return Universe(seed, start, stores, products, customers, employees)
