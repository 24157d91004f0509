from datetime import date

import pandas as pd
import pandera.errors
import pytest

from retail_assets.ml.features import (
    CustomerFeatures,
    build_customer_features,
    customers_at,
    guest_sales_summary,
    label_churn,
)

CUTOFF = date(2026, 3, 31)
STORES = pd.DataFrame({"store_id": ["S1", "S2"], "store_type": ["mall", "online"], "region": ["North", "Web"]})
CUSTOMERS = pd.DataFrame({
    "customer_id": ["A", "A", "B", "C", "D"],
    "valid_from": pd.to_datetime(["1900-01-01 00:00", "2026-03-15 10:00", "1900-01-01 00:00", "1900-01-01 00:00",
                                  "1900-01-01 00:00"]),
    "valid_to": pd.to_datetime(["2026-03-15 10:00", None, None, None, None]),
    "loyalty_tier": ["bronze", "gold", "silver", "bronze", "bronze"],
    "signup_date": pd.to_datetime(["2025-03-31", "2025-03-31", "2026-03-01", "2026-01-01", "2026-04-10"]),
})


def line(day, tx, customer, store="S1", qty=1, price=10.0, discount=0.0, channel="in_store"):
    return {"sale_date": pd.Timestamp(day).date(), "transaction_id": tx, "customer_id": customer, "store_id": store,
            "quantity": qty, "unit_price": price, "discount": discount, "revenue": qty * price * (1 - discount),
            "is_cancellation": False, "channel": channel}


SALES = pd.DataFrame([
    line("2026-03-01", "t1", "A", qty=2, price=10.0),  # 20
    line("2026-03-01", "t1", "A", price=30.0, discount=0.5),  # 15, 15 of 50 gross discounted
    line("2026-03-21", "t2", "A", store="S2", price=40.0, channel="online"),  # 40
    line("2026-03-25", "t3", "A", price=5.0),  # 5
    line("2026-03-10", "t4", "B", price=100.0),
    line("2026-03-12", "t5", None, price=7.0),  # guest: nobody's feature
])


def features(sales=SALES):
    return build_customer_features(sales, CUSTOMERS, STORES, CUTOFF).set_index("customer_id")


def test_known_recency_frequency_monetary():
    f = features()
    a = f.loc["A"]
    assert a["recency_days"] == 6  # last purchase 2026-03-25
    assert a["frequency"] == 3
    assert a["monetary"] == pytest.approx(80.0)
    assert a["avg_basket"] == pytest.approx(80.0 / 3)
    assert a["discount_share"] == pytest.approx(15.0 / 95.0)
    assert a["online_share"] == pytest.approx(1 / 3)
    assert a["frequency_recent_share"] == pytest.approx(2 / 3)  # t2, t3 within the last 14 days
    assert a["tenure_days"] == 365
    assert (a["main_store_type"], a["main_store_region"]) == ("mall", "North")
    b = f.loc["B"]
    assert (b["recency_days"], b["frequency"], b["monetary"]) == (21, 1, 100.0)


def test_scd_version_valid_at_cutoff_and_no_future_signups():
    f = features()
    assert f.loc["A", "loyalty_tier"] == "gold"  # changed on 2026-03-15, before the cutoff
    before = build_customer_features(SALES, CUSTOMERS, STORES, date(2026, 3, 14)).set_index("customer_id")
    assert before.loc["A", "loyalty_tier"] == "bronze"
    assert "D" not in f.index  # signs up after the cutoff
    assert list(customers_at(CUSTOMERS, CUTOFF)["customer_id"]) == ["A", "B", "C"]


def test_customer_without_purchases_gets_zeros_and_days_since_signup():
    c = features().loc["C"]
    assert (c["frequency"], c["monetary"], c["main_store_type"]) == (0, 0.0, "none")
    assert c["recency_days"] == (CUTOFF - date(2026, 3, 1)).days  # signed up before history: since first sale


