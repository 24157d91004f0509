"""Jobs the sensor and operators launch."""

from dagster import AssetSelection, define_asset_job

from retail_assets.ml.assets import MODEL_KEY

INGEST_JOB = "landing_ingest"

# Everything a delivery can touch; the sensor narrows the selection per run
# (retail_assets/automation/policies.py: delivery_selection).
landing_ingest_job = define_asset_job(
    INGEST_JOB,
    # the model retrains weekly, never from a delivery
    selection=AssetSelection.groups("bronze", "silver", "gold", "ml", "reports") - AssetSelection.assets(MODEL_KEY),
    description="One delivery: loads landing files into bronze, rebuilds silver for their dates, then gold "
    "(one dbt build), ML scores and forecasts and the reports that follow.",
)
