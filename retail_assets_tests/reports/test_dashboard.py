"""The dashboard file in headless Chromium (offline, no console errors, every chart drawn, KPIs = gold),
as HTML (well-formed main structure), and the charts in the Dagster metadata."""

import base64
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from dagster import AssetKey

from retail_assets.definitions import build_definitions
from retail_assets.reports import report_assets
from retail_assets.reports.dashboard import CHARTS, KPI_CARDS, build_dashboard
from retail_assets_tests.chromium import opened
from retail_assets_tests.reports.test_dashboard_unit import tiny_data

# Each KPI recomputed from the sales lines, without the marts or the view the dashboard reads.
INDEPENDENT_KPIS = """
WITH orders AS (
    SELECT transaction_id, min(sale_date) AS sale_date, sum(revenue) AS revenue FROM gold.fct_sales GROUP BY 1
), latest AS (SELECT max(sale_date) AS day FROM gold.fct_sales)
SELECT
    sum(revenue) AS total_sales,
    (SELECT count(DISTINCT customer_id) FROM gold.fct_sales) AS customers,
    sum(revenue) / count(*) AS avg_sale_per_transaction,
    count(*) FILTER (WHERE revenue > 1000) AS high_value_transactions,
    sum(revenue) FILTER (WHERE year(sale_date) = (SELECT year(day) FROM latest)) AS sales_ytd,
    sum(revenue) FILTER (WHERE sale_date > (SELECT day FROM latest) - INTERVAL 30 DAY) AS sales_last_30_days
FROM orders
"""


# Revenue per customer country recomputed from the sales lines and the customer versions, not from the mart.
INDEPENDENT_COUNTRIES = """
SELECT coalesce(nullif(trim(f.country), ''), c.country_name, c.country, 'Unknown') AS country, sum(f.revenue) AS revenue
FROM gold.fct_sales AS f
LEFT JOIN gold.dim_customer AS c USING (customer_key)
JOIN gold.dim_store AS s USING (store_key)
WHERE f.sale_date BETWEEN ? AND ? AND (s.region = ? OR ? = '')
GROUP BY 1
"""


def country_bars(page) -> dict[str, float]:
    """The customer-country chart as drawn: bar label -> revenue (plotly keeps the traces on the div)."""
    bars = page.evaluate("() => { const t = document.getElementById('chart-sales-by-customer-country').data[0];"
                         " return t ? [t.y, t.x] : [[], []]; }")
    return dict(zip(*bars, strict=True))


def expected_countries(data_root, first: str, last: str, region: str = "") -> dict[str, float]:
    frame = data_root.query(INDEPENDENT_COUNTRIES, [first, last, region, region])
    return dict(zip(frame.country, frame.revenue, strict=True))


def dashboard_path(env) -> Path:
    return env.reports_dir / "sales_dashboard.html"


def test_dashboard_loads_offline_without_errors_and_its_kpis_equal_gold(reports_env, tmp_path):
    expected = reports_env.data_root.query(INDEPENDENT_KPIS).iloc[0]
    assert expected.sales_ytd < expected.total_sales, "the data spans a new year"
    with opened(dashboard_path(reports_env)) as (page, errors, requests):
        for chart_id, *_ in CHARTS:
            assert page.locator(f"#{chart_id} .main-svg").count() > 0, f"{chart_id} not drawn"
        assert page.locator("#chart-peak-hours .hm, #chart-peak-hours image").count() > 0
        assert page.locator("#chart-vip-potential .scatterlayer .point").count() > 100

        kpis = page.eval_on_selector_all(
            "[data-kpi]", "els => els.map(e => [e.dataset.kpi, e.dataset.value, e.querySelector('.value').textContent])")
        assert [k for k, *_ in kpis] == [k for k, *_ in KPI_CARDS]
        for key, value, shown in kpis:
            assert float(value) == pytest.approx(float(expected[key]), abs=0.005), key
            assert float(shown.replace(",", "")) == float(value), key
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        all_countries = country_bars(page)

        # The filters re-aggregate: one region over a date range equals the same query on gold.
        region, first, last = "London", "2025-12-20", "2026-01-10"
        page.fill("#filter-from", first)
        page.fill("#filter-to", last)
        page.select_option("#filter-region", region)
        page.wait_for_selector("body[data-rendered=true]")
        summary = page.locator("#selection-summary").inner_text()
        rows_shown = page.locator("#inventory-alerts tbody tr:not([hidden])").count()
        picked_countries = country_bars(page)

    assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests), (errors, requests)
    assert (tmp_path / "dashboard.png").stat().st_size > 50_000
    picked = reports_env.data_root.query(f"""
        SELECT sum(f.revenue) AS revenue, count(DISTINCT f.transaction_id) AS transactions
        FROM gold.fct_sales AS f JOIN gold.dim_store AS s USING (store_key)
        WHERE s.region = '{region}' AND f.sale_date BETWEEN DATE '{first}' AND DATE '{last}'""").iloc[0]
    sales, transactions = re.search(r"Selection: ([\d,.]+) sales in ([\d,]+) transactions", summary).groups()
    assert float(sales.replace(",", "")) == pytest.approx(picked.revenue, abs=0.005)
    assert int(transactions.replace(",", "")) == picked.transactions
    assert f"{first} to {last}, {region}" in summary
    alerts = reports_env.data_root.query(f"""
        SELECT count(*) AS n FROM gold.rpt_inventory_status AS i JOIN gold.dim_store AS s USING (store_key)
        WHERE i.needs_reorder AND s.region = '{region}'""").n[0]
    assert rows_shown == alerts

    # The customer-country chart: every country (the synthetic chain has fewer than the 12 bars shown) with
    # the revenue of the sales lines, over all data and after the filters.
    everything = expected_countries(reports_env.data_root, "2000-01-01", "2100-01-01")
    assert len(all_countries) > 1 and all_countries.keys() == everything.keys()
    assert all_countries == pytest.approx(everything, abs=0.01)
    assert picked_countries == pytest.approx(expected_countries(reports_env.data_root, first, last, region), abs=0.01)


