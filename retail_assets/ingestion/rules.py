"""Row-level data-quality rules per entity.

A rule is a pure function of the typed frame that returns (mask, message):
the rows that break it and a human-readable reason (a string or one per row).
All rules run on every row, so `dq_errors` lists every rule a row failed.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from retail_assets.landing.profiles import SourceProfile

Rule = Callable[[pd.DataFrame, SourceProfile], tuple[pd.Series, pd.Series | str]]


def _fmt(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("null")


def _said(mask: pd.Series, prefix: str, values: pd.Series, suffix: str = "") -> pd.Series:
    """Per-row message for the breaking rows only (formatting every row is the slow part)."""
    hit = mask.fillna(False).astype(bool)
    return prefix + _fmt(values[hit]) + suffix


def derive_sales_fields(typed: pd.DataFrame, profile: SourceProfile) -> pd.DataFrame:
    """Flags the rules and silver need: cancellation, guest, product vs non-product line."""
    prefix = profile.rules.get("cancellation_prefix")
    tx = typed["transaction_id"].astype("string")
    typed["is_cancellation"] = tx.str.startswith(prefix).fillna(False).astype(bool) if prefix else False
    typed["is_guest"] = typed["customer_id"].isna()
    pattern = profile.rules.get("product_code_pattern")
    if pattern:
        is_product = typed["product_id"].astype("string").str.fullmatch(pattern).fillna(False)
        typed["line_type"] = is_product.map({True: "product", False: "non_product"}).astype(object)
    else:
        typed["line_type"] = "product"
    typed["discount"] = typed["discount"].fillna(0.0)
    return typed


def _quantity_zero(t, p):
    return t["quantity"].eq(0).fillna(False), "quantity is 0"


def _negative_sale(t, p):
    mask = (t["quantity"] < 0).fillna(False) & ~t["is_cancellation"]
    return mask, _said(mask, "quantity ", t["quantity"], " is negative on a sale that is not a cancellation")


def _positive_cancellation(t, p):
    mask = (t["quantity"] > 0).fillna(False) & t["is_cancellation"]
    return mask, _said(mask, "cancellation with positive quantity ", t["quantity"])


def _negative_price(t, p):
    mask = (t["unit_price"] < 0).fillna(False)
    return mask, _said(mask, "unit_price ", t["unit_price"], " is negative")


def _zero_price_product(t, p):
    mask = t["unit_price"].eq(0).fillna(False) & t["line_type"].eq("product")
    return mask, "unit_price is 0 on a product line (a stock adjustment, not a sale)"


def _discount_whole(t, p):
    return t["discount"].ge(1).fillna(False), "discount of 100% or more"


def _sold_after_file(t, p):
    mask = (t["sold_at"].dt.normalize() > t["_partition_ts"]).fillna(False)
    return mask, _said(mask, "sold_at ", t["sold_at"], " is after the file's business date")


def _sold_too_early(t, p):
    earliest = t["_partition_ts"] - pd.Timedelta(days=p.max_late_days)
    mask = (t["sold_at"].dt.normalize() < earliest).fillna(False)
    return mask, _said(mask, "sold_at ", t["sold_at"], f" is more than {p.max_late_days} days before the file's date")


def _email_shape(t, p):
    email = t["email"].astype("string")
    mask = email.notna() & ~email.str.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+").fillna(False)
    return mask, _said(mask, "email ", t["email"], " is not an address")


def _negative(column: str) -> Rule:
    def rule(t, p):
        mask = (t[column] < 0).fillna(False)
        return mask, _said(mask, f"{column} ", t[column], " is negative")

    return rule


def _shift_order(t, p):
    mask = (t["shift_end"] <= t["shift_start"]).fillna(False)
    return mask, "shift_end is not after shift_start"


ENTITY_RULES: dict[str, list[Rule]] = {
    "sales_lines": [
        _quantity_zero,
        _negative_sale,
        _positive_cancellation,
        _negative_price,
        _zero_price_product,
        _discount_whole,
        _sold_after_file,
        _sold_too_early,
    ],
    "customers": [_email_shape],
    "products": [_negative("unit_cost"), _negative("list_price")],
    "stores": [],
    "employees": [_negative("hourly_rate")],
    "shifts": [_shift_order],
    "inventory": [_negative("on_hand"), _negative("reorder_point")],
}
