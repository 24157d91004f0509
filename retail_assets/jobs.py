"""Jobs the sensor and operators launch."""

from dagster import AssetSelection, define_asset_job

INGEST_JOB = "landing_ingest"

# Bronze and silver of any entity; the sensor narrows the selection per run.
landing_ingest_job = define_asset_job(
    INGEST_JOB,
    selection=AssetSelection.groups("bronze", "silver"),
    description="Loads landing files into bronze and rebuilds silver for their dates.",
)
