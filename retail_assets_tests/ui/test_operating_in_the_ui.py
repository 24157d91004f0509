"""The operator's path, for real: `dagster dev` (webserver + daemon, the project's dagster.yaml with
its pool limit). Files dropped in the landing zone become one run through the landing sensor; a
backfill of the same days launched through GraphQL as the UI launches it is one ranged run of the
daemon's backfill and run queue and changes nothing; then the UI itself in Debian's Chromium.
Screenshots are kept in the test's tmp folder.
"""

import json
import os
import time
from datetime import date
from urllib.parse import urlparse

import duckdb

from retail_assets.synthetic.generate import generate
from retail_assets_tests.ui.browser import local_page
from retail_assets_tests.ui.conftest import DAYS
from retail_assets_tests.ui.dagster_dev import LOCATION
from retail_assets_tests.ui.graphql_ops import (
    launch_assets,
    launch_backfill,
    runs_of_sensor,
    wait_for_backfill,
    wait_for_sensor_runs,
)

GOLD_TABLES = ["gold.fct_sales", "gold.fct_orders", "gold.dim_customer", "gold.dim_product", "gold.dim_store",
               "gold.dim_employee", "gold.rpt_daily_sales", "gold.rpt_top_products", "gold.v_executive_summary"]


def _daily_data_plane_keys(dev) -> list[list[str]]:
    """The daily-partitioned assets of the bronze, silver and gold groups, as the UI lists them."""
    nodes = dev.graphql("{ assetNodes { assetKey { path } groupName isPartitioned } }")["assetNodes"]
    return [n["assetKey"]["path"] for n in nodes if n["groupName"] in ("bronze", "silver", "gold") and n["isPartitioned"]]


def _backfill(dev, assets):
    backfill = wait_for_backfill(dev, launch_backfill(dev, assets, DAYS))
    assert backfill["status"] in ("COMPLETED", "COMPLETED_SUCCESS"), (backfill, dev.log_tail())
    assert backfill["runs"] and all(r["status"] == "SUCCESS" for r in backfill["runs"]), backfill["runs"]
    return backfill


