"""load_files_to_bronze with streamed CSVs, on a real landing folder and DuckDB file: an accepted file is hashed in
one pass, then parsed in one streamed pass and appended batch by batch (never read whole, line numbers running on
across batches); a file over its row or cell limit is refused at the first block over it, having parsed only part
of the file, and nothing of it stays in bronze, even rows already written ahead into the transaction; a file the
stream cannot judge half way is judged by the whole-file reader, and nothing streamed stays; a file that changes between the two
passes stays in landing for the next run."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import date

import pytest

from retail_assets.bronze import arrow_rows
from retail_assets.bronze.loads import load_files_to_bronze
from retail_assets.landing.file_store import LocalFileStore
from retail_assets.landing.limits import FileLimits
from retail_assets.landing.profiles import load_profiles
from retail_assets.warehouse.duckdb_warehouse import _DuckDBBronzeWriter

DAY = date(2026, 11, 1)
NAME = "pos_sales_2026-11-01.csv"
HEADER = ("transaction_id,line_number,sold_at,store_id,customer_id,employee_id,product_id,quantity,unit_price,"
          "discount,payment_method,channel\n")
ROW = "T{i:07d},1,2026-11-01 10:00:00,007,C{i},E01,P0042,2,3.50,0,{payment},store\n"
LINES = 200_000  # 14 MB: hundreds of 64 kB blocks


def _csv(long_cell_at: int | None = None) -> bytes:
    rows = (ROW.format(i=i, payment="c" * 40_000 if i == long_cell_at else "card") for i in range(LINES))
    return (HEADER + "".join(rows)).encode()


def _profiles(**limits):
    return tuple(dataclasses.replace(p, limits=FileLimits(**limits)) if p.name == "synthetic_pos_sales" else p
                 for p in load_profiles())


class _Counted:
    """A landing stream that counts the bytes read through it."""

    def __init__(self, raw, read: list[int]):
        self._raw, self._read = raw, read

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._read.append(len(data))
        return data

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._raw.close()


@pytest.fixture
def bytes_streamed(monkeypatch) -> list[int]:
    """Each read's size through `open_stream` (never a whole-file `read_bytes`); 64 kB CSV blocks (a 40 kB row
    fits), so pyarrow's read-ahead is 2 MB."""
    read: list[int] = []
    real = LocalFileStore.open_stream
    monkeypatch.setattr(LocalFileStore, "open_stream", lambda self, name: _Counted(real(self, name), read))
    monkeypatch.setattr(LocalFileStore, "read_bytes", lambda *a, **k: pytest.fail("fell back to a whole-file read"))
    monkeypatch.setattr(arrow_rows, "CSV_BLOCK_BYTES", 1 << 16)
    return read


def _load(data_root, content: bytes, profiles=None):
    (data_root.landing / NAME).write_bytes(content)
    resources = data_root.resources()
    [outcome] = load_files_to_bronze(resources["landing"], resources["warehouse"], "sales_lines", DAY,
                                     date(2026, 11, 2), profiles=profiles)
    audit = data_root.query("select sha256, status, reason, rows_read from audit.file_loads")
    return outcome, audit.to_dict("records")[0]


def test_an_accepted_file_is_hashed_then_streamed_once_into_bronze_batch_by_batch(data_root, bytes_streamed, monkeypatch):
    content = _csv()
    hashed: list[str] = []
    real_sha256 = LocalFileStore.sha256
    monkeypatch.setattr(LocalFileStore, "sha256", lambda self, name: hashed.append(name) or real_sha256(self, name))
    monkeypatch.setattr(_DuckDBBronzeWriter, "FLUSH_ROWS", 30_000)  # written ahead several times before the commit
    outcome, audit = _load(data_root, content)
    assert (outcome.status, outcome.rows_read, sum(bytes_streamed), hashed) == ("bronze", LINES, len(content), [NAME])
    assert outcome.sha256 == audit["sha256"] == hashlib.sha256(content).hexdigest()
    bronze = data_root.query("select count(*) n, min(_file_sha256) sha, count(distinct _row_number) numbers, "
                             "min(_row_number) first_row, max(_row_number) last_row, "
                             "bool_and(transaction_id = 'T' || lpad((_row_number - 1)::varchar, 7, '0')) in_order "
                             "from bronze.sales_lines")
    assert bronze.to_dict("records") == [dict(n=LINES, sha=outcome.sha256, numbers=LINES, first_row=1, last_row=LINES,
                                              in_order=True)]


