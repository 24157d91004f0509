"""Failed runs, recorded where on-call looks: the Dagster log and a JSON-lines file.

`RETAIL_DATA_DIR/ops/run_failures.jsonl` holds one line per failed run with
the job, the assets, the partition (or range) and each failed step's error: its type
and first line, without the values it quoted (the run's event log has the whole error).
It is a file, not a warehouse table, on purpose: a failure is often a DuckDB
problem (a lock, a full disk), and the record must not depend on the thing
that failed. DuckDB reads it directly:
`select * from read_json_auto('data/ops/run_failures.jsonl')`.
"""

import json
import re
from datetime import datetime, timezone
from pathlib import Path

from dagster import (
    ConfigurableResource,
    DefaultSensorStatus,
    RunFailureSensorContext,
    run_failure_sensor,
)

PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
MAX_ERROR_CHARS = 300  # the error's type and first line; the run page has the rest
# Errors quote the values they choke on (DuckDB: "Could not convert string 'ann@x.com'", pandera:
# "failure cases: ..."); the log is kept for long and read widely, so it keeps what failed, not the data.
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
_VALUES_TAIL = re.compile(r"(?i)\b(failure cases?|failing values?|failure examples?|examples?|values?)\s*:.*$")


class RunFailureLog(ConfigurableResource):
    """Append-only JSON-lines file of failed runs."""

    path: str

    def append(self, record: dict) -> None:
        target = Path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, sort_keys=True) + "\n")

    def read(self) -> list[dict]:
        target = Path(self.path)
        if not target.exists():
            return []
        return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines() if line]


def partition_of(tags: dict) -> str | None:
    """The run's partition as people write it: a key, or `start..end` for a ranged run."""
    if tags.get(PARTITION_TAG):
        return tags[PARTITION_TAG]
    if tags.get(RANGE_START_TAG):
        return f"{tags[RANGE_START_TAG]}..{tags.get(RANGE_END_TAG, tags[RANGE_START_TAG])}"
    return None


def without_values(message: str) -> str:
    """The first line of an error message, quoted literals and listed values replaced by '…', bounded."""
    lines = message.strip().splitlines()
    first = _VALUES_TAIL.sub(r"\1: …", _QUOTED.sub("'…'", lines[0] if lines else ""))
    return first if len(first) <= MAX_ERROR_CHARS else first[:MAX_ERROR_CHARS - 1] + "…"


def root_cause(error) -> str:
    """The innermost cause (`module.Type: message`): Dagster wraps the exception that says what went wrong."""
    while error is not None and error.cause is not None:
        error = error.cause
    return error.message.strip() if error is not None else ""


def failed_step_assets(instance, run, step_keys: set[str]) -> list[str]:
    """The assets the failed steps were computing, from the run's execution plan."""
    if not run.execution_plan_snapshot_id:
        return []
    plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
    return sorted({
        output.properties.asset_key.to_user_string()
        for step in plan.steps if step.key in step_keys
        for output in step.outputs if output.properties and output.properties.asset_key
    })


def failure_record(*, run_id: str, job_name: str, tags: dict, asset_keys: list[str],
                   failed_steps: list[tuple[str, str]], run_error: str | None, failed_at: datetime) -> dict:
    """One line of the failure log. Pure, so the format is tested without a failing run."""
    steps = [{"step": step, "error": without_values(error)} for step, error in failed_steps]
    return {
        "failed_at": failed_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "run_id": run_id,
        "job": job_name,
        "assets": sorted(asset_keys),  # the assets of the failed steps
        "partition": partition_of(tags),
        "failed_steps": steps,
        "error": steps[0]["error"] if steps else without_values(run_error or "run failed before any step"),
    }


@run_failure_sensor(
    name="run_failure_recorder",
    description="Writes every failed run (job, assets, partition, error) to the log and ops/run_failures.jsonl.",
    default_status=DefaultSensorStatus.RUNNING,
    monitor_all_code_locations=False,
)
def run_failure_recorder(context: RunFailureSensorContext, failure_log: RunFailureLog):
    run = context.dagster_run
    failed_steps = [(event.step_key or "?", root_cause(event.step_failure_data.error))
                    for event in context.get_step_failure_events()]
    record = failure_record(
        run_id=run.run_id,
        job_name=run.job_name,
        tags=dict(run.tags),
        asset_keys=failed_step_assets(context.instance, run, {step for step, _ in failed_steps}),
        failed_steps=failed_steps,
        run_error=context.failure_event.message,
        failed_at=datetime.now(timezone.utc),
    )
    failure_log.append(record)
    context.log.error(
        f"run_failed run_id={record['run_id']} job={record['job']} partition={record['partition']} "
        f"assets={','.join(record['assets']) or '-'} error={record['error'].splitlines()[0] if record['error'] else '-'}"
    )
