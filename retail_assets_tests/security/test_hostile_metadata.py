"""Cell values and header names from landing files reach the UI's Markdown metadata as inert,
short text: no image the browser would fetch, no link, no broken table, no megabytes."""

import io
import re
import zipfile
from datetime import date

import duckdb
import openpyxl
import pandas as pd
from dagster import AssetKey, AssetSelection, DagsterInstance, materialize

from retail_assets.definitions import build_definitions
from retail_assets.entities import ENTITIES
from retail_assets.landing.profiles import profile_by_name
from retail_assets.metadata import MAX_CELL_CHARS, md_cell, md_table, plain_text, preview
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets.warehouse.table_schemas import bronze_schema, to_arrow
from retail_assets_tests.silver.bronze_tables import bronze

IMAGE = "![](https://evil.example/p.png)"
MEGABYTE = "x" * 1_000_000
# Live Markdown: an image or link `[..](..)`, raw HTML, a bare URL autolink (all with nothing escaping them).
LIVE = re.compile(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\(|(?<!\\)<[a-z/!]|(?<!\\)https?:|(?<!\\)&#")
DAY = date(2025, 12, 10)
CUSTOMERS = profile_by_name("synthetic_customers")


def assert_inert(markdown: str, max_chars: int) -> None:
    assert not LIVE.search(markdown), markdown[:500]
    assert len(markdown) < max_chars, len(markdown)


def test_md_cell_escapes_and_truncates():
    assert md_cell(IMAGE) == r"\!\[\]\(https\://evil.example/p.png\)"
    assert md_cell("a|b\nc\r\x1b[31md") == r"a\|b c \[31md"
    assert md_cell("<img src=x onerror=alert(1)> `x` *y* _z_ ~w~ &amp; www.evil.example") == (
        r"\<img src=x onerror=alert\(1\)\> \`x\` \*y\* \_z\_ \~w\~ \&amp; www\.evil.example")
    cut = md_cell(MEGABYTE)
    assert cut == "x" * MAX_CELL_CHARS + "…" and md_cell(None) == "" and md_cell(1.5) == "1.5"
    assert_inert(md_cell(IMAGE * 100), 400)


def test_tables_keep_their_shape():
    table = md_table(pd.DataFrame({"name": [IMAGE, "a|b|c", MEGABYTE], "n": [1, 2, 3]}))
    rows = table.splitlines()
    assert len(rows) == 5 and all(len(re.findall(r"(?<!\\)\|", r)) == 3 for r in rows)
    assert_inert(table, 1_000)
    assert_inert(preview(pd.DataFrame({"name": [IMAGE, MEGABYTE]})).value, 500)


def test_silver_dq_errors_and_bronze_reasons_are_inert(data_root):
    """Real runs on a DuckDB file: customers whose e-mail breaks the rule with hostile values (the
    message quotes the value), and a stores file whose header names are hostile (the reason quotes them)."""
    emails = [IMAGE, "a|b", "[x](https://evil.example)", "<img src=https://evil.example/p.png>", MEGABYTE]
    rows = [{"customer_id": f"C{i}", "email": e, "updated_at": "2025-12-10 09:00:00"} for i, e in enumerate(emails)]
    frame = bronze("customers", "synthetic_customers", rows, file="customers_2025-12-10.xlsx", partition=str(DAY))
    warehouse = DuckDBWarehouse(path=str(data_root.db))
    with duckdb.connect(str(data_root.db)) as conn:
        warehouse.ensure_tables(conn, "customers")
        warehouse.append_bronze(conn, "customers", to_arrow(frame, bronze_schema(ENTITIES["customers"])))
    header = ",".join(["store_id", IMAGE, "a|b", "y" * 100_000, "country", "region", "city", "store_type", "opened_on"])
    (data_root.landing / "stores_2025-12-10.csv").write_text(header + "\nS1,x,x,x,GB,London,London,flagship,2020-01-01\n")

    resources = data_root.resources()
    result = materialize(list(build_definitions(resources).assets), resources=resources, partition_key=str(DAY),
                         instance=DagsterInstance.ephemeral(),
                         selection=AssetSelection.assets(["silver", "customers"], ["bronze", "stores"]))
    assert result.success
    by_key = {e.asset_key: e.materialization.metadata for e in result.get_asset_materialization_events()}
    errors = by_key[AssetKey(["silver", "customers"])]["top_dq_errors"].value
    assert errors.count("\n") == len(emails) - 1 and "is not an address" in errors  # each hostile row listed
    assert "evil.example" in errors  # shown, as text
    assert_inert(errors, 2_000)
    files = by_key[AssetKey(["bronze", "stores"])]["files"].value
    assert "rejected" in files and "missing columns" in files
    assert_inert(files, 1_000)
    assert len(files.splitlines()) == 3, files  # the header names' | did not add rows or cells
    (reason,) = data_root.query("select reason from audit.file_loads where status = 'rejected'").reason
    assert len(reason) < 1_000 and IMAGE in reason  # the audit keeps the text as it was, bounded


def _xlsx_with_text_in_a_number_cell(text: str) -> bytes:
    """A customers workbook whose A2 claims to be a number and holds `text`: openpyxl's error quotes it whole."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = CUSTOMERS.sheet or sheet.title
    sheet.append(CUSTOMERS.source_columns)
    sheet.append(["C1"] + ["x"] * (len(CUSTOMERS.source_columns) - 1))
    written = io.BytesIO()
    book.save(written)
    hostile = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="A2"[^>]*>.*?</c>', b'<c r="A2" t="n"><v>' + text.encode() + b"</v></c>", data)
            target.writestr(item, data)
    return hostile.getvalue()


def test_a_parser_message_quoting_a_whole_cell_is_bounded_everywhere(data_root):
    """The reader's rejection quotes the cell (a 100 kB Markdown image here): the audit, the reason, the files
    table and the check's JSON `rejected_files` all get it bounded, the JSON as plain one-line text."""
    (data_root.landing / f"customers_{DAY}.xlsx").write_bytes(_xlsx_with_text_in_a_number_cell(IMAGE + "Z" * 100_000))
    resources = data_root.resources()
    result = materialize(list(build_definitions(resources).assets), resources=resources, partition_key=str(DAY),
                         instance=DagsterInstance.ephemeral(), selection=AssetSelection.assets(["bronze", "customers"]))
    assert result.success
    (reason,) = data_root.query("select reason from audit.file_loads where status = 'rejected'").reason
    assert reason.startswith("unreadable as xlsx: ValueError: could not convert string to float: '![](")
    assert len(reason) < 400
    [evaluation] = result.get_asset_check_evaluations()
    [rejected] = evaluation.metadata["rejected_files"].value
    assert rejected == {"file": f"customers_{DAY}.xlsx", "reason": reason}  # already short: kept whole
    (files,) = [e.materialization.metadata["files"].value for e in result.get_asset_materialization_events()]
    assert_inert(files, 1_000)


def test_json_metadata_text_is_one_bounded_line():
    assert plain_text("a\nb\x1b[31mc" + "y" * 1_000, limit=10) == "a b [31mcy…"
    assert plain_text(IMAGE) == IMAGE  # JSON is not rendered as Markdown: nothing to escape