def test_a_dashboard_before_any_ml_run_says_so_and_still_renders(tmp_path):
    path = tmp_path / "sales_dashboard.html"
    path.write_text(build_dashboard(tiny_data(), datetime(2026, 1, 3)), encoding="utf-8")
    with opened(path) as (page, errors, requests):
        assert "No customer scores yet" in page.locator("#chart-vip-potential").inner_text()
        assert "No forecast yet" in page.locator("#chart-daily-trend").inner_text()
        assert page.locator("#chart-daily-trend .scatterlayer .trace").count() == 1  # the actuals
        assert "1,234.57 sales in 4 transactions" in page.locator("#selection-summary").inner_text()
    assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests), (errors, requests)


class StructureChecker(HTMLParser):
    """Keeps a stack of open elements; void elements never need closing."""

    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "col", "area", "base", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.seen, self.external = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.seen.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith(("data:", "#")):
                self.external.append(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_dashboard_is_one_well_formed_self_contained_file(reports_env):
    text = dashboard_path(reports_env).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    checker = StructureChecker()
    checker.feed(text)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    assert [checker.seen.count(t) for t in ("html", "head", "body", "main")] == [1, 1, 1, 1]
    assert checker.external == [], "no file, script or style loaded from elsewhere"
    assert checker.seen.count("script") == 3  # plotly.js, the data, the page script


def test_dashboard_metadata_reports_what_was_written(reports_env):
    meta = reports_env.metadata("reports/sales_dashboard")
    path = dashboard_path(reports_env)
    assert meta["path"].value == str(path) and meta["size_bytes"].value == path.stat().st_size
    expected = reports_env.data_root.query(INDEPENDENT_KPIS).iloc[0]
    for key, *_ in KPI_CARDS:
        assert meta[f"kpi_{key}"].value == pytest.approx(float(expected[key]), abs=1e-6)
    assert meta["forecast_days"].value == 14 and meta["inventory_alerts"].value > 0
    assert meta["charts"].value == len(CHARTS)


def png_of(markdown: str, alt: str) -> bytes:
    prefix = f"![{alt}](data:image/png;base64,"
    assert markdown.startswith(prefix) and markdown.endswith(")")
    png = base64.b64decode(markdown[len(prefix):-1])
    assert png.startswith(b"\x89PNG") and len(png) > 5_000
    return png


def test_daily_sales_and_forecast_carry_a_chart_in_their_metadata(reports_env):
    png_of(reports_env.metadata("reports/daily_sales_summary")["daily_sales_summary_chart"].value, "daily sales")
    (forecast,) = [e for e in reports_env.ml.get_asset_materialization_events()
                   if e.asset_key == AssetKey(["ml", "sales_forecast"])]
    png_of(forecast.materialization.metadata["forecast_chart"].value, "forecast")
    (model,) = [e for e in reports_env.ml.get_asset_materialization_events()
                if e.asset_key == AssetKey(["ml", "customer_churn_model"])]
    png_of(model.materialization.metadata["roc_plot"].value, "ROC")


def test_report_assets_are_grouped_owned_and_lineage_reaches_gold_and_ml(reports_env):
    graph = build_definitions(reports_env.data_root.resources()).resolve_asset_graph()
    assert report_assets
    for definition in report_assets:
        (key,) = definition.keys
        node = graph.get(key)
        assert key.path[0] == "reports" and node.group_name == "reports"
        assert node.owners == ["team:data-platform"] and node.pools == {"warehouse_writes"}
        assert node.parent_keys and all(graph.get(parent).is_materializable for parent in node.parent_keys)
        assert any(parent.path[0] == "gold" for parent in node.parent_keys)
    dashboard = graph.get(AssetKey(["reports", "sales_dashboard"]))
    assert {AssetKey(["ml", "customer_scores"]), AssetKey(["ml", "sales_forecast"])} <= dashboard.parent_keys
    upstream = graph.get(AssetKey(["reports", "daily_sales_summary"])).parent_keys
    assert AssetKey(["gold", "rpt_daily_sales"]) in upstream
    assert reports_env.reports_seconds < 30
