"""landing_file_sensor: turns new landing files into a few ranged runs.

Pure planning (`plan_landing_runs`) is separate from the Dagster wrapper so it
can be tested without a daemon. The cursor holds only files still in the
landing zone (loaded files move out), so it cannot grow without bound.
"""


import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from dagster import (
    AssetKey,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from retail_assets.landing.file_store import LandingFile, LocalFileStore
from retail_assets.landing.profiles import UnmatchedFile, match_file
from retail_assets.jobs import INGEST_JOB, landing_ingest_job
from retail_assets.landing.quarantine import quarantine_landing_files

MAX_GAP_DAYS = 7  # days without files that still belong in the same ranged run


@dataclass
class LandingPlan:
    runs: list[RunRequest] = field(default_factory=list)
    cursor: dict[str, str] = field(default_factory=dict)  # identity -> sha256, files still in landing
    log: list[str] = field(default_factory=list)


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:20]


def date_clusters(days: list[str], max_gap_days: int = MAX_GAP_DAYS) -> list[tuple[str, str]]:
    """Split sorted ISO dates into (start, end) ranges wherever the gap exceeds max_gap_days.

    A ranged run rebuilds silver for every day in its range, so a drop holding 2010
    and 2026 files becomes two runs, not one over sixteen years.
    """
    clusters: list[tuple[str, str]] = []
    for day in days:
        if clusters and (date.fromisoformat(day) - date.fromisoformat(clusters[-1][1])).days <= max_gap_days:
            clusters[-1] = (clusters[-1][0], day)
        else:
            clusters.append((day, day))
    return clusters


def plan_landing_runs(files: list[LandingFile], seen: dict[str, str], sha256_of, profiles=None) -> LandingPlan:
    """Decide the runs for files not seen before.

    One run per entity over the range of business dates in the drop (bronze and
    silver take ranges in one run), plus one quarantine run for files no profile
    accepts. Run keys hash the files' identities and content, so a file is
    requested once, and a re-upload (new version) is requested again.
    """
    plan = LandingPlan()
    by_entity: dict[str, list[tuple[LandingFile, str, str]]] = defaultdict(list)
    unmatched: list[tuple[LandingFile, str, str]] = []
    for f in files:
        if f.identity in seen:
            plan.cursor[f.identity] = seen[f.identity]
            continue
        try:
            sha = sha256_of(f.name)
        except OSError as exc:  # vanished or unreadable: retried next tick, never crashes the sensor
            plan.log.append(f"file={f.name} status=unreadable reason={exc}")
            continue
        plan.cursor[f.identity] = sha
        try:
            m = match_file(f.name, profiles)
        except UnmatchedFile as exc:
            unmatched.append((f, sha, str(exc)))
            plan.log.append(f"file={f.name} status=unmatched reason={exc}")
            continue
        by_entity[m.profile.entity].append((f, sha, m.partition_key))
        plan.log.append(f"file={f.name} profile={m.profile.name} partition={m.partition_key}")

    for entity, entity_items in sorted(by_entity.items()):
        for start, end in date_clusters(sorted({p for _, _, p in entity_items})):
            items = [i for i in entity_items if start <= i[2] <= end]
            tags = {"retail/entity": entity, "retail/files": str(len(items))}
            key = f"{entity}:{start}..{end}:" + _digest([f"{f.identity}:{sha}" for f, sha, _ in items])
            selection = [AssetKey(["bronze", entity]), AssetKey(["silver", entity])]
            if start == end:
                plan.runs.append(RunRequest(run_key=key, job_name=INGEST_JOB, asset_selection=selection,
                                            partition_key=start, tags=tags))
            else:
                tags |= {ASSET_PARTITION_RANGE_START_TAG: start, ASSET_PARTITION_RANGE_END_TAG: end}
                plan.runs.append(RunRequest(run_key=key, job_name=INGEST_JOB, asset_selection=selection, tags=tags))
    if unmatched:
        plan.runs.append(
            RunRequest(
                run_key="quarantine:" + _digest([f"{f.identity}:{sha}" for f, sha, _ in unmatched]),
                job_name=quarantine_landing_files.name,
                run_config={"ops": {"quarantine_files": {"config": {
                    "files": [{"name": f.name, "reason": reason} for f, _, reason in unmatched]}}}},
                tags={"retail/files": str(len(unmatched))},
            )
        )
    return plan


@sensor(
    name="landing_file_sensor",
    jobs=[landing_ingest_job, quarantine_landing_files],
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.STOPPED,
    description="Watches the landing zone; requests one ranged bronze+silver run per entity for new files, "
    "and a quarantine run for files no source profile accepts.",
)
def landing_file_sensor(context: SensorEvaluationContext, landing: LocalFileStore):
    seen = json.loads(context.cursor) if context.cursor else {}
    plan = plan_landing_runs(landing.list_files(), seen, landing.sha256)
    for line in plan.log:
        (context.log.warning if "unmatched" in line else context.log.info)(line)
    cursor = json.dumps(plan.cursor, sort_keys=True)
    if not plan.runs:
        return SensorResult(skip_reason=SkipReason("no new files in the landing zone"), cursor=cursor)
    return SensorResult(run_requests=plan.runs, cursor=cursor)