def _gold_fingerprint(db_path):
    """Row count and an order-independent checksum of every gold table's full contents."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        return {t: conn.execute(f"select count(*), coalesce(sum(hash(t::varchar)), 0) from {t} t").fetchone()
                for t in GOLD_TABLES}


def _is_ranged_over_the_days(run) -> bool:
    tags = {t["key"]: t["value"] for t in run["tags"]}
    return (tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")) == \
        (DAYS[0], DAYS[-1])


def test_files_dropped_while_dagster_dev_runs_become_one_run_that_reaches_gold(dagster_dev):
    """`make dev`'s path: nobody clicks. Three days of files land at once (written aside and renamed
    into place, as a transfer tool finishing would); landing_file_sensor (on by default, 10 s
    interval here) requests one run over the three days: bronze, silver, gold in one dbt build."""
    incoming = dagster_dev.data_dir / "incoming"
    generate(incoming, start=date.fromisoformat(DAYS[0]), days=len(DAYS), seed=3, lines_per_day=200)
    dropped = time.monotonic()
    os.replace(incoming, dagster_dev.data_dir / "landing")  # an absent or empty landing folder is replaced whole
    runs = wait_for_sensor_runs(dagster_dev, "landing_file_sensor")
    seconds = time.monotonic() - dropped
    assert len(runs) == 1, runs
    [run] = runs
    assert run["status"] == "SUCCESS", dagster_dev.log_tail()
    assert _is_ranged_over_the_days(run), run["tags"]
    db = dagster_dev.data_dir / "warehouse.duckdb"
    with duckdb.connect(str(db), read_only=True) as conn:
        days = [str(d) for (d,) in conn.execute("select distinct sale_date from gold.fct_sales order by 1").fetchall()]
        silver, gold = conn.execute("""
            select (select round(sum(revenue), 2) from silver.sales_lines),
                   (select round(sum(revenue), 2) from gold.fct_sales)""").fetchone()
    assert set(DAYS) <= set(days)
    assert silver == gold and gold > 0
    assert all(n > 0 for n, _ in _gold_fingerprint(db).values())
    # Measured, never asserted (shared machines): the target is <= 45 s with the sensor at 10 s.
    print(f"\ndrop -> run finished with gold.fct_sales: {seconds:.1f} s, {len(runs)} run")


def test_a_backfill_from_the_ui_over_loaded_days_is_one_ranged_run_and_changes_nothing(dagster_dev):
    """The operator re-runs the three days (every daily asset, bronze to fct_sales) from the UI."""
    db = dagster_dev.data_dir / "warehouse.duckdb"
    before = _gold_fingerprint(db)
    backfill = _backfill(dagster_dev, _daily_data_plane_keys(dagster_dev))
    assert len(backfill["runs"]) == 1 and _is_ranged_over_the_days(backfill["runs"][0]), backfill["runs"]
    assert not any("dagster/partition" in {t["key"] for t in r["tags"]} for r in backfill["runs"]), "no run per day"
    assert _gold_fingerprint(db) == before, "re-running a backfill over loaded days must change nothing"
    assert len(runs_of_sensor(dagster_dev, "landing_file_sensor")) == 1, "the delivery was requested once"
    log = dagster_dev.log_path.read_text(errors="replace")
    assert "Could not set lock" not in log and "Conflicting lock" not in log


def _text_after_reloads(page, url, needle, timeout_s=90) -> str:
    """Reload until `needle` shows (the freshness daemon evaluates every few seconds)."""
    deadline = time.monotonic() + timeout_s
    while True:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        body = page.inner_text("body")
        if needle in body or time.monotonic() > deadline:
            return body
        time.sleep(3)


def test_the_ui_shows_the_layers_freshness_and_checks_in_a_real_browser(dagster_dev, tmp_path):
    """Runs after the backfill above (same module, same server): the assets have materializations."""
    with local_page() as (page, blocked):
        page.goto(f"{dagster_dev.url}/asset-groups")
        page.get_by_text("Global asset lineage").wait_for(timeout=60_000)
        for group in ("bronze", "silver", "gold", "ml", "reports"):
            page.get_by_text(group, exact=True).first.wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "asset_graph.png"))

        body = _text_after_reloads(page, f"{dagster_dev.url}/assets/gold/fct_sales", "Passing")
        assert "Freshness policy" in body, body[:2000]
        assert "Passing" in body, "the freshness daemon evaluated fct_sales (materialized minutes ago)"
        assert "Latest check results" in body
        page.screenshot(path=str(tmp_path / "fct_sales.png"), full_page=True)

        page.goto(f"{dagster_dev.url}/assets/silver/sales_lines?view=checks")
        page.get_by_text("bronze_rows_reconcile").first.wait_for(timeout=30_000)
        checks = page.inner_text("body")
        assert "Passed" in checks or "Succeeded" in checks, checks[:2000]
        page.screenshot(path=str(tmp_path / "silver_checks.png"), full_page=True)

        # An asset nobody has materialized here: the UI shows its policy and no false "Passing".
        never = _text_after_reloads(page, f"{dagster_dev.url}/assets/ml/customer_churn_model", "Freshness policy")
        assert "Freshness policy" in never and "Passing" not in never
    assert all(urlparse(u).hostname != "127.0.0.1" for u in blocked)
    for name in ("asset_graph.png", "fct_sales.png", "silver_checks.png"):
        assert (tmp_path / name).stat().st_size > 10_000, name


def test_the_daemon_records_a_failed_run_where_on_call_looks(dagster_dev):
    """Three days cannot train the churn model (it needs label windows): a real failure, launched as
    from the asset page; the daemon's run_failure_recorder writes it to ops/run_failures.jsonl."""
    run_id = launch_assets(dagster_dev, [["ml", "customer_churn_model"]], LOCATION)
    log = dagster_dev.data_dir / "ops" / "run_failures.jsonl"
    deadline = time.monotonic() + 180
    records = []
    while time.monotonic() < deadline and not records:
        time.sleep(3)
        if log.exists():
            records = [json.loads(line) for line in log.read_text().splitlines() if run_id in line]
    assert records, f"no failure recorded for {run_id}; log: {dagster_dev.log_tail()}"
    [record] = records
    assert record["assets"] == ["ml/customer_churn_model"] and record["error"], record
    assert "run_failed run_id=" + run_id in dagster_dev.log_path.read_text(errors="replace")
