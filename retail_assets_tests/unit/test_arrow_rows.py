"""The Arrow reader of bronze (retail_assets/bronze/arrow_rows.py) against the pandas reader it replaces
on the hot path: the same table for every real and generated export, the same rejections for bad ones."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from retail_assets.bronze import arrow_rows
from retail_assets.bronze.arrow_rows import FileRejected, bronze_table
from retail_assets.landing.profiles import match_file, profile_by_name
from retail_assets.synthetic.generate import generate
from retail_assets_tests.conftest import online_retail_dir

AT = datetime(2026, 12, 2, 9, 30)
POS = profile_by_name("synthetic_pos_sales")
POS_HEADER = ("transaction_id,line_number,sold_at,store_id,customer_id,employee_id,product_id,quantity,unit_price,"
              "discount,payment_method,channel")


def _both(content: bytes, profile, partition: str = "2026-11-01") -> tuple[pa.Table, pa.Table]:
    """(Arrow path, pandas path) of one file."""
    args = (content, profile, "f.csv", "sha", partition, AT)
    fast = bronze_table(*args)  # first: a bad file's rejection here is the Arrow path's own
    with pytest.MonkeyPatch.context() as mp:  # the pandas reader for every format: the reference
        mp.setattr(arrow_rows, "_canonical_from_csv", lambda content, profile: None)
        reference = bronze_table(*args)
    return fast, reference


def _assert_same(content: bytes, profile, partition: str = "2026-11-01") -> pa.Table:
    fast, reference = _both(content, profile, partition)
    assert fast.schema == reference.schema
    assert fast.to_pylist() == reference.to_pylist()
    return fast


def _real_files() -> list[Path]:
    root = online_retail_dir()
    return sorted(root.glob("*.csv")) + sorted((root.parent / "online-retail-history").glob("*.csv"))


def test_every_real_online_retail_export_reads_the_same():
    files = _real_files()
    assert len(files) >= 14, f"the shared Online Retail exports are missing under {online_retail_dir()}"
    lines = 0
    for path in files:
        match = match_file(path.name)
        lines += _assert_same(path.read_bytes(), match.profile, match.partition_key).num_rows
    assert lines > 10_000


def test_every_generated_csv_reads_the_same(tmp_path: Path):
    """Two generated days: every CSV profile of the synthetic chain, with its injected defects."""
    generate(tmp_path, start=date(2026, 11, 1), days=2, lines_per_day=400)
    csvs = sorted(tmp_path.glob("*.csv"))
    assert {match_file(p.name).profile.name for p in csvs} >= {"synthetic_pos_sales"}
    for path in csvs:
        match = match_file(path.name)
        _assert_same(path.read_bytes(), match.profile, match.partition_key)


@pytest.mark.parametrize("rows", [
    "T001,1,2026-11-01 10:00:00,007,,E01,P0042,2,3.50,10%,card,store\n",  # '' stays ''
    'T001,2,01/11/2026 10:00,007,NA,E01,P0043,1,"£1,234.50",0,cash,store\n',  # NA stays NA, quoted comma
    'T001,3,2026-11-01 10:00:00,007,C1,E01,P0044,1,"2.00",0,card,"in\nstore"\n',  # newline inside quotes
    "T001,4, 2026-11-01 10:00:00 ,007,C1,E01,P0044,1,2.00,0,card,store\r\n\r\n",  # spaces kept, CRLF, blank line
    "",  # header only: a day without activity
], ids=["empty_string", "na_and_quoted_comma", "quoted_newline", "spaces_crlf_blank_line", "header_only"])
def test_csv_edge_cases_read_the_same(rows: str):
    _assert_same((POS_HEADER + "\n" + rows).encode(), POS)


def test_bom_and_other_delimiter_read_the_same():
    semi = dataclasses.replace(POS, delimiter=";")
    row = "T1;1;2026-11-01 10:00:00;007;;E1;P1;1;1,50;0;card;Leeds, Briggate\n"
    table = _assert_same(("\ufeff" + POS_HEADER.replace(",", ";") + "\n" + row).encode(), semi)
    assert table.column("transaction_id").to_pylist() == ["T1"]  # the BOM did not stick to the first name
    assert table.column("channel").to_pylist() == ["Leeds, Briggate"]


def test_duplicate_and_blank_header_names_are_left_to_pandas():
    content = (POS_HEADER + ",note,note,\n" + "T1,1,2026-11-01 10:00:00,S1,,E1,P1,1,2.0,0,card,store,a,b,x\n").encode()
    _assert_same(content, POS)


def test_a_mapped_column_named_twice_rejects_the_file_on_both_paths():
    """Two `channel` columns: pandas took the first and renamed the second `channel.1`, silently."""
    content = (POS_HEADER + ",channel\n" + "T1,1,2026-11-01 10:00:00,S1,,E1,P1,1,2.0,0,card,store,web\n").encode()
    message = "'channel' appears 2 times in the header: which one to load is unknown"
    with pytest.raises(FileRejected, match=message):
        bronze_table(content, POS, "f.csv", "sha", "2026-11-01", AT)
    with pytest.raises(FileRejected, match=message):
        arrow_rows._canonical_from_pandas(content, POS)


def test_a_quoted_crlf_split_between_two_blocks_keeps_its_newline(monkeypatch):
    """pyarrow drops the \\n of a quoted CRLF split across two reads (apache/arrow#51368): the value changed
    silently in any CSV over a block. Its reads now never end on a \\r (landing/streams.py Utf8Stream)."""
    monkeypatch.setattr(arrow_rows, "CSV_BLOCK_BYTES", 1 << 12)
    split = 0
    for pad in range(64):  # the CRLFs land on every offset against the 4 kB blocks
        rows = "".join(f'T{i},1,{"x" * pad},S1,,E1,P1,1,2.0,0,card,"in\r\nstore"\r\n' for i in range(300))
        content = (POS_HEADER + "\r\n" + rows).encode()
        split += any(content[end - 4:end] == b'"in\r' for end in range(1 << 12, len(content), 1 << 12))
        table = _assert_same(content, POS)
        assert set(table.column("channel").to_pylist()) == {"in\r\nstore"}
    assert split, "no quoted CRLF fell on a block boundary"


def test_what_the_csv_module_refuses_is_judged_by_pandas_not_raised():
    """csv.Error escaped bronze_table (not a FileRejected), so one such file failed its whole window."""
    old_mac = (POS_HEADER + "\rT1,1,2026-11-01 10:00:00,S1,,E1,P1,1,2.0,0,card,store\r").encode()
    assert _assert_same(old_mac, POS).column("channel").to_pylist() == ["store"]
    huge_name = (POS_HEADER.replace("channel", "c" * 140_000) + "\nT1,1,x,S1,,E1,P1,1,2.0,0,card,x\n").encode()
    with pytest.raises(FileRejected, match=r"^missing columns \['channel'\]"):
        bronze_table(huge_name, POS, "f.csv", "sha", "2026-11-01", AT)


@pytest.mark.parametrize("content,reason", [
    (b"", "file is empty"),
    (b"transaction_id,store_id\nT1,S1\nT2,S2,EXTRA\n", r"ParserError: .*Expected 2 fields in line 3, saw 3"),
    ((POS_HEADER + "\nT1,1,x\xff\n").encode("latin-1"), r"not valid utf-8 text"),
    ((POS_HEADER.replace(",quantity", "") + "\nT1\n").encode(), r"missing columns \['quantity'\]"),
], ids=["empty", "ragged", "not_utf8", "missing_column"])
def test_bad_files_are_rejected_with_the_pandas_reasons(content: bytes, reason: str):
    strict = dataclasses.replace(POS, fallback_encodings=())  # the latin-1 file is otherwise read as windows-1252
    with pytest.raises(FileRejected, match=reason) as fast:
        _both(content, strict)
    with pytest.raises(FileRejected) as reference:
        arrow_rows._canonical_from_pandas(content, strict)
    assert str(fast.value) == str(reference.value)


@pytest.mark.parametrize("profile,content", [
    (profile_by_name("synthetic_inventory"), b'{"snapshot_date": "2026-11-01", "store_id": "S\\ud800", "product_id": "P1", '
                                             b'"on_hand": "1", "reorder_point": "2"}\n'),
    (profile_by_name("synthetic_products"), b'[{"product_id": "\\udc00", "product_name": "", "category": "", "brand": "", '
                                            b'"unit_cost": "", "list_price": "", "updated_at": ""}]'),
], ids=["ndjson", "json"])
def test_a_json_string_escaping_a_lone_surrogate_rejects_its_file_not_the_window(profile, content: bytes):
    """UnicodeEncodeError escaped bronze_table (not a FileRejected), so one such file failed its whole window."""
    with pytest.raises(FileRejected, match=r"^unreadable as (nd)?json: a value holds the unpaired surrogate \\u(d800|dc00)"):
        bronze_table(content, profile, "f", "sha", "2026-11-01", AT)
