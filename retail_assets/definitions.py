"""The code location: every asset, check, sensor, job and resource of retail-assets."""

from dagster import Definitions, in_process_executor

from retail_assets.automation.failures import run_failure_recorder
from retail_assets.automation.policies import GoldShape, apply_operating_policy
from retail_assets.automation.schedules import daily_safety_net_job, daily_safety_net_schedule
from retail_assets.automation.sensors import automation_sensor
from retail_assets.bronze.assets import bronze_assets
from retail_assets.gold.assets import DAILY_MODEL_KEYS, gold_models
from retail_assets.instance import apply_ranged_run_fix
from retail_assets.jobs import landing_ingest_job
from retail_assets.landing.quarantine import quarantine_landing_files
from retail_assets.landing.sensor import landing_file_sensor
from retail_assets.ml import ml_asset_checks, ml_assets
from retail_assets.ml.assets import MODEL_KEY
from retail_assets.reports import report_assets
from retail_assets.resources import build_resources
from retail_assets.silver.assets import silver_assets

apply_ranged_run_fix()  # before any run is created from these definitions (retail_assets/instance.py)

GOLD = GoldShape(daily=DAILY_MODEL_KEYS, unpartitioned=frozenset(gold_models.keys) - DAILY_MODEL_KEYS)


def build_definitions(resources: dict) -> Definitions:
    """All definitions over the given resources (tests pass temp-dir ones)."""
    assets = [*bronze_assets, *silver_assets, gold_models, *ml_assets, *report_assets]
    return Definitions(
        # Freshness and automation come from each asset's layer, in one place (automation/policies.py).
        assets=apply_operating_policy(assets, GOLD, MODEL_KEY),
        asset_checks=ml_asset_checks,
        jobs=[landing_ingest_job, quarantine_landing_files, daily_safety_net_job],
        schedules=[daily_safety_net_schedule],
        sensors=[landing_file_sensor, automation_sensor, run_failure_recorder],
        resources=resources,
        # One process per run: DuckDB works in-process, and the multiprocess executor would
        # re-import the code location for every step (seconds each) for no parallelism,
        # since warehouse writes are serialised by the pool anyway.
        executor=in_process_executor,
    )


defs = build_definitions(build_resources())
