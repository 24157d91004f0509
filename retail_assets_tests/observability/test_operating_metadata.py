"""What an on-call person sees: reconciliation checks, materialization metadata, log lines, no secrets.

One module-scoped scenario, real DuckDB, real dbt, real `materialize()`:
1. two synthetic days through bronze, silver and gold in ONE ranged run;
2. day two's POS export re-uploaded with corrections (the first version becomes
   `superseded`) and the online export re-sent byte for byte (`duplicate_file`),
   then sales bronze, silver and the daily gold models re-run for that day.
Both runs happen with deployment secrets in the environment.
"""

import re
import shutil
from dataclasses import dataclass
from datetime import date

import duckdb
import pytest
from dagster import AssetKey, AssetSelection, DagsterInstance, ExecuteInProcessResult, materialize, serialize_value

from retail_assets.definitions import build_definitions
from retail_assets.entities import ENTITIES
from retail_assets.quality.reconciliation import bronze_balance, fct_sales_revenue_reconciliation
from retail_assets.synthetic.generate import generate
from retail_assets_tests.conftest import DataRoot

DATA_PLANE = AssetSelection.groups("bronze", "silver", "gold")
RANGE = {"dagster/asset_partition_range_start": "2026-11-01", "dagster/asset_partition_range_end": "2026-11-02"}
FCT_SALES = AssetKey(["gold", "fct_sales"])
SENTINEL = "s3cr3t-sentinel-7f2c9a"
# What a BigQuery deployment would put in the environment (dbt's profiles.yml, google-auth).
SECRET_ENV = {
    "GOOGLE_APPLICATION_CREDENTIALS": f"/secrets/{SENTINEL}.json",
    "RETAIL_BQ_KEYFILE": f"/secrets/{SENTINEL}-keyfile.json",
    "RETAIL_BQ_PROJECT": f"project-{SENTINEL}",
}


@dataclass
class Scenario:
    root: DataRoot
    instance: DagsterInstance
    ranged: ExecuteInProcessResult  # the two-day run
    redelivery: ExecuteInProcessResult  # the day-two re-run

    @property
    def results(self):
        return [self.ranged, self.redelivery]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    root = DataRoot(tmp_path_factory.mktemp("observability") / "data")
    generate(root.landing, start=date(2026, 11, 1), days=2, seed=11, lines_per_day=300)
    pos = (root.landing / "pos_sales_2026-11-02.csv").read_text().splitlines(keepends=True)
    online = (root.landing / "online_sales_2026-11-02.ndjson").read_bytes()
    defs = build_definitions(root.resources())
    instance = DagsterInstance.ephemeral()
    with pytest.MonkeyPatch.context() as env:
        for name, value in SECRET_ENV.items():
            env.setenv(name, value)
        ranged = materialize(list(defs.assets), selection=DATA_PLANE, tags=RANGE,
                             resources=root.resources(), instance=instance)
        (root.landing / "pos_sales_2026-11-02.csv").write_text("".join(pos[:-20]))
        (root.landing / "online_sales_2026-11-02.ndjson").write_bytes(online)
        sales = AssetSelection.assets(["bronze", "sales_lines"], ["silver", "sales_lines"],
                                      ["staging", "stg_sales_lines"], FCT_SALES, ["gold", "fct_orders"])
        redelivery = materialize(list(defs.assets), selection=sales, partition_key="2026-11-02",
                                 resources=root.resources(), instance=instance)
    assert ranged.success and redelivery.success
    return Scenario(root, instance, ranged, redelivery)


def _checks(result, name):
    return [c for c in result.get_asset_check_evaluations() if c.check_name == name]


def _count(conn, sql, params):
    return conn.execute(sql, params).fetchone()[0]


def test_redelivery_produced_superseded_and_duplicate_file_audit_rows(scenario):
    statuses = scenario.root.query(
        "select file, status from audit.file_loads where entity = 'sales_lines' order by file, status")
    assert set(map(tuple, statuses.values)) >= {("pos_sales_2026-11-02.csv", "superseded"),
                                                ("pos_sales_2026-11-02.csv", "loaded"),
                                                ("online_sales_2026-11-02.ndjson", "duplicate_file")}


