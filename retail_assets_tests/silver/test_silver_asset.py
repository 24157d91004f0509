"""The silver asset on a real DuckDB file: one transaction per window, the contract checked in the warehouse."""

import hashlib

import pytest
from dagster import AssetSelection, DagsterInstance, materialize

from retail_assets.definitions import build_definitions
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse

SALES = AssetSelection.assets(["bronze", "sales_lines"], ["silver", "sales_lines"])
WINDOW = {"dagster/asset_partition_range_start": "2010-12-01", "dagster/asset_partition_range_end": "2010-12-02"}


def _state(data_root) -> dict[str, str]:
    """A checksum of everything one silver window writes."""
    out = {}
    for name, sql in {
        "silver": "select * from silver.sales_lines order by transaction_id, line_number",
        "rejected": "select * exclude (rejected_at) from silver.rejected_rows order by source_file, row_number",
        "audit": "select file, status, rows_read, rows_loaded, rows_rejected, rows_duplicate from audit.file_loads "
                 "order by file",
    }.items():
        out[name] = hashlib.sha256(data_root.query(sql).to_csv(index=False).encode()).hexdigest()
    return out


def _run(data_root, instance, **kwargs):
    defs = build_definitions(data_root.resources())
    return materialize(list(defs.assets), selection=SALES, tags=WINDOW, resources=data_root.resources(),
                       instance=instance, **kwargs)


def test_a_window_is_written_whole_or_not_at_all(data_root, online_retail, monkeypatch):
    data_root.drop(online_retail / "2010-12-01.csv")
    data_root.drop(online_retail / "2010-12-02.csv")
    instance = DagsterInstance.ephemeral()
    result = _run(data_root, instance)
    assert result.success
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks["silver_contract"] and checks["bronze_rows_reconcile"]
    clean = _state(data_root)
    assert data_root.query("select count(*) n from silver.sales_lines").n[0] == 3054 + 2066

    # A failure after silver and rejected rows were replaced, before the audit: nothing changes.
    def broken(self, conn):
        raise RuntimeError("injected: the process died between two writes of the window")

    monkeypatch.setattr(DuckDBWarehouse, "_record_window_accounting", broken)
    failed = _run(data_root, instance, raise_on_error=False)
    assert not failed.success
    assert _state(data_root) == clean, "silver, rejected rows and audit are from the last good run"

    monkeypatch.undo()
    again = _run(data_root, instance)
    assert again.success and _state(data_root) == clean, "re-running a window changes nothing"


def test_a_contract_breach_is_a_failed_blocking_check_and_gold_waits(data_root, online_retail, monkeypatch):
    from retail_assets.silver import contracts

    data_root.drop(online_retail / "2010-12-01.csv")
    real = contracts.validate_window

    def with_duplicated_key(con, entity_name, start, end):
        if entity_name == "sales_lines":  # a code bug that lets a business key through twice
            raw = con.con if hasattr(con, "con") else None
            raw.execute("insert into silver.sales_lines select * from silver.sales_lines limit 2")
        return real(con, entity_name, start, end)

    monkeypatch.setattr(contracts, "validate_window", with_duplicated_key)
    defs = build_definitions(data_root.resources())
    result = materialize(list(defs.assets), selection=SALES | AssetSelection.assets(["gold", "fct_sales"]),
                         partition_key="2010-12-01", resources=data_root.resources(),
                         instance=DagsterInstance.ephemeral(), raise_on_error=False)
    [check] = [c for c in result.get_asset_check_evaluations() if c.check_name == "silver_contract"]
    assert not check.passed
    assert "unique" in check.metadata["failures"].value.lower()
    built = {m.asset_key.to_user_string() for m in result.get_asset_materialization_events() and
             [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]}
    assert "gold/fct_sales" not in built, "a blocking check stops gold from building on a breach"


@pytest.mark.parametrize("entity", ["customers", "stores"])
def test_an_empty_window_meets_the_contract(data_root, entity):
    warehouse = DuckDBWarehouse(path=str(data_root.db))
    from datetime import date

    outcome = warehouse.build_silver(entity, date(2026, 11, 1), date(2026, 11, 2))
    assert (outcome.rows_read, outcome.window_rows) == (0, 0)
    assert warehouse.validate_silver(entity, date(2026, 11, 1), date(2026, 11, 2)).passed
