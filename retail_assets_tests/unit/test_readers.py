"""Unit tests of retail_assets.bronze.readers: bytes -> frame of strings, and whole-file rejections."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from retail_assets.bronze.readers import FileRejected, read_source, to_bronze_columns
from retail_assets.entities import ENTITIES
from retail_assets.landing.profiles import profile_by_name

POS = profile_by_name("synthetic_pos_sales")  # csv
CUSTOMERS = profile_by_name("synthetic_customers")  # xlsx, sheet "customers"
PRODUCTS = profile_by_name("synthetic_products")  # json array
ONLINE = profile_by_name("synthetic_online_sales")  # ndjson, nested product

POS_HEADER = ("transaction_id,line_number,sold_at,store_id,customer_id,employee_id,product_id,quantity,unit_price,"
              "discount,payment_method,channel")


def records(frame) -> list[dict]:
    return frame.to_dict("records")


# --- CSV ---------------------------------------------------------------------------------


def test_csv_values_stay_strings_as_they_arrived():
    content = (
        POS_HEADER + "\n"
        "T001,1,2026-11-01 10:00:00,007,,E01,P0042,2,3.50,10%,card,store\n"
        'T001,2,01/11/2026 10:00,007,NA,E01,P0043,1,"£1,234.50",0,cash,store\n'
    ).encode()
    frame = read_source(content, POS)
    assert list(frame.columns) == POS_HEADER.split(",")
    assert all(dtype is object or dtype == object for dtype in frame.dtypes)  # noqa: E721 (numpy dtype)
    first, second = records(frame)
    assert first["store_id"] == "007"  # leading zeros kept
    assert first["line_number"] == "1" and first["quantity"] == "2" and first["unit_price"] == "3.50"
    assert first["customer_id"] == ""  # '' stays '' (not NaN)
    assert first["discount"] == "10%"
    assert second["customer_id"] == "NA"  # not turned into a missing value
    assert second["unit_price"] == "£1,234.50"
    assert second["sold_at"] == "01/11/2026 10:00"


def test_csv_other_delimiter_and_bom():
    profile = profile_by_name("synthetic_stores")
    semi = dataclasses.replace(profile, delimiter=";")
    frame = read_source("\ufeffstore_id;store_name\n001;Leeds, Briggate\n".encode(), semi)
    assert list(frame.columns) == ["store_id", "store_name"]  # BOM does not stick to the first name
    assert records(frame) == [{"store_id": "001", "store_name": "Leeds, Briggate"}]


# --- XLSX --------------------------------------------------------------------------------


def xlsx_bytes(tmp_path: Path, sheet: str, rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    path = tmp_path / "customers_2026-11-01.xlsx"
    wb.save(path)
    return path.read_bytes()


def test_xlsx_reads_the_named_sheet_as_strings(tmp_path):
    content = xlsx_bytes(
        tmp_path,
        "customers",
        [
            ["customer_id", "email", "loyalty_tier", "updated_at"],
            ["00123", "a@example.com", 2, "2026-11-01 10:00:00"],
            ["00124", None, None, datetime(2026, 11, 1, 11, 0)],
        ],
    )
    frame = read_source(content, CUSTOMERS)
    assert records(frame) == [
        {"customer_id": "00123", "email": "a@example.com", "loyalty_tier": "2", "updated_at": "2026-11-01 10:00:00"},
        {"customer_id": "00124", "email": None, "loyalty_tier": None, "updated_at": "2026-11-01 11:00:00"},
    ]


def test_xlsx_without_the_profile_sheet_is_rejected(tmp_path):
    content = xlsx_bytes(tmp_path, "Sheet1", [["customer_id"], ["C1"]])
    with pytest.raises(FileRejected, match="unreadable as xlsx.*customers"):
        read_source(content, CUSTOMERS)


def test_xlsx_header_only_is_zero_rows(tmp_path):
    content = xlsx_bytes(tmp_path, "customers", [["customer_id", "updated_at"]])
    frame = read_source(content, CUSTOMERS)
    assert frame.empty and list(frame.columns) == ["customer_id", "updated_at"]


# --- JSON / NDJSON ---------------------------------------------------------------------


def test_json_array_of_objects():
    content = json.dumps(
        [
            {"product_id": "P001", "product_name": "Tea", "list_price": "2.50", "updated_at": "2026-11-01 00:00:00"},
            {"product_id": "P002", "product_name": "Mug", "list_price": None, "updated_at": "2026-11-01 00:00:00"},
        ]
    ).encode()
    frame = read_source(content, PRODUCTS)
    assert records(frame)[0] == {
        "product_id": "P001", "product_name": "Tea", "list_price": "2.50", "updated_at": "2026-11-01 00:00:00",
    }
    assert records(frame)[1]["list_price"] is None  # JSON null -> None


def test_ndjson_nested_object_flattened_to_dotted_columns():
    content = (
        b'{"transaction_id": "W1", "line_number": 1, "product": {"id": "P001", "name": "Tea"}, "quantity": 2}\n'
        b"\n"  # blank lines are ignored
        b'{"transaction_id": "W1", "line_number": 2, "product": {"id": "P002", "name": "Mug"}, "quantity": 1}\n'
    )
    frame = read_source(content, ONLINE)
    assert {"product.id", "product.name"} <= set(frame.columns)
    assert "product" not in frame.columns
    assert frame["product.id"].tolist() == ["P001", "P002"]
    assert frame["product.name"].tolist() == ["Tea", "Mug"]


def test_json_scalars_become_their_text():
    content = b'[{"product_id": 42, "unit_cost": 2.5, "list_price": -0.75, "brand": true, "category": ["a", "b"]}]'
    (row,) = records(read_source(content, PRODUCTS))
    assert row == {"product_id": "42", "unit_cost": "2.5", "list_price": "-0.75", "brand": "true",
                   "category": '["a", "b"]'}
    assert all(isinstance(v, str) for v in row.values())


def test_json_integers_keep_their_text_when_a_column_also_has_nulls():
    # BUG (readers.py _records_frame): pd.json_normalize infers float64 for an int column that has a
    # null, so the id 17850 arrives as "17850.0" and a 17-digit id loses digits ("1.2345678901234568e+16").
    content = (
        b'{"transaction_id": "W1", "line_number": 1, "customer_id": 17850, "employee_id": 12345678901234567}\n'
        b'{"transaction_id": "W1", "line_number": 2, "customer_id": null, "employee_id": null}\n'
    )
    frame = read_source(content, ONLINE)
    assert frame["customer_id"].tolist() == ["17850", None]
    assert frame["employee_id"].tolist() == ["12345678901234567", None]


# --- whole-file rejections ---------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_empty_file_rejected(content):
    with pytest.raises(FileRejected, match="file is empty"):
        read_source(content, POS)


@pytest.mark.parametrize("profile, content", [(POS, POS_HEADER.encode() + b"\n"), (PRODUCTS, b"[]")])
def test_header_only_is_a_day_without_activity(profile, content):
    """A closed store's export: zero rows, but the columns are still there to be checked."""
    frame = read_source(content, profile)
    assert frame.empty
    assert set(profile.source_columns) <= set(frame.columns)
    assert to_bronze_columns(frame, profile).empty


