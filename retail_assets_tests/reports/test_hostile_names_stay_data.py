"""Hostile names from landing files stay data in the files people open: every CSV export is
spreadsheet-safe, the dashboard's chart labels are plain text."""

import csv
import json
import re

import pytest

from retail_assets.reports.queries import EXPORT_COLUMNS
from retail_assets_tests.security.hostile_names import BRAND, FIRST_NAME, FORMULA, LINK, STORE

# The hostile value each export carries, and the column it lands in.
EXPECTED = {
    "daily_sales_summary": {"store_name": STORE},
    "product_performance": {"product_name": FORMULA, "brand": BRAND},
    "employee_hours": {"full_name": FIRST_NAME},
    "inventory_status": {"store_name": STORE, "product_name": FORMULA},
}


def cells(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", list(EXPORT_COLUMNS))
def test_no_export_cell_starts_a_formula(reports_env, name):
    rows = cells(reports_env.reports_dir / f"{name}.csv")
    assert rows, f"{name} is empty: the test would prove nothing"
    for column, hostile in EXPECTED[name].items():
        values = {r[column] for r in rows}
        # The hostile text reached the export, quoted: a spreadsheet shows it, never evaluates it.
        assert any(v.startswith("'" + hostile) for v in values), (column, sorted(values)[:3])
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (name, column, value)
            if value.startswith("-"):  # only a number may start with a minus
                float(value)


def test_numbers_stay_numbers(reports_env):
    rows = cells(reports_env.reports_dir / "product_performance.csv")
    assert all(float(r["revenue"]) == float(r["revenue"].lstrip("'")) and not r["units"].startswith("'")
               for r in rows)


def test_dashboard_product_labels_are_plain_text(reports_env):
    page = (reports_env.reports_dir / "sales_dashboard.html").read_text()
    payload = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S).group(1)
    data = json.loads(payload)
    names = set(data["top_products"]["product_name"])
    assert "Refund" in names, names  # the LINK product is among the top 5: its label is the text only
    assert not any("<" in n or "evil.example" in n.replace(FORMULA, "") for n in names), names
    assert LINK not in page and "evil.example\">" not in page
