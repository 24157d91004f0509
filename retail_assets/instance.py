"""The project's Dagster instance class: Dagster's own, plus one fix for ranged runs.

Why a fix: a run over a range of days stores the range on the run (`DagsterRun.partitions_subset`),
and Dagster 1.13's `get_resolved_partitions_subset_for_events` returns that range for *any* asset
or check of the run, even one without partitions (all 247 checks of this project are). Each check
of a ranged run then gets one "planned" row per day in `asset_check_executions`, each with the
whole event serialised again, and those rows stay "planned" for ever beside the check's one real
evaluation, so the UI shows the check pending for every day. For the year-long drop (305 days,
one run) that was ~18 s of ~70 s before the first step ran. The fix keeps Dagster's answer for
partitioned definitions and answers "no partitions" for the rest, as the callers expect.

Where it applies: every process that creates runs. `make ingest` and the run workers import
the definitions, which call `apply_ranged_run_fix()`; the webserver (Materialize, Backfill) and the daemon
(sensors, backfills) only load the instance, so `dagster.yaml` names `RetailInstance` below as
its `instance_class`. `retail_assets_tests/unit/test_instance_fix.py` fails once Dagster fixes
the method itself, so the fix is removed rather than carried.
"""

from __future__ import annotations

from dagster import DagsterInstance, DagsterRun
from dagster._core.instance.ref import InstanceRef  # the defaults an instance_class must give

_UPSTREAM = DagsterRun.get_resolved_partitions_subset_for_events


def _subset_for_events(self: DagsterRun, partitions_def):
    if partitions_def is None:
        return None  # an unpartitioned asset or check of a ranged run: one planned event, no days
    return _UPSTREAM(self, partitions_def)


def apply_ranged_run_fix() -> None:
    """Install the fix (idempotent): unpartitioned assets and checks of a ranged run plan no days."""
    DagsterRun.get_resolved_partitions_subset_for_events = _subset_for_events


class RetailInstance(DagsterInstance):
    """Dagster's instance, named in dagster.yaml so processes that load no code get the fix too."""

    def __init__(self, *args, **kwargs):
        apply_ranged_run_fix()
        super().__init__(*args, **kwargs)

    # What Dagster asks of an `instance_class`: no settings of its own, Dagster's defaults.
    @classmethod
    def config_schema(cls) -> dict:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> dict:
        return InstanceRef.config_defaults(base_dir)
