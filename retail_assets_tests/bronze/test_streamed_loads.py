"""load_files_to_bronze with streamed CSVs, on a real landing folder and DuckDB file: an accepted file is read once
(one stream, no second read for its hash); a file over its row or cell limit is refused at the first block over
it, having read only part of the file, and its audit row still holds the whole file's sha256."""

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


def test_an_accepted_file_is_read_once_and_hashed_on_the_way(data_root, bytes_streamed, monkeypatch):
    content = _csv()
    monkeypatch.setattr(LocalFileStore, "sha256", lambda *a, **k: pytest.fail("read the file again for its hash"))
    outcome, audit = _load(data_root, content)
    assert (outcome.status, outcome.rows_read, sum(bytes_streamed)) == ("bronze", LINES, len(content))
    assert outcome.sha256 == audit["sha256"] == hashlib.sha256(content).hexdigest()
    bronze = data_root.query("select count(*) n, min(_file_sha256) sha from bronze.sales_lines")
    assert (bronze.n[0], bronze.sha[0]) == (LINES, outcome.sha256)


def test_a_file_over_its_row_limit_is_refused_early_with_the_whole_files_hash(data_root, bytes_streamed):
    content = _csv()
    outcome, audit = _load(data_root, content, _profiles(max_rows=1_000))
    assert outcome.status == audit["status"] == "rejected"
    rows_seen = re.fullmatch(r"file has at least ([\d,]+) rows, over this profile's limit of 1,000", outcome.reason)
    assert rows_seen and 1_000 < int(rows_seen[1].replace(",", "")) < LINES, outcome.reason
    assert sum(bytes_streamed) < len(content) / 2, "read far past the block that broke the limit"
    assert audit["reason"] == outcome.reason
    assert audit["sha256"] == outcome.sha256 == hashlib.sha256(content).hexdigest()
    assert not any(data_root.landing.iterdir())  # moved to rejected/, beside its reason
    assert sorted(p.name.endswith(".reason.txt") for p in data_root.rejected.iterdir()) == [False, True]


def test_a_too_long_value_early_in_a_file_is_refused_without_reading_the_rest(data_root, bytes_streamed):
    content = _csv(long_cell_at=10)
    outcome, audit = _load(data_root, content)
    assert outcome.reason == audit["reason"] == ("a value in column 'payment_method' is 40,000 characters long, "
                                                 "over this profile's limit of 32,767")
    assert sum(bytes_streamed) < len(content) / 2
    assert audit["sha256"] == hashlib.sha256(content).hexdigest()