def test_bronze_rows_reconcile_on_every_silver_asset_matches_an_independent_count(scenario):
    ranged = {c.asset_key.path[1]: c for c in _checks(scenario.ranged, "bronze_rows_reconcile")}
    assert sorted(ranged) == sorted(ENTITIES)
    [redelivered] = _checks(scenario.redelivery, "bronze_rows_reconcile")
    assert redelivered.asset_key == AssetKey(["silver", "sales_lines"])
    assert all(c.passed for c in [*ranged.values(), redelivered])

    with duckdb.connect(str(scenario.root.db), read_only=True) as conn:
        def independent(entity, start, end):
            window = [start, end]
            files = [entity, *window]
            return {
                "bronze_rows": _count(conn, f"select count(*) from bronze.{entity} "
                                            "where _partition_date >= ? and _partition_date < ?", window),
                "silver_rows": _count(conn, f"select count(*) from silver.{entity} "
                                            "where partition_date >= ? and partition_date < ?", window),
                "rejected_rows": _count(conn, "select count(*) from silver.rejected_rows where entity = ? "
                                              "and partition_date >= ? and partition_date < ?", files),
                "duplicate_rows": _count(conn, "select coalesce(sum(rows_duplicate), 0) from audit.file_loads "
                                               "where entity = ? and \"partition\" >= ? and \"partition\" < ? "
                                               "and status in ('loaded', 'superseded')", files),
                # Cross-check from the audit side: the files silver judged hold every bronze row.
                "audit_rows_read": _count(conn, "select coalesce(sum(rows_read), 0) from audit.file_loads "
                                                "where entity = ? and \"partition\" >= ? and \"partition\" < ? "
                                                "and status in ('loaded', 'superseded')", files),
            }

        day_two = independent("sales_lines", date(2026, 11, 2), date(2026, 11, 3))
        numbers = {k: v.value for k, v in redelivered.metadata.items() if k != "window"}
        assert numbers == {**{k: day_two[k] for k in numbers if k != "difference"}, "difference": 0}
        assert day_two["bronze_rows"] == day_two["audit_rows_read"]
        first_version = _count(conn, "select rows_read from audit.file_loads where status = 'superseded'", [])
        assert day_two["duplicate_rows"] >= first_version > 0, "the superseded first version counts as duplicates"
        # Entities the re-delivery did not touch still balance over the ranged window now.
        for entity in ENTITIES:
            if entity == "sales_lines":
                continue
            now = independent(entity, date(2026, 11, 1), date(2026, 11, 3))
            assert now["bronze_rows"] == now["silver_rows"] + now["rejected_rows"] + now["duplicate_rows"]
            assert ranged[entity].metadata["bronze_rows"].value == now["bronze_rows"]
            assert ranged[entity].metadata["silver_rows"].value == now["silver_rows"]


def test_revenue_matches_silver_ran_for_the_ranged_and_the_single_day_run(scenario):
    [ranged] = _checks(scenario.ranged, "revenue_matches_silver")
    [single] = _checks(scenario.redelivery, "revenue_matches_silver")
    assert ranged.asset_key == single.asset_key == FCT_SALES
    assert ranged.passed and single.passed
    assert ranged.metadata["window"].value == "2026-11-01 .. 2026-11-03"
    assert ranged.metadata["days_compared"].value >= 2  # late lines add earlier sale days
    assert "| sale_date" in ranged.metadata["worst_days"].value

    by_day = scenario.root.query("""
        select sale_date, sum(revenue) revenue from silver.sales_lines
        where partition_date = date '2026-11-02' group by 1""")
    assert single.metadata["silver_revenue"].value == pytest.approx(by_day.revenue.sum(), abs=0.01)
    assert single.metadata["gold_revenue"].value == pytest.approx(by_day.revenue.sum(), abs=0.01)
    assert single.metadata["days_compared"].value == len(by_day)


def test_the_checks_fail_when_gold_or_the_accounting_loses_rows(scenario, tmp_path):
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(scenario.root.db, broken)
    with duckdb.connect(str(broken)) as conn:
        lost = conn.execute("""
            delete from gold.fct_sales where sales_line_key in (
                select sales_line_key from gold.fct_sales
                where sale_date = date '2026-11-01' and revenue > 0 limit 3)
            returning revenue""").fetchdf().revenue.sum()
        revenue = fct_sales_revenue_reconciliation(conn, date(2026, 11, 1), date(2026, 11, 3))
        assert not revenue.passed
        worst = revenue.worst_days(1).iloc[0]
        assert worst.sale_date == date(2026, 11, 1)
        assert worst.difference == pytest.approx(-lost, abs=0.01)
        assert worst.silver_lines - worst.gold_lines == 3

        day_two = [date(2026, 11, 2), date(2026, 11, 3)]
        silver = _count(conn, "select count(*) from silver.sales_lines where partition_date = ?", day_two[:1])
        assert bronze_balance(conn, "sales_lines", *day_two, silver_rows=silver).passed
        conn.execute("delete from silver.rejected_rows where rowid in (select rowid from silver.rejected_rows "
                     "where entity = 'sales_lines' and partition_date = ? limit 1)", day_two[:1])
        balance = bronze_balance(conn, "sales_lines", *day_two, silver_rows=silver)
        assert not balance.passed and balance.difference == 1


