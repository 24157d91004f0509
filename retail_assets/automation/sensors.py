"""The automation sensor: evaluates every asset's automation condition (see policies.py)."""

from dagster import AssetSelection, AutomationConditionSensorDefinition, DefaultSensorStatus

automation_sensor = AutomationConditionSensorDefinition(
    "retail_automation",
    target=AssetSelection.all(),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    # Several partitions of one asset in a tick (a history load) become one
    # backfill that honours the single-run backfill policy: one run, not hundreds.
    emit_backfills=True,
    description="Gold follows silver, ML and reports follow gold, the model retrains weekly.",
)