def test_invalid_utf8_rejected_with_position():
    content = b"transaction_id,store_id\nT1,Z\xfcrich\n"  # latin-1 bytes in a utf-8 profile without fallbacks
    with pytest.raises(FileRejected, match=r"not valid utf-8 text: .* at byte 28"):
        read_source(content, dataclasses.replace(POS, fallback_encodings=()))


def test_truncated_ndjson_line_rejected_with_line_number():
    content = b'{"transaction_id": "W1"}\n{"transaction_id": "W2"}\n{"transaction_id": "W'
    with pytest.raises(FileRejected, match=r"line 3 is not valid JSON .*truncated"):
        read_source(content, ONLINE)


def test_ndjson_line_that_is_not_an_object_rejected():
    with pytest.raises(FileRejected, match="line 2 is not a JSON object"):
        read_source(b'{"a": "1"}\n[1, 2]\n', ONLINE)


@pytest.mark.parametrize("content", [b'{"product_id": "P1"}', b'["P1", "P2"]', b'[{"product_id": "P1"}, 3]', b'"x"'])
def test_json_that_is_not_an_array_of_objects_rejected(content):
    with pytest.raises(FileRejected, match="JSON file must hold an array of objects"):
        read_source(content, PRODUCTS)


def test_invalid_json_rejected():
    with pytest.raises(FileRejected, match="unreadable as json: JSONDecodeError"):
        read_source(b'[{"product_id": "P1"', PRODUCTS)


def test_malformed_csv_row_with_too_many_fields_rejected():
    content = b"transaction_id,store_id\nT1,S1\nT2,S2,EXTRA\n"
    with pytest.raises(FileRejected, match=r"unreadable as csv: ParserError: .*Expected 2 fields in line 3, saw 3"):
        read_source(content, POS)


# --- to_bronze_columns -------------------------------------------------------------------------


