"""The CSV exports against independent queries on gold and silver (row counts and sums), and their headers."""

import csv

import pandas as pd
import pytest

from retail_assets.reports.queries import EXPORT_COLUMNS

EXPORTS = list(EXPORT_COLUMNS)


def read(env, name: str) -> pd.DataFrame:
    return pd.read_csv(env.reports_dir / f"{name}.csv")


def money(total_rows: int) -> dict:
    """Tolerance for sums of values rounded to cents row by row."""
    return {"abs": 0.005 * total_rows + 1e-6}


@pytest.mark.parametrize("name", EXPORTS)
def test_export_header_is_the_declared_column_order_and_metadata_points_at_it(reports_env, name):
    path = reports_env.reports_dir / f"{name}.csv"
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(EXPORT_COLUMNS[name])
    meta = reports_env.metadata(f"reports/{name}")
    assert meta["path"].value == str(path)
    assert meta["dagster/row_count"].value == len(rows) - 1 > 0
    assert [c.name for c in meta["dagster/column_schema"].value.columns] == list(EXPORT_COLUMNS[name])
    header = meta["preview"].value.splitlines()[0]
    assert [cell.strip() for cell in header.strip("|").split("|")] == list(EXPORT_COLUMNS[name])
    assert not list(reports_env.reports_dir.glob(".*.tmp")), "no temp file left behind"


def test_daily_sales_summary_equals_fct_sales_per_day_and_store(reports_env):
    csv_rows = read(reports_env, "daily_sales_summary")
    gold = reports_env.data_root.query("""
        SELECT count(DISTINCT (sale_date, store_id)) AS store_days, sum(revenue) AS revenue,
               sum(quantity * unit_price) AS gross, count(DISTINCT transaction_id) AS transactions,
               sum(quantity) AS units
        FROM gold.fct_sales""").iloc[0]
    assert len(csv_rows) == gold.store_days
    assert csv_rows["revenue"].sum() == pytest.approx(gold.revenue, **money(len(csv_rows)))
    assert csv_rows["gross_amount"].sum() == pytest.approx(gold.gross, **money(len(csv_rows)))
    assert csv_rows["discount_amount"].sum() == pytest.approx(gold.gross - gold.revenue, **money(2 * len(csv_rows)))
    assert csv_rows["transactions"].sum() == gold.transactions
    assert csv_rows["units"].sum() == gold.units
    per_day = reports_env.data_root.query(
        "SELECT strftime(sale_date, '%Y-%m-%d') AS sale_date, sum(revenue) AS revenue FROM gold.fct_sales GROUP BY 1")
    got = csv_rows.groupby("sale_date")["revenue"].sum()
    expected = per_day.set_index("sale_date")["revenue"].sort_index()
    assert list(got.index) == list(expected.index)
    assert (got - expected).abs().max() < 0.005 * 20
    assert list(csv_rows["sale_date"]) == sorted(csv_rows["sale_date"]), "ordered by day"


def test_product_performance_covers_every_product_sold(reports_env):
    csv_rows = read(reports_env, "product_performance")
    gold = reports_env.data_root.query("""
        SELECT count(DISTINCT product_id) AS products, sum(revenue) AS revenue, sum(quantity) AS units
        FROM gold.fct_sales WHERE line_type = 'product'""").iloc[0]
    best = reports_env.data_root.query("""
        SELECT product_id FROM gold.fct_sales WHERE line_type = 'product'
        GROUP BY product_id ORDER BY sum(revenue) DESC LIMIT 1""").product_id[0]
    assert len(csv_rows) == gold.products
    assert csv_rows["revenue"].sum() == pytest.approx(gold.revenue, **money(len(csv_rows)))
    assert csv_rows["units"].sum() == gold.units
    assert csv_rows.iloc[0]["product_id"] == best and csv_rows.iloc[0]["revenue_rank"] == 1
    assert csv_rows["revenue_rank"].is_monotonic_increasing


def test_employee_hours_match_the_shifts_and_rates_loaded(reports_env):
    csv_rows = read(reports_env, "employee_hours")
    # From silver, not from the mart the export reads: the hours are recomputed from the shift times.
    silver = reports_env.data_root.query("""
        WITH hours AS (
            SELECT employee_id, sum(epoch(shift_end - shift_start)) / 3600.0 AS hours FROM silver.shifts GROUP BY 1)
        SELECT (SELECT count(DISTINCT employee_id) FROM silver.employees) AS employees,
               sum(h.hours) AS hours, sum(h.hours * e.hourly_rate) AS labour_cost
        FROM hours AS h JOIN gold.dim_employee AS e USING (employee_id)""").iloc[0]
    revenue = reports_env.data_root.query(
        "SELECT sum(revenue) AS revenue FROM gold.fct_sales WHERE employee_id IS NOT NULL").revenue[0]
    assert len(csv_rows) == silver.employees
    assert csv_rows["hours_worked"].sum() == pytest.approx(silver.hours, **money(len(csv_rows)))
    assert csv_rows["labour_cost"].sum() == pytest.approx(silver.labour_cost, **money(len(csv_rows)))
    assert csv_rows["revenue"].sum() == pytest.approx(revenue, **money(len(csv_rows)))
    assert silver.hours > 0 and revenue > 0


def test_inventory_status_is_the_latest_count_per_store_reorders_first(reports_env):
    csv_rows = read(reports_env, "inventory_status")
    silver = reports_env.data_root.query("""
        WITH latest AS (
            SELECT * FROM silver.inventory
            QUALIFY snapshot_date = max(snapshot_date) OVER (PARTITION BY store_id))
        SELECT count(*) AS pairs, sum(on_hand) AS on_hand, sum((on_hand < reorder_point)::INT) AS reorders
        FROM latest""").iloc[0]
    assert len(csv_rows) == silver.pairs
    assert csv_rows["on_hand"].sum() == silver.on_hand
    assert csv_rows["needs_reorder"].sum() == silver.reorders > 0
    flags = csv_rows["needs_reorder"].tolist()
    assert flags == sorted(flags, reverse=True), "every reorder line comes before the rest"
