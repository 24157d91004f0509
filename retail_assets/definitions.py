"""The code location: every asset, check, sensor, job and resource of retail-assets."""

from dagster import Definitions, in_process_executor

from retail_assets.assets.bronze import bronze_assets
from retail_assets.assets.silver import silver_assets
from retail_assets.gold.assets import gold_daily_models, gold_models
from retail_assets.jobs import landing_ingest_job
from retail_assets.landing.quarantine import quarantine_landing_files
from retail_assets.landing.sensor import landing_file_sensor
from retail_assets.ml import ml_asset_checks, ml_assets
from retail_assets.reports import report_assets
from retail_assets.resources import build_resources


def build_definitions(resources: dict) -> Definitions:
    """All definitions over the given resources (tests pass temp-dir ones)."""
    return Definitions(
        assets=[*bronze_assets, *silver_assets, gold_daily_models, gold_models, *ml_assets, *report_assets],
        asset_checks=ml_asset_checks,
        jobs=[landing_ingest_job, quarantine_landing_files],
        sensors=[landing_file_sensor],
        resources=resources,
        # One process per run: DuckDB works in-process, and the multiprocess executor would
        # re-import the code location for every step (seconds each) for no parallelism,
        # since warehouse writes are serialised by the pool anyway.
        executor=in_process_executor,
    )


defs = build_definitions(build_resources())
