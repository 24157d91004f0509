"""Daily partitions shared by every asset from bronze to gold."""

from dagster import DailyPartitionsDefinition

from retail_assets import settings

# end_offset=1 makes today's partition available: files for today can land
# and be processed before midnight.
daily_partitions = DailyPartitionsDefinition(
    start_date=settings.partitions_start(), end_offset=1, timezone="UTC"
)
