"""The file contract: names, exact columns, formats and references between files."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from retail_assets.synthetic.generate import generate, main
from retail_assets_tests.synthetic.conftest import CLEAN_DAYS, CLEAN_START
from retail_assets_tests.synthetic.landing_files import files, read_csvs, read_customers, read_ndjson

POS_COLUMNS = (
    "transaction_id,line_number,sold_at,store_id,customer_id,employee_id,"
    "product_id,quantity,unit_price,discount,payment_method,channel"
)
ONLINE_KEYS = [
    "transaction_id", "line_number", "sold_at", "store_id", "customer_id", "employee_id",
    "product", "quantity", "unit_price", "discount", "payment_method", "channel",
]
CUSTOMER_COLUMNS = [
    "customer_id", "email", "first_name", "last_name", "loyalty_tier", "region", "country", "signup_date", "updated_at",
]
PRODUCT_KEYS = ["product_id", "product_name", "category", "brand", "unit_cost", "list_price", "updated_at"]
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def header(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n", 1)[0]


def test_every_file_kind_is_written_on_the_right_days(clean_month: Path) -> None:
    first = CLEAN_START.isoformat()
    kinds = {p.name.rsplit("_", 1)[0] for p in clean_month.iterdir() if first in p.name}
    assert kinds == {"pos_sales", "online_sales", "customers", "products", "stores", "employees", "shifts", "inventory"}
    for kind in ("pos_sales", "online_sales", "shifts", "inventory"):
        assert len(files(clean_month, kind)) == CLEAN_DAYS
    for kind in ("stores", "employees"):
        assert [p.name.split("_")[-1] for p in files(clean_month, kind)] == [f"{first}.csv"]
    # Customers arrive on most days (new or changed ones), products on repricing days.
    assert 10 <= len(files(clean_month, "customers")) <= CLEAN_DAYS
    assert 1 < len(files(clean_month, "products")) < CLEAN_DAYS


def test_csv_headers_are_exact(clean_month: Path) -> None:
    expected = {
        "pos_sales": POS_COLUMNS,
        "stores": "store_id,store_name,country,region,city,store_type,opened_on",
        "employees": "employee_id,first_name,last_name,store_id,role,hired_on,hourly_rate",
        "shifts": "shift_id,employee_id,store_id,shift_start,shift_end",
    }
    for kind, columns in expected.items():
        for path in files(clean_month, kind):
            assert header(path) == columns, path.name


def test_csv_files_are_plain_utf8_with_newlines(clean_month: Path) -> None:
    raw = files(clean_month, "pos_sales")[0].read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    raw.decode("utf-8")


def test_online_sales_are_ndjson_with_a_nested_product(clean_month: Path) -> None:
    for path in files(clean_month, "online_sales")[:3]:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert list(record) == ONLINE_KEYS
            assert list(record["product"]) == ["id", "name", "category"]
            assert record["channel"] == "online" and record["employee_id"] is None
            assert isinstance(record["quantity"], int) and isinstance(record["unit_price"], float)


def test_inventory_snapshot_covers_every_store_and_product(clean_month: Path) -> None:
    stores = read_csvs(clean_month, "stores")
    products = json.loads(files(clean_month, "products")[0].read_text())
    for path in files(clean_month, "inventory")[:2]:
        records = [json.loads(line) for line in path.read_text().splitlines()]
        assert all(list(r) == ["snapshot_date", "store_id", "product_id", "on_hand", "reorder_point"] for r in records)
        assert {r["snapshot_date"] for r in records} == {path.name[10:20]}
        assert len(records) == len(stores) * len(products)
        assert all(r["on_hand"] >= 0 and r["reorder_point"] > 0 for r in records)
        assert any(r["on_hand"] <= r["reorder_point"] for r in records)  # some shelves need a reorder


def test_customers_workbook_has_one_sheet_of_strings(clean_month: Path) -> None:
    path = files(clean_month, "customers")[0]
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["customers"]
    rows = list(workbook["customers"].iter_rows(values_only=True))
    assert list(rows[0]) == CUSTOMER_COLUMNS
    assert len(rows) > 1000  # everyone on the first day
    assert all(isinstance(v, str) for row in rows[1:50] for v in row)
    for row in rows[1:]:
        assert DAY.fullmatch(row[7]) and STAMP.fullmatch(row[8])
        assert row[4] in {"bronze", "silver", "gold", "platinum"}


def test_products_json_is_an_array_of_versions(clean_month: Path) -> None:
    first, *later = files(clean_month, "products")
    catalogue = json.loads(first.read_text())
    assert 100 <= len(catalogue) <= 200
    assert all(list(p) == PRODUCT_KEYS for p in catalogue)
    assert all(0 < p["unit_cost"] < p["list_price"] for p in catalogue)
    for path in later:
        changed = json.loads(path.read_text())
        assert 0 < len(changed) < len(catalogue)
        assert {p["updated_at"][:10] for p in changed} == {path.name[9:19]}


def test_master_data_values(clean_month: Path) -> None:
    stores = read_csvs(clean_month, "stores")
    assert 6 <= len(stores) <= 10
    assert 2 <= stores["country"].nunique() <= 3
    assert stores["region"].nunique() >= 5
    assert set(stores["store_type"]) == {"flagship", "mall", "outlet", "online"}
    assert stores["store_id"].str.fullmatch(r"S\d{3}").all()
    employees = read_csvs(clean_month, "employees")
    assert employees["employee_id"].str.fullmatch(r"E\d{4}").all()
    assert set(employees["store_id"]) == set(stores.loc[stores["store_type"] != "online", "store_id"])
    assert employees["hourly_rate"].str.fullmatch(r"\d+\.\d{2}").all()
    shifts = read_csvs(clean_month, "shifts")
    assert shifts["shift_start"].str.fullmatch(STAMP).all() and shifts["shift_end"].str.fullmatch(STAMP).all()
    assert (shifts["shift_start"] < shifts["shift_end"]).all()
    assert shifts["shift_id"].is_unique


def test_clean_sales_values_follow_the_formats(clean_month: Path) -> None:
    pos = read_csvs(clean_month, "pos_sales")
    assert pos["transaction_id"].str.fullmatch(r"T\d{8}-S\d{3}-\d{6}").all()
    assert pos["customer_id"].str.fullmatch(r"(C\d{6})?").all()
    assert pos["employee_id"].str.fullmatch(r"E\d{4}").all()
    assert pos["product_id"].str.fullmatch(r"P\d{4}").all()
    assert pos["quantity"].str.fullmatch(r"\d+").all()
    assert set(pos["payment_method"]) == {"cash", "card", "mobile", "gift_card"}
    assert set(pos["channel"]) == {"in_store"}
    # The id carries the file date and the store.
    assert (pos["transaction_id"].str[1:9] == pos["file_date"].map(lambda d: d.strftime("%Y%m%d"))).all()
    assert (pos["transaction_id"].str[10:14] == pos["store_id"]).all()


def test_transaction_lines_are_unique_and_numbered_from_one(clean_month: Path) -> None:
    pos = read_csvs(clean_month, "pos_sales")
    online = read_ndjson(clean_month, "online_sales")
    keys = pd.concat([pos[["transaction_id", "line_number"]], online[["transaction_id", "line_number"]].astype(str)])
    assert not keys.duplicated().any()
    numbers = pos.assign(n=pos["line_number"].astype(int)).groupby("transaction_id")["n"].agg(["min", "max", "count"])
    assert (numbers["min"] == 1).all() and (numbers["max"] == numbers["count"]).all()
    # A transaction happens at one time, in one store, for one customer.
    per_tx = pos.groupby("transaction_id")[["sold_at", "store_id", "customer_id", "employee_id"]].nunique()
    assert (per_tx == 1).all().all()


def test_sales_reference_existing_entities(clean_month: Path) -> None:
    pos = read_csvs(clean_month, "pos_sales")
    online = read_ndjson(clean_month, "online_sales")
    stores = read_csvs(clean_month, "stores")
    employees = read_csvs(clean_month, "employees")
    products = {p["product_id"] for p in json.loads(files(clean_month, "products")[0].read_text())}
    customers = read_customers(clean_month)
    signup = customers.groupby("customer_id")["signup_date"].first().map(date.fromisoformat)

    online_store = stores.loc[stores["store_type"] == "online", "store_id"].item()
    assert set(pos["store_id"]) <= set(stores["store_id"]) - {online_store}
    assert set(online["store_id"]) == {online_store}
    assert set(pos["product_id"]) | {p["id"] for p in online["product"]} <= products
    assert set(pos["employee_id"]) <= set(employees["employee_id"])
    # Till staff work in the store of the sale.
    home = employees.set_index("employee_id")["store_id"]
    assert (pos["employee_id"].map(home) == pos["store_id"]).all()

    sold = pd.concat([pos[["customer_id", "sold_at"]], online[["customer_id", "sold_at"]]])
    sold = sold[sold["customer_id"].fillna("") != ""]
    assert set(sold["customer_id"]) <= set(signup.index)
    sale_day = sold["sold_at"].str[:10].map(date.fromisoformat)
    assert (sold["customer_id"].map(signup) <= sale_day).all()


def test_till_staff_were_on_shift_at_the_time_of_sale(clean_month: Path) -> None:
    pos = read_csvs(clean_month, "pos_sales")
    shifts = read_csvs(clean_month, "shifts")
    on = pos.merge(shifts, on=["employee_id", "store_id", "file_date"], how="left")
    assert on["shift_id"].notna().all()
    assert ((on["shift_start"] <= on["sold_at"]) & (on["sold_at"] < on["shift_end"])).all()


def test_sales_stay_within_trading_hours_and_their_day(clean_month: Path) -> None:
    pos = read_csvs(clean_month, "pos_sales")
    stamps = pd.to_datetime(pos["sold_at"], format="%Y-%m-%d %H:%M:%S")
    assert stamps.dt.hour.between(8, 21).all()
    assert (stamps.dt.date == pos["file_date"]).all()
    last = CLEAN_START + timedelta(days=CLEAN_DAYS - 1)
    assert stamps.min() >= datetime.combine(CLEAN_START, datetime.min.time())
    assert stamps.max().date() == last


def test_cli_writes_a_landing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--landing", str(tmp_path), "--start", "2026-10-01", "--days", "2", "--seed", "4",
          "--defect-rate", "0", "--lines-per-day", "300"])
    names = {p.name for p in tmp_path.iterdir()}
    for kind in ("pos_sales_2026-10-02.csv", "online_sales_2026-10-02.ndjson", "shifts_2026-10-02.csv",
                 "inventory_2026-10-02.ndjson", "stores_2026-10-01.csv", "employees_2026-10-01.csv",
                 "customers_2026-10-01.xlsx", "products_2026-10-01.json"):
        assert kind in names
    assert "stores_2026-10-02.csv" not in names
    assert f"wrote {len(names)} files" in capsys.readouterr().out


def test_christmas_day_only_the_web_shop_trades(tmp_path: Path) -> None:
    generate(tmp_path, date(2026, 12, 25), 1, seed=4, lines_per_day=400)
    assert header(tmp_path / "pos_sales_2026-12-25.csv") == POS_COLUMNS
    assert (tmp_path / "pos_sales_2026-12-25.csv").read_text().count("\n") == 1
    assert (tmp_path / "shifts_2026-12-25.csv").read_text().count("\n") == 1
    assert len((tmp_path / "online_sales_2026-12-25.ndjson").read_text().splitlines()) > 50
