"""The operator's path, for real: `dagster dev` (webserver + daemon, the project's dagster.yaml with
its pool limit), a 3-day backfill launched through GraphQL as the UI launches it and run by the
daemon's backfill and run queue (dbt in subprocesses), then the same days again; then the UI
itself in Debian's Chromium. Screenshots are kept in the test's tmp folder.
"""

import json
import time
from urllib.parse import urlparse

import duckdb

from retail_assets_tests.ui.browser import local_page
from retail_assets_tests.ui.conftest import DAYS
from retail_assets_tests.ui.dagster_dev import LOCATION
from retail_assets_tests.ui.graphql_ops import launch_assets, launch_backfill, wait_for_backfill

GOLD_TABLES = ["gold.fct_sales", "gold.fct_orders", "gold.dim_customer", "gold.dim_product", "gold.dim_store",
               "gold.dim_employee", "gold.rpt_daily_sales", "gold.rpt_top_products", "gold.v_executive_summary"]


def _data_plane_keys(dev, daily_only=False) -> list[list[str]]:
    """The assets of the bronze, silver and gold groups as the UI lists them (or only the daily ones)."""
    nodes = dev.graphql("{ assetNodes { assetKey { path } groupName isPartitioned } }")["assetNodes"]
    return [n["assetKey"]["path"] for n in nodes
            if n["groupName"] in ("bronze", "silver", "gold") and (n["isPartitioned"] or not daily_only)]


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


def test_three_day_backfill_from_the_ui_builds_gold_and_rerunning_it_changes_nothing(dagster_dev):
    # Everything from bronze to gold: the daemon runs the layers in dependency order
    # (daily runs ranged over the three days, the unpartitioned models between them).
    first = _backfill(dagster_dev, _data_plane_keys(dagster_dev))
    daily_runs = [r for r in first["runs"] if _is_ranged_over_the_days(r)]
    assert daily_runs, "single-run backfill policy: the days go through as one range"
    assert not any("dagster/partition" in {t["key"] for t in r["tags"]} for r in first["runs"]), \
        "no run per day"
    db = dagster_dev.data_dir / "warehouse.duckdb"
    with duckdb.connect(str(db), read_only=True) as conn:
        days = [str(d) for (d,) in conn.execute("select distinct sale_date from gold.fct_sales order by 1").fetchall()]
        silver, gold = conn.execute("""
            select (select round(sum(revenue), 2) from silver.sales_lines),
                   (select round(sum(revenue), 2) from gold.fct_sales)""").fetchone()
    assert set(DAYS) <= set(days)
    assert silver == gold and gold > 0
    before = _gold_fingerprint(db)
    assert all(n > 0 for n, _ in before.values()), before

    # The operator re-runs the days (every daily asset, bronze to fct_sales): one ranged run.
    again = _backfill(dagster_dev, _data_plane_keys(dagster_dev, daily_only=True))
    assert len(again["runs"]) == 1 and _is_ranged_over_the_days(again["runs"][0]), again["runs"]
    assert _gold_fingerprint(db) == before, "re-running a backfill over loaded days must change nothing"
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
