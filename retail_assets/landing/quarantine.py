"""A small job that moves unusable landing files to rejected/ and records why.

The sensor itself only reads (sensor ticks may be retried); moving files and
writing the audit happen in a run, where the reason is in the run log too.
"""


import hashlib

from dagster import Config, OpExecutionContext, job, op

from retail_assets.constants import WAREHOUSE_POOL
from retail_assets.landing.file_store import LandingFileStore
from retail_assets.warehouse.base import Warehouse


class QuarantineConfig(Config):
    files: list[dict[str, str]]  # [{"name": ..., "reason": ...}]


@op(pool=WAREHOUSE_POOL)
def quarantine_files(context: OpExecutionContext, config: QuarantineConfig, landing: LandingFileStore,
                     warehouse: Warehouse) -> None:
    present = {f.name for f in landing.list_files()}
    for item in config.files:
        name, reason = item["name"], item["reason"]
        if name not in present:
            context.log.info(f"file={name} already gone from the landing zone; nothing to do")
            continue
        sha = hashlib.sha256(landing.read_bytes(name)).hexdigest()
        moved = landing.reject(name, f"{name}: {reason}\nsha256: {sha}\n")
        warehouse.record_rejected_file(file=name, sha256=sha, status="rejected", reason=reason, partition=None)
        context.log.error(f"file={name} status=rejected reason={reason} moved_to={moved}")


@job(description="Moves landing files no source profile accepts to rejected/, with a reason file and an audit row.")
def quarantine_landing_files():
    quarantine_files()


