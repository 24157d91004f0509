"""Retraining policy, evaluated by Dagster's own automation-condition engine (no daemon needed):
new gold data refreshes features, scores and forecasts at once; the model only retrains weekly.
(The weekly firing itself depends on wall-clock cron ticks relative to event timestamps, so the
test asserts the declared condition rather than simulating a week.)"""

from datetime import datetime, timezone

from dagster import AssetMaterialization, AssetSpec, DagsterInstance, Definitions, evaluate_automation_conditions

from retail_assets.automation.policies import apply_operating_policy
from retail_assets.definitions import GOLD as GOLD_SHAPE
from retail_assets.ml import ml_asset_checks, ml_assets
from retail_assets.ml.assets import MODEL_KEY
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse

GOLD = [["gold", "fct_sales"], ["gold", "dim_customer"], ["gold", "dim_store"], ["gold", "rpt_daily_sales"]]
MODEL = "ml/customer_churn_model"


ML_KEYS = [key for asset in ml_assets for key in asset.keys]
POLICED_ML = apply_operating_policy(ml_assets, GOLD_SHAPE, MODEL_KEY)


def _requested(result) -> set[str]:
    return {k.to_user_string() for k in ML_KEYS if result.get_num_requested(k)}


def _gold_lands(instance):
    for key in GOLD:
        instance.report_runless_asset_event(AssetMaterialization(asset_key=key))


def test_new_gold_data_refreshes_scores_daily_but_the_model_waits_for_its_weekly_slot(tmp_path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "unused.duckdb"))  # never opened: nothing executes
    # The ML assets with the project's operating policy applied, as in the code location.
    defs = Definitions(assets=[*POLICED_ML, *(AssetSpec(k) for k in GOLD)], asset_checks=ml_asset_checks,
                       resources={"warehouse": warehouse})
    instance = DagsterInstance.ephemeral()
    tuesday = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)

    # Everything has run once (gold, then the ML assets); the next day's gold lands.
    _gold_lands(instance)
    for key in ML_KEYS:
        instance.report_runless_asset_event(AssetMaterialization(asset_key=key))
    first = evaluate_automation_conditions(defs=defs, instance=instance, evaluation_time=tuesday)
    assert _requested(first) == set(), "nothing new: nothing requested"
    cursor = first.cursor
    _gold_lands(instance)
    after_load = evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor,
                                                evaluation_time=tuesday.replace(hour=7))
    assert _requested(after_load) == set(), "the tick gold lands in, ML waits for gold to settle"
    settled = evaluate_automation_conditions(defs=defs, instance=instance, cursor=after_load.cursor,
                                             evaluation_time=tuesday.replace(hour=7, minute=1))
    requested = _requested(settled)
    assert {"ml/customer_features", "ml/customer_scores", "ml/sales_forecast", "ml/forecast_vs_actual"} <= requested
    assert MODEL not in requested, "the model must not retrain on every daily load"

    # Its own slot is weekly: Monday 03:00 UTC (when gold has been updated since the tick).
    [model] = [a for a in POLICED_ML if MODEL in {k.to_user_string() for k in a.keys}]
    condition = model.automation_conditions_by_key[model.key]
    assert condition.get_label() == "on_cron(0 3 * * 1, UTC)"
