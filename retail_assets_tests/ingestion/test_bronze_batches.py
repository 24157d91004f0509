"""Bronze writes a drop in row batches (retail_assets/bronze/loads.py), on real files and a real DuckDB file.

A batch is one transaction of many files' rows and audit rows; files are archived only after
their batch commits. Whatever the batch size, the outcome is the same, in-batch duplicate
contents are still duplicates, and a failure at commit leaves the files in landing and
nothing in bronze or the audit.
"""

from __future__ import annotations

from datetime import date

import pytest

from retail_assets.bronze.loads import load_files_to_bronze
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse

DAYS = ["2010-12-01", "2010-12-02", "2010-12-03"]
WINDOW = (date(2010, 12, 1), date(2010, 12, 10))


def _drop(data_root, online_retail) -> None:
    for day in DAYS:
        data_root.drop(online_retail / f"{day}.csv")
    # The first day's export sent again under a later date: same content, so a duplicate file.
    data_root.drop(online_retail / "2010-12-01.csv", name="2010-12-05.csv")


def _load(data_root, batch_rows: int, warehouse=None):
    resources = data_root.resources()
    return load_files_to_bronze(resources["landing"], warehouse or resources["warehouse"], "sales_lines",
                                *WINDOW, batch_rows=batch_rows)


def _state(data_root) -> dict:
    audit = data_root.query("SELECT file, status, rows_read, rows_duplicate FROM audit.file_loads ORDER BY file")
    return {
        "bronze_rows": int(data_root.query("SELECT count(*) n FROM bronze.sales_lines").n[0]),
        "bronze_files": int(data_root.query("SELECT count(DISTINCT _source_file) n FROM bronze.sales_lines").n[0]),
        "audit": [tuple(r) for r in audit.itertuples(index=False)],
        "landing": sorted(p.name for p in data_root.landing.iterdir()),
    }


@pytest.mark.parametrize("batch_rows", [1, 1_000_000], ids=["a_commit_per_file", "one_commit"])
def test_batch_size_changes_nothing_but_the_number_of_commits(data_root, online_retail, batch_rows):
    _drop(data_root, online_retail)
    outcomes = _load(data_root, batch_rows)

    assert [o.status for o in outcomes] == ["bronze", "bronze", "bronze", "duplicate_file"]
    assert outcomes[3].reason == "same content as 2010-12-01.csv, already loaded"
    state = _state(data_root)
    rows = [o.rows_read for o in outcomes]
    assert state["bronze_rows"] == sum(rows[:3]) and state["bronze_files"] == 3
    assert state["audit"] == [
        ("2010-12-01.csv", "bronze", rows[0], 0), ("2010-12-02.csv", "bronze", rows[1], 0),
        ("2010-12-03.csv", "bronze", rows[2], 0), ("2010-12-05.csv", "duplicate_file", rows[3], rows[3]),
    ]
    assert state["landing"] == [], "every file is archived once its batch is committed"
    assert len(list(data_root.archive.rglob("*.csv"))) == 4


class _FailingAudit(DuckDBWarehouse):
    """The real warehouse, failing while it writes the third audit row of a batch (a full disk, a kill)."""

    def record_file_load(self, conn, replace: bool = True, **row) -> None:
        if row["file"] == "2010-12-03.csv":
            raise OSError("disk full (injected)")
        super().record_file_load(conn, replace=replace, **row)


def test_a_failed_batch_writes_nothing_and_keeps_its_files_in_landing(data_root, online_retail):
    _drop(data_root, online_retail)
    with pytest.raises(OSError, match="injected"):
        _load(data_root, 1_000_000, warehouse=_FailingAudit(path=str(data_root.db)))

    state = _state(data_root)
    assert state["bronze_rows"] == 0 and state["audit"] == [], "rows and audit of the batch roll back together"
    assert state["landing"] == ["2010-12-01.csv", "2010-12-02.csv", "2010-12-03.csv", "2010-12-05.csv"]

    # The re-run loads everything exactly once.
    outcomes = _load(data_root, 1_000_000)
    assert [o.status for o in outcomes] == ["bronze", "bronze", "bronze", "duplicate_file"]
    assert _state(data_root)["bronze_rows"] == sum(o.rows_read for o in outcomes[:3])
