"""Bronze's streamed reader (retail_assets/bronze/streamed_rows.py) against the whole-file reader it stands in for:
the same Arrow table and the sha256 of the file's bytes for every real, generated and tricky CSV and NDJSON; the
same rejection text, or None (the whole-file reader decides) wherever the stream cannot judge alike."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from datetime import date
from pathlib import Path

import pytest

from retail_assets.bronze import arrow_rows
from retail_assets.bronze import streamed_rows as streamed_module
from retail_assets.bronze.arrow_rows import FileRejected, canonical_rows
from retail_assets.bronze.streamed_rows import streamed_rows
from retail_assets.landing.file_store import FileTooBig
from retail_assets.landing.limits import FileLimits
from retail_assets.landing.profiles import match_file, profile_by_name
from retail_assets.synthetic.generate import generate
from retail_assets_tests.conftest import online_retail_dir

POS = profile_by_name("synthetic_pos_sales")  # csv
ONLINE = profile_by_name("synthetic_online_sales")  # ndjson, nested product
POS_HEADER = ("transaction_id,line_number,sold_at,store_id,customer_id,employee_id,product_id,quantity,unit_price,"
              "discount,payment_method,channel")
ROW = "T{i},1,2026-11-01 10:00:00,007,C{i},E01,P0042,2,3.50,0,card,store\n"


def _verdict(read):
    try:
        return read()
    except FileRejected as exc:
        return f"rejected: {exc}"


@pytest.fixture
def small_blocks(monkeypatch):
    """4 kB CSV blocks: files of a few kB are read in many blocks, by both readers alike."""
    monkeypatch.setattr(arrow_rows, "CSV_BLOCK_BYTES", 1 << 12)


def _assert_streams_alike(content: bytes, profile):
    """The streamed reader judged the file (no fallback) exactly as the whole-file reader does."""
    streamed = _verdict(lambda: streamed_rows(io.BytesIO(content), profile))
    whole = _verdict(lambda: canonical_rows(content, profile))
    assert streamed is not None, "fell back to the whole-file reader"
    if isinstance(whole, str):
        assert streamed == whole
        return None
    assert streamed.sha256 == hashlib.sha256(content).hexdigest()
    assert streamed.rows.schema == whole.schema
    assert streamed.rows.to_pylist() == whole.to_pylist()
    return streamed.rows


def _assert_left_to_whole_file(content: bytes, profile):
    assert streamed_rows(io.BytesIO(content), profile) is None


def test_every_real_online_retail_export_streams_alike_in_many_blocks(monkeypatch):
    monkeypatch.setattr(arrow_rows, "CSV_BLOCK_BYTES", 1 << 15)
    files = sorted(online_retail_dir().glob("*.csv"))
    assert len(files) >= 14, f"the shared Online Retail exports are missing under {online_retail_dir()}"
    for path in files:
        match = match_file(path.name)
        rows = _assert_streams_alike(path.read_bytes(), match.profile)
        assert rows.num_rows > 0


def test_every_generated_csv_and_ndjson_streams_alike(tmp_path: Path, monkeypatch, small_blocks):
    monkeypatch.setattr(streamed_module, "NDJSON_BATCH_ROWS", 97)  # many NDJSON batches too
    generate(tmp_path, start=date(2026, 11, 1), days=2, lines_per_day=400)
    files = sorted(tmp_path.glob("*.csv")) + sorted(tmp_path.glob("*.ndjson"))
    assert {match_file(p.name).profile.format for p in files} == {"csv", "ndjson"}
    for path in files:
        _assert_streams_alike(path.read_bytes(), match_file(path.name).profile)


def _pos(rows: str, header: str = POS_HEADER) -> bytes:
    return (header + "\n" + rows).encode()


QUOTED = 'T{i},1,2026-11-01 10:00:00,007,,E01,P1,1,"£1,234.50",0,card,"in\r\nstore ""{i}"""\r\n'


@pytest.mark.parametrize("content,profile", [
    (_pos('T1,1,2026-11-01 10:00:00,007,NA,E01,P1,1,"£1,234.50",0,cash,store\n'), POS),
    ("\ufeff".encode() + _pos("T1,1,x,007,,E1,P1,1,2,0,card,store\n"), POS),  # BOM dropped from the first name
    (_pos("T1,4, 2026-11-01 10:00:00 ,007,C1,E01,P1,1,2.00,0,card,store\r\n\r\n"), POS),  # spaces kept, CRLF
    (_pos("".join(QUOTED.format(i=i) for i in range(3_000))), POS),  # quoted CRLFs across 4 kB blocks
    (_pos("T1,1,x,007,,E1,P1,1,€2,0,café,store\n").decode().encode("windows-1252"),
     dataclasses.replace(POS, encoding="windows-1252")),
    (_pos(""), POS),  # header only: a day without activity
    (_pos("T1,1,x,007,,E1,P1,1,2,0,card,store"), POS),  # no final line end
    (_pos("T1,1,x\n", header="transaction_id,line_number,sold_at"),  # unmapped and missing
     dataclasses.replace(POS, columns={"transaction_id": "transaction_id", "line_number": "line_number"})),
    (_pos("".join(ROW.format(i=i) for i in range(51))), dataclasses.replace(POS, limits=FileLimits(max_rows=50))),
    (_pos(ROW.format(i=1).replace("card", "c" * 41)), dataclasses.replace(POS, limits=FileLimits(max_cell_chars=40))),
], ids=["na_and_quoted_comma", "bom", "spaces_crlf_blank_line", "quoted_newlines_many_blocks", "windows_1252",
        "header_only", "no_final_line_end", "unmapped_columns", "over_rows_limit", "over_cell_limit"])