def test_a_file_over_its_row_limit_is_refused_early_with_the_whole_files_hash(data_root, bytes_streamed, monkeypatch):
    content = _csv()
    monkeypatch.setattr(_DuckDBBronzeWriter, "FLUSH_ROWS", 300)  # batches before the refusal were written ahead
    outcome, audit = _load(data_root, content, _profiles(max_rows=1_000))
    assert outcome.status == audit["status"] == "rejected"
    rows_seen = re.fullmatch(r"file has at least ([\d,]+) rows, over this profile's limit of 1,000", outcome.reason)
    assert rows_seen and 1_000 < int(rows_seen[1].replace(",", "")) < LINES, outcome.reason
    assert sum(bytes_streamed) < len(content) / 2, "read far past the block that broke the limit"
    assert audit["reason"] == outcome.reason
    assert audit["sha256"] == outcome.sha256 == hashlib.sha256(content).hexdigest()
    assert not any(data_root.landing.iterdir())  # moved to rejected/, beside its reason
    assert sorted(p.name.endswith(".reason.txt") for p in data_root.rejected.iterdir()) == [False, True]
    assert data_root.query("select count(*) n from bronze.sales_lines").n[0] == 0  # what was written ahead went


def test_a_too_long_value_early_in_a_file_is_refused_without_reading_the_rest(data_root, bytes_streamed):
    content = _csv(long_cell_at=10)
    outcome, audit = _load(data_root, content)
    assert outcome.reason == audit["reason"] == ("a value in column 'payment_method' is 40,000 characters long, "
                                                 "over this profile's limit of 32,767")
    assert sum(bytes_streamed) < len(content) / 2
    assert audit["sha256"] == hashlib.sha256(content).hexdigest()


def test_a_file_the_stream_cannot_judge_half_way_is_judged_whole_and_leaves_nothing_written_ahead(data_root, monkeypatch):
    ragged = _csv().decode().splitlines(keepends=True)
    ragged[150_000] = ragged[150_000].rstrip("\n") + ",one,too,many\n"  # after many batches were appended
    content = "".join(ragged).encode()
    monkeypatch.setattr(_DuckDBBronzeWriter, "FLUSH_ROWS", 30_000)
    monkeypatch.setattr(arrow_rows, "CSV_BLOCK_BYTES", 1 << 16)
    outcome, audit = _load(data_root, content)
    # The whole-file reader's verdict, and bronze holds its rows once, not the streamed ones beside them.
    # The whole-file reader's verdict (pandas words the ragged line), and none of the ~150,000 streamed rows
    # written ahead into the transaction stays in bronze.
    assert (outcome.status, audit["status"]) == ("rejected", "rejected")
    assert "Expected 12 fields in line 150001, saw 15" in outcome.reason
    assert data_root.query("select count(*) n from bronze.sales_lines").n[0] == 0


def test_a_file_changed_between_its_hash_and_its_read_stays_in_landing_for_the_next_run(data_root, monkeypatch):
    content = _csv()
    real_sha256 = LocalFileStore.sha256

    def hashed_then_rewritten(self, name):
        sha = real_sha256(self, name)
        (data_root.landing / NAME).write_bytes(content.replace(b"card", b"cash"))  # a writer still at work
        return sha

    monkeypatch.setattr(LocalFileStore, "sha256", hashed_then_rewritten)
    monkeypatch.setattr(_DuckDBBronzeWriter, "FLUSH_ROWS", 30_000)
    (data_root.landing / NAME).write_bytes(content)
    resources = data_root.resources()
    outcomes = load_files_to_bronze(resources["landing"], resources["warehouse"], "sales_lines", DAY,
                                    date(2026, 11, 2))
    assert outcomes == [] and [p.name for p in data_root.landing.iterdir()] == [NAME]
    assert data_root.query("select count(*) n from bronze.sales_lines").n[0] == 0
    assert data_root.query("select count(*) n from audit.file_loads").n[0] == 0
