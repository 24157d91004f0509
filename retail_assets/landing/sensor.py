"""landing_file_sensor: turns a drop of landing files into one run.

One run per drop, over the drop's whole date range: bronze and silver of every
entity in it, then everything the operating policy says follows new data (gold
in one dbt invocation, ML scores and forecasts, reports). A catch-up load of
hundreds of days with weeks of gaps is one run too: silver and dbt work on the
window set-wise, so a gap costs nothing.

Pure planning (`plan_landing_runs`) is separate from the Dagster wrapper so it
can be tested without a daemon. The cursor holds only files still in the
landing zone (loaded files move out), so it cannot grow without bound.
"""


import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from dagster import (
    AssetKey,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from retail_assets import settings
from retail_assets.automation.policies import delivery_selection
from retail_assets.jobs import INGEST_JOB, landing_ingest_job
from retail_assets.landing.file_store import LandingFile, LandingFileStore
from retail_assets.landing.limits import display_name, file_problem, size_problem
from retail_assets.landing.profiles import UnmatchedFile, match_file
from retail_assets.landing.quarantine import quarantine_landing_files
from retail_assets.ml.model_registry import MODEL_KEY, trusted_model
from retail_assets.partitions import RANGE_END_TAG, RANGE_START_TAG, daily_partitions

# A file dated after the newest daily partition (today, UTC) waits in the landing zone
# for its partition if it is at most this far ahead (a store in a time zone ahead of
# UTC); further ahead it is a wrong clock or a typo and goes to rejected/ with the reason.
MAX_DAYS_AHEAD = 1
SILVER_SALES = AssetKey(["silver", "sales_lines"])


@dataclass
class LandingPlan:
    runs: list[RunRequest] = field(default_factory=list)
    cursor: dict[str, str] = field(default_factory=dict)  # identity -> "delivery" | "quarantine", files still in landing
    log: list[str] = field(default_factory=list)


def _digest(parts: list[str]) -> str:
    # surrogateescape: a name with an undecodable byte still has an identity
    return hashlib.sha256("\n".join(sorted(parts)).encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _no_followers(landed: set[AssetKey]) -> set[AssetKey]:
    return set(landed)


def quarantine_item(name: str, reason: str, profile: str | None = None) -> dict[str, str]:
    """A file's entry in the quarantine run's config; a name that is not valid UTF-8 also travels
    as the hex of its bytes (run config is text), so the op finds the very file."""
    item = {"name": display_name(name), "reason": reason} | ({"profile": profile} if profile else {})
    if item["name"] != name:
        item["name_hex"] = name.encode("utf-8", "surrogateescape").hex()
    return item


def plan_landing_runs(files: list[LandingFile], seen: dict[str, str], profiles=None,
                      newest_partition: str | None = None,
                      selection_for: Callable[[set[AssetKey]], set[AssetKey]] = _no_followers) -> LandingPlan:
    """Decide the runs for files not seen before, from names, sizes and versions alone.

    One run for every matched file of the drop, over the range of their business
    dates, selecting what `selection_for` adds to the landed bronze/silver keys;
    plus one quarantine run for files that can never load: no profile accepts the name,
    dated too far ahead, a link or other non-file, unreadable, too big, a hostile name.
    Nothing is opened: the run hashes what it reads. Run keys hash the files' identities
    (name, version, size), so a file is requested once and a re-upload is requested again.
    """
    plan = LandingPlan()
    matched: list[tuple[LandingFile, str, str]] = []  # file, entity, partition
    unmatched: list[tuple[LandingFile, str, str | None]] = []  # file, reason, profile that refused it
    for f in files:
        if f.identity in seen:
            plan.cursor[f.identity] = seen[f.identity]
            continue
        m, reason = None, file_problem(f.name, f.size, f.problem, None)
        if reason is None:
            try:
                m = match_file(f.name, profiles)
            except UnmatchedFile as exc:
                reason = str(exc)
        if m is not None and newest_partition and m.partition_key > newest_partition:
            ahead = (date.fromisoformat(m.partition_key) - date.fromisoformat(newest_partition)).days
            if ahead <= MAX_DAYS_AHEAD:  # not in the cursor: looked at again every tick
                plan.log.append(f"file={f.name!r} status=waiting partition={m.partition_key} reason=dated after "
                                f"the newest daily partition {newest_partition}; loaded once that day begins (UTC)")
                continue
            m, reason = None, (f"dated {m.partition_key}, {ahead} days after today ({newest_partition}, UTC): "
                               "a till clock or file name is wrong; fix the date and upload it again")
        refused_by = None
        if m is not None and (reason := size_problem(f.size, m.profile.limits)):
            m, refused_by = None, m.profile.name
        if m is None:
            plan.cursor[f.identity] = "quarantine"
            unmatched.append((f, reason, refused_by))
            plan.log.append(f"file={f.name!r} status=quarantined reason={reason}")
            continue
        plan.cursor[f.identity] = "delivery"
        matched.append((f, m.profile.entity, m.partition_key))
        plan.log.append(f"file={f.name!r} profile={m.profile.name} partition={m.partition_key}")

    if matched:
        entities = sorted({entity for _, entity, _ in matched})
        days = sorted({day for _, _, day in matched})
        start, end = days[0], days[-1]
        landed = {AssetKey([layer, e]) for e in entities for layer in ("bronze", "silver")}
        tags = {"retail/entities": ",".join(entities), "retail/files": str(len(matched))}
        key = f"delivery:{start}..{end}:" + _digest([f.identity for f, _, _ in matched])
        selection = sorted(selection_for(landed), key=lambda k: k.to_user_string())
        if start == end:
            plan.runs.append(RunRequest(run_key=key, job_name=INGEST_JOB, asset_selection=selection,
                                        partition_key=start, tags=tags))
        else:
            tags |= {RANGE_START_TAG: start, RANGE_END_TAG: end}
            plan.runs.append(RunRequest(run_key=key, job_name=INGEST_JOB, asset_selection=selection, tags=tags))
    if unmatched:
        plan.runs.append(
            RunRequest(
                run_key="quarantine:" + _digest([f.identity for f, _, _ in unmatched]),
                job_name=quarantine_landing_files.name,
                run_config={"ops": {"quarantine_files": {"config": {
                    "files": [quarantine_item(f.name, reason, profile) for f, reason, profile in unmatched]}}}},
                tags={"retail/files": str(len(unmatched))},
            )
        )
    return plan


def newest_partition(now: datetime | None = None) -> str:
    """The last daily partition that exists now: today, UTC (the partitions' end_offset=1)."""
    if now is None:
        return daily_partitions.get_last_partition_key()
    return now.astimezone(timezone.utc).date().isoformat()


# Dagster's sensor daemon looks every 5 s and skips a sensor whose last tick started less than
# minimum_interval_seconds ago. The next look comes a few milliseconds short of an interval that
# is a multiple of 5 (measured: 10 s gave a tick every 15 s), so the minimum is one second less
# and ticks come every RETAIL_SENSOR_INTERVAL_SECONDS, as configured.
DAEMON_LOOP_SLACK_SECONDS = 1


def tick_spacing(interval_seconds: int) -> int:
    return interval_seconds - DAEMON_LOOP_SLACK_SECONDS


@sensor(
    name="landing_file_sensor",
    jobs=[landing_ingest_job, quarantine_landing_files],
    minimum_interval_seconds=tick_spacing(settings.sensor_interval_seconds()),
    default_status=DefaultSensorStatus.RUNNING,
    description="Watches the landing zone; requests one run per drop of files (bronze, silver and all that "
    "follows new data: gold, ML scores and forecasts, reports), and a quarantine run for files no source "
    "profile accepts or that can never load (links, unreadable, too big, hostile names).",
)
def landing_file_sensor(context: SensorEvaluationContext, landing: LandingFileStore):
    seen = json.loads(context.cursor) if context.cursor else {}
    graph = context.repository_def.asset_graph
    def selection_for(landed: set[AssetKey]) -> set[AssetKey]:
        # Asked only when a tick plans a delivery, not on every idle tick. Scoring follows a delivery
        # only once a model passed its blocking check: scoring loads nothing else (ml/model_registry.py).
        trained = trusted_model(context.instance) is not None
        sales_before = context.instance.get_latest_materialization_event(SILVER_SALES) is not None
        return delivery_selection(graph, landed, MODEL_KEY, trained, sales_loaded=sales_before or SILVER_SALES in landed)

    plan = plan_landing_runs(landing.list_files(), seen, newest_partition=newest_partition(),
                             selection_for=selection_for)
    for line in plan.log:
        (context.log.warning if "status=quarantined" in line else context.log.info)(line)
    cursor = json.dumps(plan.cursor, sort_keys=True)
    if not plan.runs:
        return SensorResult(skip_reason=SkipReason("no new files in the landing zone"), cursor=cursor)
    return SensorResult(run_requests=plan.runs, cursor=cursor)
