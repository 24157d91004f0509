"""Pure parts of the reports, without a warehouse: the page builder, atomic writes, the metadata chart."""

import json
import re
from datetime import date, datetime

import pandas as pd

from retail_assets.reports.charts import daily_sales_chart
from retail_assets.reports.dashboard import build_dashboard
from retail_assets.reports.exports import write_csv_atomic, write_text_atomic
from retail_assets.reports.labels import plain_text
from retail_assets.reports.queries import DashboardData

HOSTILE = "</script><b>&\"x\""  # a store name that must not break out of the page


def tiny_data(customers: pd.DataFrame | None = None) -> DashboardData:
    kpis = {"latest_sale_date": pd.Timestamp("2026-01-02"), "total_sales": 1234.5678, "customers": 3,
            "transactions": 4, "avg_sale_per_transaction": 308.64195, "high_value_transactions": 1,
            "sales_ytd": 1000.0, "sales_last_30_days": 1234.5678}
    sales = pd.DataFrame({
        "sale_date": pd.to_datetime(["2025-12-31", "2026-01-02"]), "store_id": ["S1", "S1"],
        "store_name": [HOSTILE, HOSTILE], "country": ["GB", "GB"], "region": ["London", "London"],
        "transactions": [2, 2], "revenue": [234.5678, 1000.0], "discount_lines": [2, 3], "discount_sum": [0.1, 0.0],
        "discount_gross": [240.0, 1000.0], "discount_amount": [5.4322, 0.0],
    })
    alerts = pd.DataFrame({
        "store_id": ["S1"], "store_name": [HOSTILE], "region": ["London"], "product_id": ["P1"],
        "product_name": ["Mug"], "category": [None], "snapshot_date": pd.to_datetime(["2026-01-02"]),
        "on_hand": [1], "reorder_point": [5], "days_of_cover": [float("nan")],
    })
    empty = pd.DataFrame
    return DashboardData(
        kpis=kpis, regions=pd.DataFrame({"country": ["GB"], "region": ["London"]}), sales=sales,
        customer_countries=pd.DataFrame({
            "sale_date": pd.to_datetime(["2025-12-31", "2026-01-02", "2026-01-02"]), "region": ["London"] * 3,
            "country": ["United Kingdom", "<b>EIRE</b>", "United Kingdom"], "transactions": [2, 1, 1],
            "revenue": [234.5678, 400.0, 600.0]}),
        forecast=empty(columns=["forecast_date", "store_id", "region", "forecast_revenue"]),
        top_products=empty(columns=["region", "position", "product_id", "product_name", "category", "units", "revenue"]),
        peak_hours=empty(columns=["sale_date", "region", "hour_of_day", "transactions", "revenue"]),
        inventory_alerts=alerts,
        customers=customers if customers is not None else empty(columns=["customer_id", "region"]),
        customers_scored=0,
    )


def test_kpi_cards_carry_exact_values_and_readable_text():
    page = build_dashboard(tiny_data(), datetime(2026, 1, 3, 6, 0), plotly_js="/* plotly */")
    cards = re.findall(r'data-kpi="(\w+)" data-value="([^"]+)"><span class="label">[^<]+</span>'
                       r'<span class="value">([^<]+)</span>', page)
    assert cards == [
        ("total_sales", "1234.57", "1,234.57"), ("customers", "3", "3"),
        ("avg_sale_per_transaction", "308.64", "308.64"), ("high_value_transactions", "1", "1"),
        ("sales_ytd", "1000.00", "1,000.00"), ("sales_last_30_days", "1234.57", "1,234.57"),
    ]
    assert "2026-01-01 to 2026-01-02" in page and "over 4 transactions" in page


def test_names_are_escaped_in_html_and_in_the_embedded_json():
    page = build_dashboard(tiny_data(), datetime(2026, 1, 3), plotly_js="/* plotly */")
    assert page.count("</script>") == 3  # only the three script elements close
    assert "&lt;b&gt;" not in page and '<td>&amp;&quot;x&quot;</td>' in page  # plain text, then escaped
    payload = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S).group(1)
    data = json.loads(payload)
    assert data["sales"]["store_name"] == ['&"x"', '&"x"']  # a chart label: markup stripped, the text kept
    assert data["sales"]["sale_date"] == ["2025-12-31", "2026-01-02"]
    assert (data["first_date"], data["latest_date"]) == ("2025-12-31", "2026-01-02")
    assert data["customers"] == {"customer_id": [], "region": []}


def test_atomic_writes_replace_the_file_and_leave_no_temp(tmp_path):
    target = tmp_path / "reports" / "x.csv"
    write_text_atomic(target, "old\n")
    frame = pd.DataFrame({"sale_date": pd.to_datetime(["2026-01-02"]), "when": [date(2026, 1, 3)], "revenue": [1.5]})
    write_csv_atomic(frame, target)
    assert target.read_text() == "sale_date,when,revenue\n2026-01-02,2026-01-03,1.5\n"
    assert [p.name for p in target.parent.iterdir()] == ["x.csv"]


def test_daily_sales_chart_is_an_inline_png():
    summary = pd.DataFrame({"sale_date": ["2026-01-01", "2026-01-01", "2026-01-04"], "revenue": [1.0, 2.0, 3.0]})
    markdown = daily_sales_chart(summary).value
    assert markdown.startswith("![daily sales](data:image/png;base64,iVBOR") and markdown.endswith(")")


def test_chart_labels_are_plain_text():
    assert plain_text("<b>EIRE</b>") == "EIRE"
    assert plain_text("Bed &amp; <br>Breakfast  mug") == "Bed & Breakfast mug"
    assert plain_text("&lt;script&gt;alert(1)&lt;/script&gt;x") == "alert(1) x"  # encoded tags are tags too
    assert plain_text("2 < 3") == "2 < 3" and plain_text(None) is None and plain_text(4) == 4
    data = json.loads(re.search(r'id="dashboard-data">(.*?)</script>',
                                build_dashboard(tiny_data(), datetime(2026, 1, 3), plotly_js=""), re.S).group(1))
    assert data["customer_countries"]["country"] == ["United Kingdom", "EIRE", "United Kingdom"]
