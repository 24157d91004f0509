"""The daily safety net: yesterday, from landing to gold, whatever the sensors did.

Sensors and automation conditions normally do this work as files arrive. If
the daemon was down, a sensor was off, or a file was dropped without an event,
this 05:00 UTC run re-processes yesterday: bronze picks up any landing file of
that date still waiting, silver and gold rebuild the day (idempotent: same
rows if nothing changed). ML and reports follow by their own conditions.
"""

from datetime import timedelta

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    define_asset_job,
    schedule,
)

SAFETY_NET_JOB = "daily_safety_net"

daily_safety_net_job = define_asset_job(
    SAFETY_NET_JOB,
    selection=AssetSelection.groups("bronze", "silver", "gold"),
    description="Yesterday's partition through bronze, silver and gold (the daily safety net).",
)


def safety_net_partition(scheduled_for) -> str:
    """The day before the tick: the last day whose exports should be complete."""
    return (scheduled_for - timedelta(days=1)).strftime("%Y-%m-%d")


@schedule(
    name="daily_safety_net_schedule",
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    job=daily_safety_net_job,
    default_status=DefaultScheduleStatus.RUNNING,
    description="05:00 UTC: re-runs yesterday from landing to gold, in case an event was missed.",
)
def daily_safety_net_schedule(context: ScheduleEvaluationContext):
    partition = safety_net_partition(context.scheduled_execution_time)
    return RunRequest(run_key=f"safety_net:{partition}", partition_key=partition)
