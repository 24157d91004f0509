"""The data carries signal: customer history, churn, calendar, hours, segments, stores."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retail_assets.synthetic import patterns
from retail_assets.synthetic.dimensions import build_universe
from retail_assets_tests.synthetic.conftest import CLEAN_START
from retail_assets_tests.synthetic.landing_files import files, read_csvs, read_customers, read_ndjson


@pytest.fixture(scope="module")
def sales(clean_month: Path) -> pd.DataFrame:
    """In-store and online lines of the clean month with numbers parsed."""
    pos = read_csvs(clean_month, "pos_sales")
    online = read_ndjson(clean_month, "online_sales")
    online = online.assign(
        product_id=[p["id"] for p in online["product"]], customer_id=online["customer_id"].fillna("")
    )
    lines = pd.concat([pos, online.drop(columns="product")], ignore_index=True)
    lines["quantity"] = lines["quantity"].astype(int)
    lines["unit_price"] = lines["unit_price"].astype(float)
    lines["discount"] = lines["discount"].astype(float)
    lines["revenue"] = lines["quantity"] * lines["unit_price"] * (1 - lines["discount"])
    lines["sold_at"] = pd.to_datetime(lines["sold_at"], format="%Y-%m-%d %H:%M:%S")
    return lines


@pytest.fixture(scope="module")
def universe():
    return build_universe(42, CLEAN_START)


def test_customers_get_new_versions_over_time(clean_month: Path) -> None:
    versions = read_customers(clean_month)
    counts = versions["customer_id"].value_counts()
    assert (counts >= 2).sum() >= 20
    first_file = versions["file_date"] == CLEAN_START
    later = versions[~first_file]
    # Later files carry only new or changed customers, each stamped on its file's day.
    assert later.groupby("file_date").size().max() < 30
    assert (later["updated_at"].str[:10] == later["file_date"].map(date.isoformat)).all()
    # A new version keeps the id and changes email, tier or region.
    changed = 0
    for _, history in versions.groupby("customer_id"):
        if len(history) < 2:
            continue
        history = history.sort_values("updated_at")
        attributes = history[["email", "loyalty_tier", "region"]]
        assert (attributes.iloc[1:].to_numpy() != attributes.iloc[:-1].to_numpy()).any(axis=1).all()
        changed += 1
    assert changed >= 20


def test_new_customers_sign_up_during_the_month(clean_month: Path) -> None:
    versions = read_customers(clean_month)
    later = versions[versions["file_date"] != CLEAN_START]
    new = later[later["signup_date"] == later["file_date"].map(date.isoformat)]
    assert len(new) >= 10


def test_churners_fade_out(sales: pd.DataFrame, universe) -> None:
    churners = set(universe.customers.loc[universe.customers["is_churner"], "customer_id"])
    assert 0.12 <= len(churners) / len(universe.customers) <= 0.22
    day = sales["sold_at"].dt.date
    first_week = day < date(2026, 10, 8)
    last_week = day >= date(2026, 10, 24)
    of_churners = sales["customer_id"].isin(churners)
    assert of_churners[last_week].sum() < 0.2 * of_churners[first_week].sum()
    # Everyone else keeps buying.
    loyal = (sales["customer_id"] != "") & ~of_churners
    assert loyal[last_week].sum() > 0.7 * loyal[first_week].sum()


def test_weekends_are_busier_than_weekdays(sales: pd.DataFrame) -> None:
    per_day = sales.groupby(sales["sold_at"].dt.date).size()
    weekday = pd.Series([d.weekday() for d in per_day.index], index=per_day.index)
    assert per_day[weekday == 5].mean() > 1.4 * per_day[weekday.isin([0, 1, 2])].mean()


def test_christmas_and_black_friday_peaks() -> None:
    def volume(d: date) -> int:
        return patterns.line_target(42, d, 2000)

    # Same weekday, different season.
    assert volume(date(2026, 12, 18)) > 1.4 * volume(date(2026, 10, 16))
    assert volume(patterns.black_friday(2026)) > 1.6 * volume(date(2026, 11, 20))
    assert patterns.black_friday(2026) == date(2026, 11, 27)


def test_lunch_and_evening_peaks_in_store(sales: pd.DataFrame) -> None:
    in_store = sales[sales["channel"] == "in_store"]
    hours = in_store["sold_at"].dt.hour.value_counts()
    assert hours[12] > 1.8 * hours[9]
    assert hours[18] > 1.2 * hours[15]
    assert hours[21] < hours[18] / 2


def test_vips_buy_more_and_pricier(sales: pd.DataFrame, universe) -> None:
    segment = universe.customers.set_index("customer_id")["segment"]
    known = sales[sales["customer_id"] != ""].assign(segment=lambda f: f["customer_id"].map(segment))
    per_customer = known.groupby(["segment", "customer_id"])["revenue"].sum().groupby("segment").mean()
    assert per_customer["vip"] > 3 * per_customer["regular"]
    assert per_customer["regular"] > 2 * per_customer["occasional"]
    price = known.groupby("segment")["unit_price"].mean()
    assert price["vip"] > 1.2 * price["regular"]


def test_guest_sales_exist(sales: pd.DataFrame) -> None:
    guest_share = (sales["customer_id"] == "").mean()
    assert 0.1 < guest_share < 0.4
    assert (sales.loc[sales["channel"] == "online", "customer_id"] == "").mean() < 0.1


def test_stores_differ(sales: pd.DataFrame, clean_month: Path) -> None:
    stores = read_csvs(clean_month, "stores").set_index("store_id")
    lines_per_store = sales.groupby("store_id").size()
    by_type = lines_per_store.groupby(stores["store_type"]).mean()
    assert by_type["flagship"] > 1.3 * by_type["outlet"]
    # Outlets live on markdowns.
    discounted = sales.assign(on_sale=sales["discount"] > 0).groupby("store_id")["on_sale"].mean()
    share_by_type = discounted.groupby(stores["store_type"]).mean()
    assert share_by_type["outlet"] > 1.5 * share_by_type["flagship"]
    online_share = (sales["channel"] == "online").mean()
    assert 0.1 < online_share < 0.3


def test_repriced_products_sell_at_the_new_price(sales: pd.DataFrame, clean_month: Path) -> None:
    checked = 0
    for path in files(clean_month, "products")[1:]:
        day = date.fromisoformat(path.name[9:19])
        for product in json.loads(path.read_text()):
            sold = sales[(sales["product_id"] == product["product_id"]) & (sales["sold_at"].dt.date == day)]
            if len(sold):
                assert np.allclose(sold["unit_price"], product["list_price"])
                checked += 1
    assert checked >= 3