def test_no_feature_uses_sales_after_the_cutoff():
    future = pd.DataFrame([
        line("2026-04-01", "f1", "A", price=999.0, channel="online", discount=0.3),
        line("2026-04-02", "f2", "C", store="S2", price=50.0),
        line("2026-05-01", "f3", "B", qty=9, price=1.0),
    ])
    pd.testing.assert_frame_equal(features(), features(pd.concat([SALES, future], ignore_index=True)))


def test_label_is_purchase_in_the_horizon_after_the_cutoff_only():
    later = pd.DataFrame([line("2026-04-10", "x1", "A"), line("2026-05-20", "x2", "B")])
    sales = pd.concat([SALES, later], ignore_index=True)
    base = build_customer_features(sales, CUSTOMERS, STORES, CUTOFF)
    labels = dict(zip(base["customer_id"], label_churn(sales, base, CUTOFF, horizon_days=28)))
    assert labels == {"A": 0, "B": 1, "C": 1}  # B buys again, but after the 28-day horizon


def test_schema_rejects_out_of_range_values():
    broken = features().reset_index().assign(online_share=1.5)
    with pytest.raises(pandera.errors.SchemaError):
        CustomerFeatures.validate(broken)


# A sales-only export: dim_customer has no signup date and 'unknown' tier; E changed country (two versions).
SALES_ONLY = pd.DataFrame({
    "customer_id": ["E", "E", "F"],
    "valid_from": pd.to_datetime(["1900-01-01 00:00", "2026-03-20 09:00", "1900-01-01 00:00"]),
    "valid_to": pd.to_datetime(["2026-03-20 09:00", None, None]),
    "loyalty_tier": ["unknown", "unknown", "unknown"],
    "signup_date": pd.to_datetime([None, None, None]),
})
SALES_ONLY_LINES = pd.DataFrame([
    line("2026-02-01", "u1", "E", price=20.0),
    line("2026-03-20", "u2", "E", price=30.0),
    line("2026-04-02", "u3", "F", price=9.0),  # F's first purchase is after the cut-off
    line("2026-03-05", "g1", None, price=7.0),
    line("2026-03-05", "g1", None, price=3.0),
])


def test_sales_only_customers_are_known_from_their_first_purchase():
    f = build_customer_features(SALES_ONLY_LINES, SALES_ONLY, STORES, CUTOFF).set_index("customer_id")
    assert list(f.index) == ["E"]  # F had not bought yet; guests are nobody
    e = f.loc["E"]
    assert e["tenure_days"] == 58  # 2026-02-01 .. 2026-03-31: tenure from the first purchase
    assert (e["frequency"], e["monetary"], e["recency_days"]) == (1, 30.0, 11.0)  # u1 is before the 8 weeks
    assert (e["loyalty_tier"], e["main_store_type"]) == ("unknown", "mall")
    later = build_customer_features(SALES_ONLY_LINES, SALES_ONLY, STORES, date(2026, 4, 2))
    assert sorted(later["customer_id"]) == ["E", "F"] and later.set_index("customer_id").loc["F", "tenure_days"] == 0


def test_guest_lines_are_counted_out():
    assert guest_sales_summary(SALES_ONLY_LINES, CUTOFF) == {
        "guest_lines_excluded": 2, "guest_transactions_excluded": 1, "guest_revenue_excluded": 10.0}
    assert guest_sales_summary(SALES_ONLY_LINES, date(2026, 3, 4))["guest_lines_excluded"] == 0


def test_a_store_without_attributes_is_unknown_not_dropped():
    stores = pd.DataFrame({"store_id": ["S1"], "store_type": [None], "region": [None]})
    f = build_customer_features(SALES_ONLY_LINES, SALES_ONLY, stores, CUTOFF).set_index("customer_id")
    assert (f.loc["E", "main_store_type"], f.loc["E", "main_store_region"]) == ("unknown", "unknown")
