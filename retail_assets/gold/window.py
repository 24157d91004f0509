"""Dagster partition window -> dbt arguments. Small and pure, so it is unit-tested on its own."""

from __future__ import annotations

from datetime import datetime


def event_time_args(start: datetime, end: datetime) -> list[str]:
    """`--event-time-start/--event-time-end` for the half-open window [start, end).

    The window reaches dbt as event-time flags rather than `--vars`: vars that
    change every run force dbt to re-parse the whole project, event-time flags
    do not. Models read them with the `partition_window()` macro.
    """
    if end <= start:
        raise ValueError(f"empty partition window: {start} .. {end}")
    return ["--event-time-start", _iso(start), "--event-time-end", _iso(end)]


def _iso(moment: datetime) -> str:
    # dbt parses naive ISO timestamps; partition windows are UTC midnights.
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")
