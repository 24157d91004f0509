"""Daily partitions shared by every asset from bronze to gold."""

from dagster import DailyPartitionsDefinition

from retail_assets import settings

# end_offset=1 makes today's partition available: files for today can land
# and be processed before midnight.
daily_partitions = DailyPartitionsDefinition(
    start_date=settings.partitions_start(), end_offset=1, timezone="UTC"
)

# The tags that make a run cover a range of partitions (Dagster's own names, written once).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