def test_every_materialization_has_the_metadata_an_operator_needs(scenario):
    required = {"dagster/row_count", "dagster/column_schema", "preview"}
    timings = {"bronze": {"duration_load_files_s"},
               "silver": {"duration_read_s", "duration_clean_s", "duration_write_side_tables_s"},
               "gold": {"Execution Duration", "dbt_invocation_duration_s"}}
    seen = set()
    for result in scenario.results:
        for event in result.get_asset_materialization_events():
            mat = event.materialization
            key, meta = mat.asset_key, mat.metadata
            layer = {"bronze": "bronze", "silver": "silver"}.get(key.path[0], "gold")
            missing = (required | timings[layer]) - set(meta)
            assert not missing, f"{key.to_user_string()} lacks {missing}"
            assert meta["dagster/column_schema"].value.columns, key
            if mat.partition:  # partitioned: the run's window and the rows in it
                assert "window" in meta, key
            if layer != "gold" or key == FCT_SALES:
                assert "dagster/partition_row_count" in meta, key
            if layer == "silver":
                assert {"rows_read", "rows_loaded", "rows_rejected", "rows_duplicate"} <= set(meta)
            seen.add(key)
    assert {AssetKey(["gold", "dim_customer"]), FCT_SALES, AssetKey(["silver", "sales_lines"])} <= seen
    fct = [e.materialization for e in scenario.ranged.get_asset_materialization_events()
           if e.materialization.asset_key == FCT_SALES]
    assert sorted(m.partition for m in fct) == ["2026-11-01", "2026-11-02"]
    columns = {c.name: c.type for c in fct[0].metadata["dagster/column_schema"].value.columns}
    assert columns["revenue"] == "DOUBLE" and columns["sale_date"] == "DATE"


def _messages(scenario):
    return [e.user_message for r in scenario.results for e in scenario.instance.all_logs(r.run_id)
            if e.user_message]


def test_one_log_line_per_file_per_window_and_per_model_with_counts(scenario):
    messages = _messages(scenario)
    audit = scenario.root.query("select * from audit.file_loads where status in ('loaded', 'superseded')")
    for f in audit.itertuples():
        bronze = [m for m in messages if m.startswith(f"file={f.file!r} entity={f.entity} status=")]
        assert bronze and all(re.search(r" rows_read=\d+ seconds=[\d.]+$", m) for m in bronze), f.file
        silver = [m for m in messages if m == (
            f"file={f.file!r} entity={f.entity} rows_read={f.rows_read} rows_loaded={f.rows_loaded} "
            f"rows_rejected={f.rows_rejected} rows_duplicate={f.rows_duplicate}")]
        assert len(silver) >= 1, f"no silver accounting line for {f.file} ({f.status})"
    for layer in ["bronze", "silver"]:
        for entity in ENTITIES:
            windows = [m for m in messages if m.startswith(f"asset={layer}/{entity} window=2026-11-01..2026-11-03 ")]
            assert len(windows) == 1, (layer, entity)
    [window_line] = [m for m in messages if m.startswith("asset=silver/sales_lines window=2026-11-02..2026-11-03 ")]
    assert "bronze_rows_reconcile=passed difference=0" in window_line
    fct_rows = scenario.root.query("select count(*) n from gold.fct_sales").n[0]
    assert any(m.startswith(f"model=gold/fct_sales rows={fct_rows} ") for m in messages)
    models = {m.split()[0] for m in messages if m.startswith("model=")}
    assert {"model=gold/dim_customer", "model=gold/rpt_daily_sales", "model=staging/stg_sales_lines"} <= models


def test_no_secret_reaches_the_event_log_or_metadata(scenario):
    events = [serialize_value(e) for r in scenario.results for e in scenario.instance.all_logs(r.run_id)]
    blob = "\n".join(events)
    assert "rows_loaded=" in blob and "dagster/column_schema" in blob, "the scan sees messages and metadata"
    leaked = [e[:300] for e in events if SENTINEL in e]
    assert not leaked, leaked
