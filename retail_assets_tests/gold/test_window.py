"""The partition window -> dbt arguments builder."""

from datetime import datetime, timezone

import pytest

from retail_assets.gold.window import event_time_args


def test_one_day_window():
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    end = datetime(2026, 11, 2, tzinfo=timezone.utc)
    assert event_time_args(start, end) == [
        "--event-time-start", "2026-11-01T00:00:00", "--event-time-end", "2026-11-02T00:00:00"]


def test_a_ninety_day_backfill_is_one_window():
    args = event_time_args(datetime(2026, 8, 1), datetime(2026, 10, 30))
    assert args[1::2] == ["2026-08-01T00:00:00", "2026-10-30T00:00:00"]


def test_empty_or_reversed_window_is_an_error():
    with pytest.raises(ValueError, match="empty partition window"):
        event_time_args(datetime(2026, 11, 2), datetime(2026, 11, 2))
    with pytest.raises(ValueError):
        event_time_args(datetime(2026, 11, 3), datetime(2026, 11, 2))