def test_to_bronze_columns_renames_to_canonical_and_fills_unmapped_with_none():
    content = (
        b'{"transaction_id": "W1", "line_number": 1, "sold_at": "2026-11-01 10:00:00", "store_id": "ONLINE",'
        b' "customer_id": null, "employee_id": null, "product": {"id": "P001", "name": "Tea"}, "quantity": 2,'
        b' "unit_price": "3.50", "discount": "0", "payment_method": "card", "channel": "web", "extra": "x"}\n'
    )
    bronze = to_bronze_columns(read_source(content, ONLINE), ONLINE)
    assert list(bronze.columns) == ENTITIES["sales_lines"].column_names  # canonical order, 'extra' dropped
    (row,) = records(bronze)
    assert row["product_id"] == "P001" and row["product_name"] == "Tea"  # from product.id / product.name
    assert row["quantity"] == "2" and row["unit_price"] == "3.50"  # values untouched
    assert row["customer_id"] is None
    assert row["country"] is None  # not mapped by this profile
    assert list(bronze.index) == [0]


def test_to_bronze_columns_rejects_missing_mapped_columns_naming_them():
    content = (POS_HEADER.replace(",quantity,unit_price", "") + "\nT1,1,2026-11-01 10:00:00,S1,,E1,P1,0,card,store\n").encode()
    source = read_source(content, POS)
    with pytest.raises(FileRejected) as exc:
        to_bronze_columns(source, POS)
    message = str(exc.value)
    assert "['quantity', 'unit_price']" in message
    assert "synthetic_pos_sales" in message
    assert "transaction_id" in message  # shows what the file does have


# --- reasons a person can act on, and byte-order marks -----------------------------------------


@pytest.mark.parametrize("content, reason", [
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x9c\xff", "this is an Excel workbook or another zip file, not CSV text"),
    (b"%PDF-1.7\n\xe2\xe3\xcf\xd3", "this is a PDF document, not CSV text"),
    (b"ab\x00\xff\x10\x00", "this is a binary file, not CSV text"),
    ((POS_HEADER + "\nT1,Ren\u00e9").encode()[:-1], "the file ends in the middle of a character (its last 1 bytes"),
], ids=["zip", "pdf", "binary", "cut_in_a_character"])
def test_what_is_not_text_is_named_not_reported_as_a_bad_byte(content, reason):
    with pytest.raises(FileRejected, match=re.escape(reason)):
        read_source(content, POS)


def test_a_csv_named_xlsx_is_named_so():
    with pytest.raises(FileRejected, match=re.escape("this is text or another kind of file, not an Excel workbook")):
        read_source(b"customer_id,email\nC1,a@b.c\n", CUSTOMERS)


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_a_header_split_by_another_delimiter_says_which(delimiter):
    content = (POS_HEADER.replace(",", delimiter) + "\n" + "T1" + delimiter + "1\n").encode()
    with pytest.raises(FileRejected, match=re.escape(f"the header is separated by {delimiter!r}, not ','")):
        to_bronze_columns(read_source(content, POS), POS)


@pytest.mark.parametrize("profile, content", [
    (PRODUCTS, '\ufeff[{"product_id": "P1", "product_name": "Cr\u00e8me"}]'.encode()),
    (ONLINE, '\ufeff{"transaction_id": "W1", "product": {"id": "P1"}}\n'.encode()),
], ids=["json", "ndjson"])
def test_a_utf8_byte_order_mark_is_not_content(profile, content):
    """Windows tools (PowerShell 5's Out-File, Notepad) write one; JSON parsers refused the first character."""
    [row] = records(read_source(content, profile))
    assert row.get("product_id", row.get("product.id")) == "P1"


# --- fallback encodings: the profile says which ------------------------------------------------

EMPLOYEES = profile_by_name("synthetic_employees")
EMPLOYEES_CSV = "employee_id,first_name,last_name,store_id,role,hired_on,hourly_rate\nE1,Jérôme,Dupré – €,S1,,,\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "windows-1252", "utf-16", "utf-16-be"])
def test_a_profile_reads_its_fallback_encodings(encoding):
    content = EMPLOYEES_CSV.encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + EMPLOYEES_CSV.encode(encoding)
    [row] = records(to_bronze_columns(read_source(content, EMPLOYEES), EMPLOYEES))
    assert (row["first_name"], row["last_name"]) == ("Jérôme", "Dupré – €")


def test_utf16_without_its_byte_order_mark_is_not_guessed():
    content = EMPLOYEES_CSV.encode("utf-16-le")  # no BOM: windows-1252 reads it, NULs and all -> binary
    with pytest.raises(FileRejected, match="this is a binary file, not CSV text"):
        read_source(content, EMPLOYEES)


def test_without_fallbacks_only_the_profile_encoding_is_read():
    strict = dataclasses.replace(EMPLOYEES, fallback_encodings=())
    content = EMPLOYEES_CSV.encode("windows-1252")
    with pytest.raises(FileRejected, match=rf"^not valid utf-8 text: invalid continuation byte at byte {content.index(0xE9)}$"):
        read_source(content, strict)
