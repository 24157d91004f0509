"""Reports follow gold: Dagster's automation engine requests them once their gold inputs update."""

from datetime import datetime, timezone

from dagster import AssetMaterialization, AssetSpec, DagsterInstance, Definitions, evaluate_automation_conditions

from retail_assets.automation.policies import apply_operating_policy
from retail_assets.definitions import GOLD
from retail_assets.ml.assets import MODEL_KEY
from retail_assets.reports import report_assets
from retail_assets.reports.folder import ReportsFolder
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse

REPORT_KEYS = [key for asset in report_assets for key in asset.keys]


def test_a_gold_update_requests_the_reports_that_read_it(tmp_path):
    parents = {parent for asset in report_assets for deps in asset.asset_deps.values() for parent in deps}
    defs = Definitions(
        # The report assets with the project's operating policy applied, as in the code location.
        assets=[*apply_operating_policy(report_assets, GOLD, MODEL_KEY), *(AssetSpec(key) for key in parents)],
        resources={"warehouse": DuckDBWarehouse(path=str(tmp_path / "unused.duckdb")),  # nothing executes
                   "reports": ReportsFolder(path=str(tmp_path / "reports"))},
    )
    instance = DagsterInstance.ephemeral()
    for key in [*parents, *REPORT_KEYS]:
        instance.report_runless_asset_event(AssetMaterialization(asset_key=key))
    now = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)
    first = evaluate_automation_conditions(defs=defs, instance=instance, evaluation_time=now)
    assert not any(first.get_num_requested(k) for k in REPORT_KEYS), "nothing new: nothing requested"

    instance.report_runless_asset_event(AssetMaterialization(asset_key=["gold", "rpt_inventory_status"]))
    landed = evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor,
                                            evaluation_time=now.replace(hour=7))
    assert not any(landed.get_num_requested(k) for k in REPORT_KEYS), "reports wait for a quiet tick"
    after = evaluate_automation_conditions(defs=defs, instance=instance, cursor=landed.cursor,
                                           evaluation_time=now.replace(hour=7, minute=1))
    requested = {k.to_user_string() for k in REPORT_KEYS if after.get_num_requested(k)}
    assert requested == {"reports/inventory_status", "reports/sales_dashboard"}