def test_tricky_csvs_stream_alike(content: bytes, profile, small_blocks):
    _assert_streams_alike(content, profile)


@pytest.mark.parametrize("content", [
    b"", b" \n\n",  # empty: pandas says "file is empty"
    b"transaction_id,store_id\nT1,S1\nT2,S2,EXTRA\n",  # ragged: pandas names the line
    _pos("T1,1,x,S1,,E1,P1,1,2.0,0,card,store,web\n", header=POS_HEADER + ",channel"),  # duplicate name
    _pos("T1,1,x,S1,,E1,P1,1,2.0,0,card,store,\n", header=POS_HEADER + ","),  # blank name
    _pos("T1\n", header=POS_HEADER.replace(",quantity", "")),  # missing column: pandas lists the file's
    _pos("T1,1,x\xff\n").decode("latin-1").encode("latin-1"),  # not utf-8: pandas gives the byte
    _pos(ROW.format(i=1) * 30_000 + "T9,1,Z\xfcrich\n").decode("latin-1").encode("latin-1"),  # ...far in
    (POS_HEADER + "\rT1,1,x,S1,,E1,P1,1,2.0,0,card,store\r").encode(),  # old-Mac line ends
], ids=["empty", "blank_lines", "ragged", "duplicate_name", "blank_name", "missing_column", "not_utf8",
        "not_utf8_after_2MB", "old_mac_line_ends"])
def test_csvs_the_stream_cannot_judge_alike_are_left_to_the_whole_file_reader(content: bytes):
    _assert_left_to_whole_file(content, POS)


def _ndjson(*lines: str, end: str = "\n") -> bytes:
    return end.join(lines).encode() + end.encode()


LINE = ('{{"transaction_id": "W{i}", "line_number": {i}, "sold_at": "2026-11-01 10:00:00", "store_id": "WEB", '
        '"customer_id": null, "employee_id": "", "product": {{"id": "P1", "name": "Tea"}}, "quantity": 2, '
        '"unit_price": 2.5, "discount": false, "payment_method": "card", "channel": "web"}}')


@pytest.mark.parametrize("content", [
    _ndjson(LINE.format(i=1), "", "  ", LINE.format(i=2)),  # nested, nulls, numbers, blank lines
    _ndjson(LINE.format(i=1), LINE.format(i=2), end="\r\n"),
    _ndjson(LINE.format(i=1)).rstrip(b"\n"),  # no final line end
    _ndjson(LINE.format(i=1), LINE.format(i=2).replace("Tea", "Tea\u2028Mug")),  # splitlines ends line 2 there
    "\ufeff".encode() + _ndjson(LINE.format(i=1)),  # a BOM is not content: both readers drop it
    _ndjson(LINE.format(i=1), '{"transaction_id": "W'),
    _ndjson(LINE.format(i=1), "[1, 2]"),
], ids=["nested_nulls_blank_lines", "crlf", "no_final_line_end", "u2028_in_a_value", "bom", "truncated_line",
        "not_an_object"])
def test_ndjson_streams_alike(content: bytes):
    _assert_streams_alike(content, ONLINE)


def test_ndjson_limits_stream_alike():
    lines = _ndjson(*(LINE.format(i=i) for i in range(51)))
    _assert_streams_alike(lines, dataclasses.replace(ONLINE, limits=FileLimits(max_rows=50)))
    _assert_streams_alike(lines, dataclasses.replace(ONLINE, limits=FileLimits(max_cell_chars=3)))


@pytest.mark.parametrize("content", [
    b"", b"\n \n",  # empty: "file is empty"
    _ndjson('{"a": {}}', "{}"),  # no columns at all: pandas makes it an empty day
    _ndjson('{"transaction_id": "W1"}'),  # missing columns: pandas lists the file's
    _ndjson(LINE.format(i=1), "{oops", *[LINE.format(i=3)] * 30_000, "BAD").replace(b"BAD", b"\xff"),
    _ndjson(LINE.format(i=1).replace("Tea", "\\ud800")),  # a lone surrogate: the whole-file reader words it
], ids=["empty", "blank_lines", "no_columns", "missing_columns", "bad_line_then_bad_byte", "lone_surrogate"])
def test_ndjson_the_stream_cannot_judge_alike_is_left_to_the_whole_file_reader(content: bytes):
    _assert_left_to_whole_file(content, ONLINE)


def test_a_file_grown_past_the_byte_limit_stops_one_byte_past_it():
    content = _pos(ROW.format(i=1) * 50_000)
    stream = io.BytesIO(content)
    with pytest.raises(FileTooBig) as too_big:
        streamed_rows(stream, dataclasses.replace(POS, limits=FileLimits(max_bytes=1_000_000)))
    assert too_big.value.size == 1_000_001 and stream.tell() == 1_000_001
