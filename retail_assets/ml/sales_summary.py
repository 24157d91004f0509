"""Sales lines reduced to what the ML layer needs, computed where the lines are (Ibis expressions).

A year of gold.fct_sales is millions of lines; the churn features need one row per
customer. Reading every line into pandas took minutes on a 7.6M-line year (string
columns built row by row, one core); the same aggregates inside the warehouse take
about a second, and the same expressions run on a frame (`ibis.memtable`) in tests.

Semantics are the former pandas code's (kept in features.py's docstrings):
- "known" lines: sale_date <= cutoff with a customer id (guests are nobody's features);
- volume features look at the last LOOKBACK_DAYS; a transaction with any cancelled
  line is not a purchase; money sums every line of the window, cancellations included;
- the main store is the one with most distinct transactions over the whole known
  history, ties to the smallest store id; lines without a store or a transaction id
  count for neither (pandas' groupby dropped null keys).
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

SUMMARY_COLUMNS = ["customer_id", "first_purchase", "last_sale", "frequency", "tx_revenue", "online_share",
                   "recent_tx", "monetary", "gross", "discount_amount", "main_store"]


def as_sales_table(sales: ir.Table | pd.DataFrame) -> ir.Table:
    """gold.fct_sales as an Ibis table with the types the expressions rely on: the warehouse's own table,
    or a frame's (small inputs, tests; run by Ibis' default in-memory backend)."""
    table = ibis.memtable(sales) if isinstance(sales, pd.DataFrame) else sales
    return table.mutate(
        sale_date=table.sale_date.cast("date"),
        customer_id=table.customer_id.cast("string"),
        transaction_id=table.transaction_id.cast("string"),
        store_id=table.store_id.cast("string"),
        channel=table.channel.cast("string"),
        is_cancellation=table.is_cancellation.cast("boolean"),
        quantity=table.quantity.cast("float64"),
        unit_price=table.unit_price.cast("float64"),
        discount=table.discount.cast("float64"),
        revenue=table.revenue.cast("float64"),
    )


def customer_summary(sales: ir.Table, cutoff: date, lookback_days: int, recent_days: int) -> pd.DataFrame:
    """One row per identified customer with a line on or before `cutoff` (SUMMARY_COLUMNS); volume columns
    are null for a customer without a (non-cancelled) transaction in the look-back window."""
    known = sales.filter(sales.sale_date <= ibis.date(cutoff), sales.customer_id.notnull())
    span = known.group_by("customer_id").aggregate(first_purchase=known.sale_date.min(),
                                                   last_sale=known.sale_date.max())
    window = known.filter(known.sale_date > ibis.date(cutoff - timedelta(days=lookback_days)))
    window = window.mutate(
        online=ibis.ifelse(window.channel == "online", 1.0, 0.0),
        recent=ibis.ifelse(window.sale_date > ibis.date(cutoff - timedelta(days=recent_days)), 1.0, 0.0),
        cancelled=ibis.ifelse(window.is_cancellation, 1, 0),
    )
    with_tx = window.filter(window.transaction_id.notnull())
    tx = with_tx.group_by(["customer_id", "transaction_id"]).aggregate(
        revenue=_exact_sum(with_tx.revenue), online=with_tx.online.max(), recent=with_tx.recent.max(),
        cancelled=with_tx.cancelled.max(),
    )
    tx = tx.filter(tx.cancelled == 0)
    per_tx = tx.group_by("customer_id").aggregate(
        frequency=tx.count(), tx_revenue=_exact_sum(tx.revenue), online_share=tx.online.mean(),
        recent_tx=tx.recent.sum(),  # a float sum of 0/1: exact; an integer sum is HUGEINT on DuckDB, a Decimal
    )
    money = window.group_by("customer_id").aggregate(
        monetary=_exact_sum(window.revenue),
        gross=_exact_sum(window.quantity * window.unit_price),
        discount_amount=_exact_sum(window.quantity * window.unit_price * window.discount),
    )
    out = span.left_join(per_tx, "customer_id").left_join(money, "customer_id").left_join(
        _main_store(known), "customer_id").select(SUMMARY_COLUMNS)
    frame = out.to_pandas()
    for column in ("first_purchase", "last_sale"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.sort_values("customer_id", ignore_index=True)


def _exact_sum(values: ir.NumericValue) -> ir.NumericScalar:
    """A sum that does not depend on the order threads add in (a float sum does, in its last bits, so two
    runs on one table could differ): exact in NUMERIC(38, 9), BigQuery's NUMERIC, then back to float."""
    return values.cast(dt.Decimal(38, 9)).sum().cast("float64")


def _main_store(known: ir.Table) -> ir.Table:
    stored = known.filter(known.store_id.notnull(), known.transaction_id.notnull())
    visits = stored.group_by(["customer_id", "store_id"]).aggregate(n=stored.transaction_id.nunique())
    rank = ibis.row_number().over(group_by=visits.customer_id, order_by=[ibis.desc(visits.n), visits.store_id])
    ranked = visits.mutate(rank=rank)
    return ranked.filter(ranked.rank == 0).select("customer_id", main_store=ranked.store_id)


def latest_sale(sales: ir.Table) -> date | None:
    """The last sale date in `sales` (None: no lines)."""
    latest = sales.sale_date.max().to_pandas()
    return None if latest is None or pd.isna(latest) else pd.Timestamp(latest).date()


def guest_summary(sales: ir.Table, cutoff: date) -> dict:
    """Guest checkouts (no customer id) on or before `cutoff`: lines, transactions, revenue."""
    guests = sales.filter(sales.sale_date <= ibis.date(cutoff), sales.customer_id.isnull())
    row = guests.aggregate(lines=guests.count(), transactions=guests.transaction_id.nunique(),
                           revenue=_exact_sum(guests.revenue)).to_pandas().iloc[0]
    revenue = 0.0 if pd.isna(row["revenue"]) else float(row["revenue"])
    return {"guest_lines_excluded": int(row["lines"]), "guest_transactions_excluded": int(row["transactions"]),
            "guest_revenue_excluded": round(revenue, 2)}


def buyers_between(sales: ir.Table, after: date, until: date) -> set[str]:
    """Customers with a non-cancelled line in (after, until]."""
    bought = sales.filter(sales.sale_date > ibis.date(after), sales.sale_date <= ibis.date(until),
                          ~sales.is_cancellation.fill_null(False), sales.customer_id.notnull())
    return set(bought.select("customer_id").distinct().to_pandas()["customer_id"])
