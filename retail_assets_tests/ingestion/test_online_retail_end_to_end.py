"""The real Online Retail exports, end to end through the sensor's ranged run.

Revenue is recomputed independently from the raw CSV with the csv module and
the documented rules (README, "Online Retail treatment"), not with the
project's parsers, so a parsing bug cannot hide behind itself.
"""

import csv
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from dagster import materialize

from retail_assets.bronze.assets import bronze_assets
from retail_assets.silver.assets import silver_assets

SALES = [a for a in bronze_assets + silver_assets if a.key.path[-1] == "sales_lines"]
PRODUCT_CODE = re.compile(r"\d{5}[A-Za-z]{0,2}")


def expected_by_documented_rules(path):
    """(revenue per sale date, rows kept, rows rejected, rows duplicate) for one export."""
    revenue, kept, rejected, duplicate = defaultdict(Decimal), 0, 0, 0
    seen = set()
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            qty, price = int(row["Quantity"]), Decimal(row["UnitPrice"])
            cancelled = row["InvoiceNo"].startswith("C")
            is_product = PRODUCT_CODE.fullmatch(row["StockCode"]) is not None
            bad = (
                qty == 0
                or (qty < 0 and not cancelled)
                or (qty > 0 and cancelled)
                or price < 0
                or (price == 0 and is_product)
            )
            if bad:
                rejected += 1
                continue
            identity = tuple(row.values())
            if identity in seen:
                duplicate += 1
                continue
            seen.add(identity)
            kept += 1
            revenue[row["InvoiceDate"][:10]] += qty * price
    return revenue, kept, rejected, duplicate


def test_every_export_balances_and_revenue_matches_the_csv(data_root, online_retail):
    files = sorted(online_retail.glob("*.csv"))
    assert len(files) >= 14
    for f in files:
        data_root.drop(f)
    first, last = files[0].stem, files[-1].stem
    result = materialize(
        SALES,
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
        resources=data_root.resources(),
    )
    assert result.success

    audit = data_root.query("select * from audit.file_loads order by file")
    assert audit.file.tolist() == [f.name for f in files]
    assert (audit.status == "loaded").all()
    assert (audit.rows_read == audit.rows_loaded + audit.rows_rejected + audit.rows_duplicate).all()

    revenue = data_root.query(
        "select strftime(sale_date, '%Y-%m-%d') d, sum(revenue) r from silver.sales_lines group by 1 order by 1")
    got = dict(zip(revenue.d, revenue.r))
    expected_revenue = defaultdict(Decimal)
    for f in files:
        rev, kept, rejected, duplicate = expected_by_documented_rules(f)
        row = audit[audit.file == f.name].iloc[0]
        assert (row.rows_loaded, row.rows_rejected, row.rows_duplicate) == (kept, rejected, duplicate), f.name
        for day, value in rev.items():
            expected_revenue[day] += value
    assert sorted(got) == sorted(expected_revenue)
    for day, value in expected_revenue.items():
        assert got[day] == pytest.approx(float(value), abs=0.01), day

    silver_rows = data_root.query("select count(*) n from silver.sales_lines").n[0]
    assert silver_rows == audit.rows_loaded.sum()
    rejected_rows = data_root.query("select count(*) n, count(dq_errors) e from silver.rejected_rows")
    assert rejected_rows.n[0] == rejected_rows.e[0] == audit.rows_rejected.sum()

    # Documented treatment is visible in silver: cancellations, guests, non-product lines kept.
    flags = data_root.query(
        "select sum(is_cancellation::int) c, sum(is_guest::int) g, sum((line_type='non_product')::int) np "
        "from silver.sales_lines")
    assert flags.c[0] > 0 and flags.g[0] > 0 and flags.np[0] > 0
