"""Hostile file names, header names and partition keys stay data: nothing they hold is ever run as SQL.

Real landing files in a temp data root, a real DuckDB file, the real landing_file_sensor and real runs
(bronze and silver: the layers that put file names and header names into the warehouse). A canary table
made before the run must survive, every file must end with an audit row whose counts add up
(rows_read = loaded + rejected + duplicate), and nothing may appear that a shell would have made.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pandas as pd
import pytest
import yaml
from dagster import AssetKey, DagsterInstance, build_sensor_context, materialize

from retail_assets.bronze.loads import load_files_to_bronze
from retail_assets.definitions import build_definitions
from retail_assets.landing.file_store import safe_name
from retail_assets.landing.profiles import PROFILES_DIR, load_profiles, parse_profile
from retail_assets.landing.sensor import landing_file_sensor
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse, ident

HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
# Names no profile accepts: quarantined by the sensor's quarantine run, stored verbatim in the audit.
UNMATCHED_NAMES = [
    "2010-12-01'); DROP TABLE audit.file_loads; --.csv",
    'x"; DELETE FROM bronze.sales_lines; --.csv',
    "stores_2010-12-01.csv; DROP SCHEMA silver CASCADE",
    "sales 2010-12-01 $(touch pwned) `touch pwned2` | cat > out.csv",
    "ünïcødé 日本 2010-12-01 ✓.csv",
    "-- comment *x* #.csv",
    "a'b\"c\\d %s ? $1 {0}.csv",
]
# Names a (looser) profile accepts: they load, and reach bronze, silver and the archive as values.
LOADED_NAMES = [
    "2010-12-01'); DROP TABLE audit.file_loads; --.csv",
    '2010-12-01"; DELETE FROM bronze.sales_lines; --.csv',
    "2010-12-01 $(touch pwned) `touch pwned2` |&;<>.csv",
    "2010-12-01 日本 ünï ✓.csv",
    "2010-12-01 %s %(x)s ? $1 {0} '' \"\".csv",  # placeholders: break a statement that pasted the name
]
SURVIVING_TABLES = {("main", "canary"), ("audit", "file_loads"), ("bronze", "sales_lines"),
                    ("silver", "sales_lines"), ("silver", "rejected_rows")}


def sales_csv(day: str, lines: int, header: list[str] = HEADER, extra: list[str] = (), seed: int = 0) -> str:
    rows = [",".join('"' + h.replace('"', '""') + '"' for h in [*header, *extra])]  # CSV-quoted, names kept whole
    for i in range(lines):
        rows.append(",".join([f"5{seed:02d}{i:03d}", f"8512{i}A", "WHITE HEART", str(i + 1 + seed),
                              f"{day} 09:{i:02d}:00", "2.55", "17850.0", "United Kingdom", *(["x"] * len(extra))]))
    return "\n".join(rows) + "\n"


def plant_canary(db) -> None:
    with duckdb.connect(str(db)) as conn:
        conn.execute("CREATE TABLE main.canary AS SELECT 42 AS x")


def tables(db) -> set[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return set(conn.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall())


def assert_survived_and_balanced(data_root) -> pd.DataFrame:
    assert SURVIVING_TABLES <= tables(data_root.db)
    assert data_root.query("select x from main.canary").x.tolist() == [42]
    audit = data_root.query("select * from audit.file_loads order by file")
    unbalanced = audit[audit.rows_read != audit.rows_loaded + audit.rows_rejected + audit.rows_duplicate]
    assert unbalanced.empty, unbalanced.to_dict("records")
    return audit


def assert_no_shell_ran(*folders) -> None:
    for folder in folders:
        made = [p for p in folder.rglob("*") if p.name in {"pwned", "pwned2", "out", "out.csv"}]
        assert made == [], made


def run_tick(data_root, instance: DagsterInstance | None = None) -> dict[str, object]:
    """The real sensor's tick, then each run it asks for (the delivery's bronze and silver, the quarantine)."""
    defs = build_definitions(data_root.resources())
    instance = instance or DagsterInstance.ephemeral()
    with build_sensor_context(instance=instance, definitions=defs, resources=data_root.resources()) as context:
        tick = landing_file_sensor.evaluate_tick(context)
    results = {}
    for request in tick.run_requests or []:
        if request.asset_selection:
            selection = [k for k in request.asset_selection if k.path[0] in {"bronze", "silver"}]
            result = materialize(list(defs.assets), selection=selection, partition_key=request.partition_key,
                                 tags=dict(request.tags), resources=data_root.resources(), instance=instance)
        else:
            result = defs.resolve_job_def(request.job_name).execute_in_process(
                run_config=request.run_config, instance=instance, tags=dict(request.tags))
        assert result.success, request.job_name
        results[request.job_name] = result
    return results


def test_hostile_names_and_headers_through_the_sensor_are_data(data_root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a shell run from the name would write here
    plant_canary(data_root.db)
    (data_root.landing / "2010-12-01.csv").write_text(sales_csv("2010-12-01", 5))
    for i, name in enumerate(UNMATCHED_NAMES):
        (data_root.landing / name).write_text(sales_csv("2010-12-01", 3, seed=i + 1))
    # A header with hostile extra columns (still every column the profile needs), and one where a
    # hostile name replaces a needed column.
    hostile_columns = ["'); DROP TABLE bronze.sales_lines; --", 'x"" ; DROP SCHEMA audit CASCADE; --', "a b",
                       "ü;", "$(touch pwned)"]
    (data_root.landing / "2010-12-02.csv").write_text(sales_csv("2010-12-02", 4, extra=hostile_columns, seed=20))
    # NDJSON whose objects carry hostile extra keys (nested too) and hostile values.
    lines = [{"transaction_id": f"W{i}", "line_number": 1, "sold_at": "2010-12-01 10:00:00", "store_id": "WEB",
              "customer_id": None, "employee_id": None, "quantity": 1, "unit_price": 2.5, "discount": 0,
              "payment_method": "card", "channel": "online",
              "product": {"id": f"P{i}", "name": "'); DROP TABLE main.canary; --", "\"); DROP TABLE x; --": 1},
              "'; DROP SCHEMA audit CASCADE; --": "v", "$(touch pwned)": "v"} for i in range(2)]
    (data_root.landing / "online_sales_2010-12-01.ndjson").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    renamed = [*HEADER[:3], "Quantity\"; DROP TABLE main.canary; --", *HEADER[4:]]
    (data_root.landing / "2010-12-03.csv").write_text(sales_csv("2010-12-03", 4, header=renamed, seed=30))

    runs = run_tick(data_root)
    assert set(runs) == {"landing_ingest", "quarantine_landing_files"}

    audit = assert_survived_and_balanced(data_root)
    by_file = {row.file: row for row in audit.itertuples()}
    assert set(by_file) == {*UNMATCHED_NAMES, "2010-12-01.csv", "2010-12-02.csv", "2010-12-03.csv",
                            "online_sales_2010-12-01.ndjson"}
    assert (by_file["online_sales_2010-12-01.ndjson"].status, by_file["online_sales_2010-12-01.ndjson"].rows_loaded) \
        == ("loaded", 2), "extra keys are ignored, hostile values are values"
    for name in UNMATCHED_NAMES:  # stored byte for byte, refused with a reason
        assert by_file[name].status == "rejected" and "no source profile matches" in by_file[name].reason, name
    assert (by_file["2010-12-01.csv"].status, by_file["2010-12-01.csv"].rows_loaded) == ("loaded", 5)
    assert (by_file["2010-12-02.csv"].status, by_file["2010-12-02.csv"].rows_loaded) == ("loaded", 4), \
        "extra columns, whatever their names, are not the profile's: ignored"
    assert by_file["2010-12-03.csv"].status == "rejected"
    assert "missing columns" in by_file["2010-12-03.csv"].reason and "Quantity" in by_file["2010-12-03.csv"].reason
    assert data_root.query("select count(*) n from silver.sales_lines").n[0] == 11
    assert data_root.query("select count(*) n from silver.sales_lines where product_name = ?",
                           ["'); DROP TABLE main.canary; --"]).n[0] == 2
    with duckdb.connect(str(data_root.db), read_only=True) as conn:  # no column was made from a header
        columns = {c for (c,) in conn.execute("SELECT column_name FROM information_schema.columns").fetchall()}
    assert not any("DROP" in c or "pwned" in c for c in columns)
    moved = [p.name for p in data_root.rejected.iterdir()]
    assert len(moved) == 2 * (len(UNMATCHED_NAMES) + 1) and all(n == safe_name(n) for n in moved)
    assert list(data_root.landing.iterdir()) == []
    assert_no_shell_ran(tmp_path)


def loose_profiles():
    """The real online_retail profile, matching any name that starts with the date (an operator's choice).
    Same name and columns: silver looks the profile up by name, and only the match differs."""
    raw = yaml.safe_load((PROFILES_DIR / "online_retail.yaml").read_text())
    raw |= {"match": r"(?P<date>\d{4}-\d{2}-\d{2}).*\.csv"}
    return (*[p for p in load_profiles() if p.name != "online_retail"], parse_profile(raw, origin="test"))


def test_hostile_names_a_profile_accepts_load_as_values(data_root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plant_canary(data_root.db)
    for i, name in enumerate(LOADED_NAMES):
        (data_root.landing / name).write_text(sales_csv("2010-12-01", 3, seed=i))
    resources = data_root.resources()
    day, next_day = date(2010, 12, 1), date(2010, 12, 2)
    outcomes = load_files_to_bronze(resources["landing"], resources["warehouse"], "sales_lines", day, next_day,
                                    profiles=loose_profiles())
    assert sorted((o.file, o.status) for o in outcomes) == sorted((n, "bronze") for n in LOADED_NAMES)
    silver = resources["warehouse"].build_silver("sales_lines", day, next_day)
    assert (silver.rows_read, silver.rows_loaded) == (15, 15)

    audit = assert_survived_and_balanced(data_root)
    assert sorted(audit.file) == sorted(LOADED_NAMES) and set(audit.status) == {"loaded"}
    assert sorted(data_root.query("select distinct _source_file f from bronze.sales_lines").f) == sorted(LOADED_NAMES)
    assert sorted(data_root.query("select distinct source_file f from silver.sales_lines").f) == sorted(LOADED_NAMES)
    # The bound names find their own rows again (a pasted name would not even parse).
    for name in LOADED_NAMES:
        assert data_root.query("select count(*) n from silver.sales_lines where source_file = ?", [name]).n[0] == 3
    archived = sorted(p.name for p in (data_root.archive / "2010-12-01").iterdir())
    assert len(archived) == len(LOADED_NAMES) and all(n == safe_name(n) for n in archived)
    assert_no_shell_ran(tmp_path)


@pytest.mark.parametrize("key", ["2010-12-01'; DROP TABLE audit.file_loads; --", "../../2010-12-01", "2010-12-01 OR 1=1"])
def test_a_partition_key_that_is_not_a_date_is_refused_before_anything_runs(data_root, key):
    plant_canary(data_root.db)
    (data_root.landing / "2010-12-01.csv").write_text(sales_csv("2010-12-01", 2))
    resources = data_root.resources()
    with pytest.raises(Exception, match="(?i)partition"):
        materialize(list(build_definitions(resources).assets), selection=[AssetKey(["bronze", "sales_lines"])],
                    partition_key=key, resources=resources, instance=DagsterInstance.ephemeral())
    assert tables(data_root.db) == {("main", "canary")}, "nothing was created, nothing dropped"
    assert [p.name for p in data_root.landing.iterdir()] == ["2010-12-01.csv"]
    # The store itself refuses such a key as a folder name: it would become a path in archive/.
    with pytest.raises(ValueError, match="not a date"):
        resources["landing"].archive("2010-12-01.csv", key, "0" * 64)
    assert [p.name for p in data_root.landing.iterdir()] == ["2010-12-01.csv"] and not data_root.archive.exists()


HOSTILE_IDENTIFIERS = ['x"; DROP TABLE main.canary; --', "ml'; DELETE FROM main.canary; --", "日本 ü", "a b.c"]


def test_warehouse_identifiers_are_quoted_whatever_they_hold(data_root):
    """Table and column names cannot be bound: the writers and readers quote them (`ident`), so a name
    holding a quote is one identifier, exactly as given, and the canary beside it survives."""
    plant_canary(data_root.db)
    warehouse = DuckDBWarehouse(path=str(data_root.db))
    schema, table, column, key = HOSTILE_IDENTIFIERS
    frame = pd.DataFrame({column: ["v1", "v2"], key: [1, 2]})
    warehouse.replace_table(schema, table, frame)
    warehouse.replace_rows(schema, table, pd.DataFrame({column: ["v3"], key: [2]}), key=key)
    assert tables(data_root.db) == {("main", "canary"), (schema, table)}
    assert data_root.query("select x from main.canary").x.tolist() == [42]
    back = warehouse.read_rows(schema, table, where={key: [1, 2]}, columns=[column, key], order_by=[key])
    assert back.to_dict("list") == {column: ["v1", "v3"], key: [1, 2]}
    assert list(warehouse.read_table(schema, table, columns=[key], order_by=[key])[key]) == [1, 2]
    stats = warehouse.tables_stats([(schema, table)], window=(1, 2), window_column=key)[(schema, table)]
    assert (stats.row_count, stats.window_row_count) == (2, 1)
    assert ident('a"b') == '"a""b"'
    with pytest.raises(ValueError):
        ident("")
    with duckdb.connect(str(data_root.db)) as conn, pytest.raises(ValueError, match="not a registered entity"):
        warehouse.append_bronze(conn, "sales_lines; DROP TABLE main.canary", None, replacing=[])
