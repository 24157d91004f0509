"""The two small seams the portal adds: an atomic `write` on the landing store, a read-only `read_rows`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from retail_assets.landing.file_store import LocalFileStore, NotALandingFile
from retail_assets.warehouse.base import WarehouseBusy
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(landing_dir=str(tmp_path / "landing"), archive_dir=str(tmp_path / "archive"),
                          rejected_dir=str(tmp_path / "rejected"))


def test_write_lands_the_whole_file_and_leaves_no_temporary(store):
    store.write("pos_sales_2024-03-01.csv", b"a,b\n1,2\n")  # the landing folder does not exist yet
    assert [f.name for f in store.list_files()] == ["pos_sales_2024-03-01.csv"]
    assert store.read_bytes("pos_sales_2024-03-01.csv") == b"a,b\n1,2\n"
    assert sorted(os.listdir(store.landing_dir)) == ["pos_sales_2024-03-01.csv"]


def test_write_replaces_a_waiting_file_of_the_same_name(store):
    store.write("stores_2024-03-01.csv", b"old\n")
    store.write("stores_2024-03-01.csv", b"new\n")
    assert store.read_bytes("stores_2024-03-01.csv") == b"new\n"
    assert sorted(os.listdir(store.landing_dir)) == ["stores_2024-03-01.csv"]


@pytest.mark.parametrize("name", ["../escape.csv", "a/b.csv", "", ".", "..", "x\0.csv"])
def test_write_refuses_anything_but_a_plain_name(store, tmp_path, name):
    with pytest.raises(NotALandingFile):
        store.write(name, b"x")
    assert not (tmp_path / "escape.csv").exists()


def test_a_failed_write_leaves_nothing_a_lister_could_pick_up(store, monkeypatch):
    Path(store.landing_dir).mkdir(parents=True)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.write("stores_2024-03-01.csv", b"x" * 10_000)
    assert os.listdir(store.landing_dir) == [] and store.list_files() == []


@pytest.fixture
def warehouse(tmp_path: Path) -> DuckDBWarehouse:
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA audit; CREATE TABLE audit.t (file VARCHAR, sha256 VARCHAR, n INT)")
        conn.execute("INSERT INTO audit.t VALUES ('a.csv', 's1', 1), ('a.csv', 's2', 2), ('b.csv', 's1', 3)")
    return DuckDBWarehouse(path=str(path))


def test_read_rows_filters_on_every_condition(warehouse):
    got = warehouse.read_rows("audit", "t", {"file": ["a.csv"], "sha256": ["s2", "s9"]})
    assert got.to_dict("records") == [{"file": "a.csv", "sha256": "s2", "n": 2}]
    got = warehouse.read_rows("audit", "t", {"sha256": ["s1"]}, columns=["n"], order_by=["n"], limit=1)
    assert got["n"].tolist() == [1]


def test_read_rows_before_anything_exists_is_empty(tmp_path, warehouse):
    assert DuckDBWarehouse(path=str(tmp_path / "none.duckdb")).read_rows("audit", "t", {"file": ["a"]}).empty
    assert not (tmp_path / "none.duckdb").exists(), "a reader never creates the warehouse"
    assert warehouse.read_rows("audit", "missing", {"file": ["a"]}).empty
    assert list(warehouse.read_rows("audit", "t", {"file": []}, columns=["n"]).columns) == ["n"]


def test_read_rows_says_busy_while_another_process_writes(warehouse):
    writer = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
                               "sys.stdin.read()", warehouse.path],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseBusy):
            warehouse.read_rows("audit", "t", {"file": ["a.csv"]})
    finally:
        writer.stdin.close()  # the writer exits when its stdin closes
        writer.wait(timeout=60)
    assert len(warehouse.read_rows("audit", "t", {"file": ["a.csv"]})) == 2
