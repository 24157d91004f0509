"""Silver and gold (real dbt runs on a temp DuckDB file) for two partitions, twice."""

from datetime import date

import openpyxl
import pandas as pd
from dagster import AssetSelection, DagsterInstance, materialize

from retail_assets.definitions import build_definitions
from retail_assets.synthetic.generate import generate

DATA_PLANE = AssetSelection.groups("bronze", "silver", "gold")  # the ML group needs weeks of history
GOLD_TABLES = ["fct_sales", "fct_orders", "dim_customer", "dim_product", "dim_store", "dim_employee",
               "rpt_daily_sales", "v_executive_summary"]


def _materialize_day(data_root, defs, instance, partition):
    result = materialize(list(defs.assets), selection=DATA_PLANE, partition_key=partition,
                         resources=data_root.resources(), instance=instance)
    assert result.success
    return result


def _gold_counts(data_root):
    return {t: data_root.query(f"select count(*) n from gold.{t}").n[0] for t in GOLD_TABLES}


def test_two_partitions_twice_counts_stable_and_revenue_reconciles(data_root):
    generate(data_root.landing, start=date(2026, 11, 1), days=2, seed=11, lines_per_day=300)
    defs = build_definitions(data_root.resources())
    instance = DagsterInstance.ephemeral()

    # Day by day first (as the sensor does), then both days again as one ranged backfill run.
    for partition in ["2026-11-01", "2026-11-02"]:
        _materialize_day(data_root, defs, instance, partition)
    first = _gold_counts(data_root)
    assert all(n > 0 for n in first.values()), first

    result = materialize(list(defs.assets), selection=DATA_PLANE, resources=data_root.resources(), instance=instance,
                         tags={"dagster/asset_partition_range_start": "2026-11-01",
                               "dagster/asset_partition_range_end": "2026-11-02"})
    assert result.success
    assert _gold_counts(data_root) == first, "re-running the partitions must not change gold"

    checks = result.get_asset_check_evaluations()
    assert checks, "dbt tests run as asset checks"
    assert all(c.passed for c in checks), [c.check_name for c in checks if not c.passed]

    revenue = data_root.query("""
        select s.sale_date, s.revenue silver, coalesce(f.revenue, 0) gold
        from (select sale_date, sum(revenue) revenue from silver.sales_lines group by 1) s
        left join (select sale_date, sum(revenue) revenue from gold.fct_sales group by 1) f using (sale_date)
    """)
    assert len(revenue) >= 2
    assert (revenue.silver - revenue.gold).abs().max() < 0.01, revenue
    assert data_root.query("select count(*) n from gold.fct_sales").n[0] == \
        data_root.query("select count(*) n from silver.sales_lines").n[0]

    # fct_orders' line items: every fct_sales line once, in line_number order (the DuckDB macro sorts
    # the aggregated list instead of an ordered aggregate: cross_db.sql)
    orders = data_root.query("""
        select count(*) filter (where len(line_items) != line_count) wrong_count,
               count(*) filter (where list_transform(line_items, x -> x.line_number)
                                 != list_sort(list_transform(line_items, x -> x.line_number))) unordered,
               count(*) filter (where line_count > 1) multi_line,
               sum(len(line_items)) items
        from gold.fct_orders""")
    assert orders.wrong_count[0] == 0 and orders.unordered[0] == 0, orders
    assert orders.multi_line[0] > 0, "the check needs orders with several lines"
    assert orders["items"][0] == data_root.query("select count(*) n from gold.fct_sales").n[0]


def _csv(path, header, rows):
    path.write_text("\n".join([",".join(header), *[",".join(map(str, r)) for r in rows]]) + "\n")


def _customers_xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "customers"
    ws.append(["customer_id", "email", "first_name", "last_name", "loyalty_tier", "region", "country",
               "signup_date", "updated_at"])
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_customer_change_between_partitions_gives_two_versions_and_sales_point_to_the_right_one(data_root):
    land = data_root.landing
    _csv(land / "stores_2026-11-01.csv", ["store_id", "store_name", "country", "region", "city", "store_type", "opened_on"],
         [["S001", "Leeds", "GB", "Yorkshire", "Leeds", "mall", "2001-01-01"]])
    _csv(land / "employees_2026-11-01.csv", ["employee_id", "first_name", "last_name", "store_id", "role", "hired_on",
                                            "hourly_rate"], [["E0001", "Ann", "Lee", "S001", "cashier", "2020-01-01", "12.5"]])
    (land / "products_2026-11-01.json").write_text(
        '[{"product_id": "P0001", "product_name": "Mug", "category": "Home", "brand": "Acme", "unit_cost": 2.0,'
        ' "list_price": 5.0, "updated_at": "2026-11-01 00:00:00"}]')
    _customers_xlsx(land / "customers_2026-11-01.xlsx",
                    [["C000001", "a@x.org", "Al", "Bo", "silver", "North", "GB", "2026-01-01", "2026-01-01 10:00:00"]])
    _customers_xlsx(land / "customers_2026-11-02.xlsx",
                    [["C000001", "al@y.org", "Al", "Bo", "gold", "South", "GB", "2026-01-01", "2026-11-02 09:00:00"]])
    header = ["transaction_id", "line_number", "sold_at", "store_id", "customer_id", "employee_id", "product_id",
              "quantity", "unit_price", "discount", "payment_method", "channel"]
    _csv(land / "pos_sales_2026-11-01.csv", header,
         [["T1", 1, "2026-11-01 10:00:00", "S001", "C000001", "E0001", "P0001", 2, "5.00", "0", "card", "in_store"]])
    _csv(land / "pos_sales_2026-11-02.csv", header,
         [["T2", 1, "2026-11-02 08:00:00", "S001", "C000001", "E0001", "P0001", 1, "5.00", "0", "card", "in_store"],
          ["T3", 1, "2026-11-02 12:00:00", "S001", "C000001", "E0001", "P0001", 3, "5.00", "10%", "card", "in_store"]])
    defs = build_definitions(data_root.resources())
    instance = DagsterInstance.ephemeral()
    for partition in ["2026-11-01", "2026-11-02"]:
        _materialize_day(data_root, defs, instance, partition)

    versions = data_root.query(
        "select customer_key, loyalty_tier, valid_from, valid_to, is_current from gold.dim_customer "
        "where customer_id = 'C000001' order by valid_from")
    assert versions.loyalty_tier.tolist() == ["silver", "gold"]
    assert versions.is_current.tolist() == [False, True]
    assert versions.valid_to[0] == pd.Timestamp("2026-11-02 09:00:00") and pd.isna(versions.valid_to[1])
    old_key, new_key = versions.customer_key.tolist()
    assert old_key != new_key

    sales = data_root.query("select transaction_id, customer_key, revenue from gold.fct_sales order by transaction_id")
    assert sales.customer_key.tolist() == [old_key, old_key, new_key], "each sale joins the version valid then"
    assert sales.revenue.round(2).tolist() == [10.0, 5.0, 13.5]
