"""Defects: none at rate 0, every kind at a positive rate, and pure injection functions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retail_assets.synthetic import defects
from retail_assets.synthetic.dimensions import UniverseSize, build_universe
from retail_assets.synthetic.operations import plan_shifts, till_roster
from retail_assets.synthetic.sales import simulate_sales
from retail_assets_tests.synthetic.landing_files import files, read_csvs, read_ndjson

CLEAN_STAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
DAY_FIRST = r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}"
ISO_T = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"
PLAIN_PRICE = r"\d+\.\d{2}"
FRACTION = r"0(\.\d+)?"


def parse_sold_at(text: pd.Series) -> pd.Series:
    """The three sold_at formats of the contract (day-first only, never month-first)."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"):
        todo = out.isna()
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    assert out.notna().all()
    return out


# --- rate 0: clean files ---------------------------------------------------------


def test_clean_pos_files_have_no_defect(clean_month: Path) -> None:
    pos = read_csvs(clean_month, "pos_sales")
    assert pos["sold_at"].str.fullmatch(CLEAN_STAMP).all()
    assert (pos["sold_at"].str[:10] == pos["file_date"].map(date.isoformat)).all()  # nothing late
    assert pos["unit_price"].str.fullmatch(PLAIN_PRICE).all()
    assert pos["discount"].str.fullmatch(FRACTION).all()
    assert (pos["discount"].astype(float) < 1).all()
    assert (pos["quantity"].astype(int) > 0).all()
    assert not pos.duplicated(["transaction_id", "line_number"]).any()
    # No transaction lost its customer on some lines only.
    known = pos["customer_id"] != ""
    assert (known.groupby(pos["transaction_id"]).nunique() == 1).all()


def test_clean_online_files_have_no_defect(clean_month: Path) -> None:
    online = read_ndjson(clean_month, "online_sales")
    assert online["sold_at"].str.fullmatch(CLEAN_STAMP).all()
    assert (online["sold_at"].str[:10] == online["file_date"].map(date.isoformat)).all()
    assert online["unit_price"].map(lambda v: isinstance(v, float)).all()
    assert online["discount"].map(lambda v: isinstance(v, (int, float)) and 0 <= v < 1).all()
    assert (online["quantity"] > 0).all()
    assert not online.duplicated(["transaction_id", "line_number"]).any()


# --- rate > 0: every kind shows up ------------------------------------------------


@pytest.fixture(scope="module")
def dirty_pos(dirty_days: Path) -> pd.DataFrame:
    return read_csvs(dirty_days, "pos_sales")


@pytest.fixture(scope="module")
def dirty_online(dirty_days: Path) -> pd.DataFrame:
    return read_ndjson(dirty_days, "online_sales")


def test_duplicated_lines_are_exact_copies(dirty_pos: pd.DataFrame, dirty_online: pd.DataFrame) -> None:
    key = ["transaction_id", "line_number"]
    repeated = dirty_pos[dirty_pos.duplicated(key, keep=False)]
    assert len(repeated) > 0
    assert repeated.duplicated(keep=False).all()  # every column equal, not only the key
    online_text = dirty_online.drop(columns="product").astype(str)
    assert online_text.duplicated(key).any()
    assert online_text[online_text.duplicated(key, keep=False)].duplicated(keep=False).all()


def test_null_customer_ids_inside_known_customer_transactions(dirty_pos: pd.DataFrame) -> None:
    known = dirty_pos["customer_id"] != ""
    mixed = known.groupby(dirty_pos["transaction_id"]).nunique() > 1
    assert mixed.any()


def test_zero_and_negative_quantities(dirty_pos: pd.DataFrame, dirty_online: pd.DataFrame) -> None:
    quantity = dirty_pos["quantity"].astype(int)
    assert (quantity == 0).any() and (quantity < 0).any()
    assert (dirty_online["quantity"] <= 0).any()


def test_discounts_in_three_notations(dirty_pos: pd.DataFrame, dirty_online: pd.DataFrame) -> None:
    text = dirty_pos["discount"]
    assert text.str.fullmatch(r"\d+%").any()  # '10%'
    bare = pd.to_numeric(text, errors="coerce")
    assert (bare > 1.5).any()  # '10', meaning ten percent
    # Never a value in (1, 1.5]: it could not be told apart from a fraction.
    assert not ((bare > 1) & (bare <= 1.5)).any()
    assert bare.dropna().map(lambda v: v < 1 or v == int(v)).all()
    online = dirty_online["discount"]
    assert online.map(lambda v: isinstance(v, str) and v.endswith("%")).any()
    assert online.map(lambda v: not isinstance(v, str) and v > 1.5).any()


def test_several_date_formats_in_one_file(dirty_days: Path) -> None:
    for path in files(dirty_days, "pos_sales")[1:]:
        sold_at = pd.read_csv(path, dtype=str, keep_default_na=False)["sold_at"]
        assert sold_at.str.fullmatch(CLEAN_STAMP).any()
        assert sold_at.str.fullmatch(DAY_FIRST).any()
        assert sold_at.str.fullmatch(ISO_T).any()
        assert sold_at.str.fullmatch(f"{CLEAN_STAMP}|{DAY_FIRST}|{ISO_T}").all()


def test_prices_with_currency_symbols(dirty_pos: pd.DataFrame, dirty_online: pd.DataFrame) -> None:
    price = dirty_pos["unit_price"]
    assert price.str.fullmatch(r"£\d+\.\d{2}").any()
    assert price.str.fullmatch(r"\$\d+\.\d{2}").any()
    assert price.str.fullmatch(rf"[£$]?{PLAIN_PRICE}").all()
    assert dirty_online["unit_price"].map(lambda v: isinstance(v, str) and re.fullmatch(r"[£$]\d+\.\d{2}", v)).any()


def test_online_products_are_nested_objects(dirty_online: pd.DataFrame) -> None:
    assert dirty_online["product"].map(lambda p: isinstance(p, dict) and set(p) == {"id", "name", "category"}).all()


def test_late_lines_are_dated_one_or_two_days_before_their_file(
    dirty_pos: pd.DataFrame, dirty_online: pd.DataFrame
) -> None:
    for lines in (dirty_pos, dirty_online):
        sold = parse_sold_at(lines["sold_at"]).dt.date
        lag = (lines["file_date"] - sold).map(lambda d: d.days)
        assert set(lag) == {0, 1, 2}


def test_late_lines_come_last_in_their_file(dirty_days: Path) -> None:
    for path in files(dirty_days, "pos_sales"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        late = (parse_sold_at(frame["sold_at"]).dt.date < date.fromisoformat(path.name[10:20])).to_numpy()
        assert late.any()
        assert not late[: np.argmax(late)].any() and late[np.argmax(late):].all()


# --- the injection functions themselves -------------------------------------------


@pytest.fixture(scope="module")
def typed_lines():
    universe = build_universe(3, date(2026, 10, 1), UniverseSize(n_customers=300, n_products=40))
    day = date(2026, 10, 3)
    roster, counts = till_roster(universe, plan_shifts(universe, day))
    price = universe.products["list_price"].to_numpy()
    return universe, day, simulate_sales(universe, day, price, roster, counts, 3000)


def test_rate_zero_changes_nothing(typed_lines) -> None:
    universe, day, lines = typed_lines
    signup = universe.customers["signup_ord"].to_numpy()
    same = defects.inject_defects(lines, np.random.default_rng(0), 0.0, signup, day.toordinal())
    assert same.keys() == lines.keys()
    assert all(np.array_equal(same[k], lines[k]) for k in lines)


def test_injection_is_pure_and_hits_about_the_rate(typed_lines) -> None:
    universe, day, lines = typed_lines
    before = {k: v.copy() for k, v in lines.items()}
    signup = universe.customers["signup_ord"].to_numpy()
    spoiled = defects.inject_defects(lines, np.random.default_rng(0), 0.1, signup, day.toordinal())
    assert all(np.array_equal(before[k], lines[k]) for k in lines)  # input untouched
    n = len(lines["store"])
    assert 1.05 * n < len(spoiled["store"]) < 1.15 * n  # ~10% duplicated
    for style in ("date_style", "price_style"):
        assert 0.05 < (spoiled[style] > 0).mean() < 0.15
    assert 0.05 < (spoiled["quantity"] <= 0).mean() < 0.15
    def transactions(of: dict, mask: np.ndarray) -> np.ndarray:
        return np.unique(of["tx_number"][mask] + 10**7 * of["store"][mask])

    late_share = len(transactions(spoiled, spoiled["day_offset"] < 0)) / len(transactions(lines, lines["store"] >= 0))
    assert 0.04 < late_share < 0.16


def test_late_sales_never_predate_their_customers_signup(typed_lines) -> None:
    universe, day, lines = typed_lines
    signup = universe.customers["signup_ord"].to_numpy()
    # Pretend every customer signed up on the file day: no known-customer sale may move back.
    today = np.full_like(signup, day.toordinal())
    late = defects.late_arrivals(lines, np.random.default_rng(1), 1.0, today, day.toordinal())
    moved = late["day_offset"] < 0
    assert moved.any()
    assert (late["customer"][moved] < 0).all()
